/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How long collapse_huge_page() holds the mmap lock for write: an opt-in
 * measurement (debugfs "anon_lock_timing"), see module/anon_lock.c.
 */
#ifndef _CG_ANON_LOCK_H
#define _CG_ANON_LOCK_H

#include <linux/types.h>

/* Called by the collapse_huge_page() probe at entry and at return. */
int cg_anon_lock_enter(void);
void cg_anon_lock_leave(int slot);

bool cg_anon_lock_timing_enabled(void);
int cg_anon_lock_timing_set(bool on);
void cg_anon_lock_exit(void);

#endif /* _CG_ANON_LOCK_H */
