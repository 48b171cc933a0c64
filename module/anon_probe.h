/* SPDX-License-Identifier: GPL-2.0 */
/* module/anon_probe.c: the kretprobe that counts khugepaged's anonymous path. */
#ifndef _CG_ANON_PROBE_H
#define _CG_ANON_PROBE_H

#include <linux/types.h>

/* The kernel has collapse_huge_page() to probe (it may be inlined). */
bool cg_anon_probe_available(void);

/* Context: the mode switch's mutex held (module/control.c). */
int cg_anon_probe_register(void);
void cg_anon_probe_unregister(void);

/* Calls the probe could not follow to their return, since the last reset. */
unsigned long cg_anon_probe_missed(void);
void cg_anon_probe_missed_reset(void);

#endif /* _CG_ANON_PROBE_H */
