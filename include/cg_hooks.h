/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hooks on khugepaged: kretprobes that count the calls and results of
 * collapse_file() and collapse_huge_page(), and an ftrace_ops that sends
 * collapse_file() calls to the guarded implementation in mode "guard".
 */
#ifndef _CG_HOOKS_H
#define _CG_HOOKS_H

int cg_hooks_install(void);
void cg_hooks_remove(void);

/* Calls the probes could not follow to their return (kretprobe nmissed). */
unsigned long cg_hooks_missed(void);

#endif /* _CG_HOOKS_H */
