/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The control of the module (module/control.c): switching modes, with the
 * hooks each mode needs; what debugfs and the mode parameter call.
 */
#ifndef _CG_CONTROL_H
#define _CG_CONTROL_H

#include <linux/types.h>
#include "cg_mode.h"
#include "cg_path.h"

/* At load, after the checks: installs the hooks the mode chosen at load needs. */
int cg_control_start(void);
/* At unload (mode off), or when the load fails after cg_control_start(). */
void cg_control_stop(void);

/*
 * Switches the mode, registering or removing the hooks as the mode needs
 * them.  0, or the error that kept a hook from being registered (the mode
 * is then unchanged).
 */
int cg_control_set_mode(enum cg_mode mode);

/* The collapse_file redirection is registered (modes observe, guard). */
bool cg_control_redirect_live(void);

/* The kernel has the path's function to hook (collapse_huge_page may be inlined). */
bool cg_control_path_available(enum cg_path path);

/* Calls the anonymous path's probe could not follow (kretprobe nmissed). */
unsigned long cg_control_missed(void);
void cg_control_missed_reset(void);

#endif /* _CG_CONTROL_H */
