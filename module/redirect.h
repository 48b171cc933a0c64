/* SPDX-License-Identifier: GPL-2.0 */
/* module/redirect.c: collapse_file() calls sent to the module's code. */
#ifndef _CG_REDIRECT_H
#define _CG_REDIRECT_H

#include <linux/types.h>

/* Points the redirection at collapse_file() (before the first attach). */
int cg_redirect_prepare(void);
void cg_redirect_release(void);

/*
 * Registers the redirection and pins the module; removes it and unpins.
 * Context: the mode switch's mutex held (module/control.c).
 */
int cg_redirect_attach(void);
bool cg_redirect_detach(void);

/* The redirection is registered (the mode is observe or guard). */
bool cg_redirect_live(void);

/* Waits until no call the redirection sent to the module is in it. */
void cg_redirect_wait_inflight(void);

#endif /* _CG_REDIRECT_H */
