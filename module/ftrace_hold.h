/* SPDX-License-Identifier: GPL-2.0 */
/* module/ftrace_hold.c: ftrace held enabled while the module loads. */
#ifndef _CG_FTRACE_HOLD_H
#define _CG_FTRACE_HOLD_H

/*
 * Held from the start of the load to its end: keeps kernel.ftrace_enabled
 * at 1 while the load uses kprobes, and fails (one log line) while it is 0.
 */
int cg_ftrace_hold(void);
void cg_ftrace_release(void);

/* Why an ftrace_ops of ours could not be registered, in one log line. */
void cg_ftrace_report_error(const char *what, int ret, bool permanent_only);

#endif /* _CG_FTRACE_HOLD_H */
