/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hooks on khugepaged: kretprobes that count the calls and results of
 * collapse_file() and collapse_huge_page(), and an ftrace_ops that sends
 * collapse_file() calls to the guarded implementation in mode "guard".
 */
#ifndef _CG_HOOKS_H
#define _CG_HOOKS_H

#include <linux/types.h>
#include "cg_mode.h"
#include "cg_stats.h"

/*
 * Held from the start of the load to its end: keeps kernel.ftrace_enabled
 * at 1 while the load uses kprobes, and fails (one log line) while it is 0.
 */
int cg_hooks_hold_ftrace(void);
void cg_hooks_release_ftrace(void);

/* Installs the hooks the mode chosen at load needs. */
int cg_hooks_install(void);
void cg_hooks_remove(void);

/*
 * Switches the mode, (un)registering the collapse_file redirection as the
 * mode needs it.  0, or the error that kept the redirection from being
 * registered (the mode is then unchanged).
 */
int cg_hooks_switch_mode(enum cg_mode mode);

/* The probes and the redirection are registered (modes observe, guard). */
bool cg_hooks_redirect_live(void);

/* The kernel has the path's function to probe (collapse_huge_page may be inlined). */
bool cg_hooks_path_available(enum cg_path path);

/* Calls the probes could not follow to their return (kretprobe nmissed). */
unsigned long cg_hooks_missed(void);
void cg_hooks_missed_reset(void);

#endif /* _CG_HOOKS_H */
