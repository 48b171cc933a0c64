/* SPDX-License-Identifier: GPL-2.0 */
/* The control surface, /sys/kernel/debug/collapse_guard/ (debugfs/debugfs.c). */
#ifndef _CG_DEBUGFS_H
#define _CG_DEBUGFS_H

/*
 * Creates and removes the directory.  Cannot fail: without debugfs
 * (debugfs=off, or lockdown) the module says so once and goes on.
 */
void cg_debugfs_init(void);
void cg_debugfs_exit(void);

#endif /* _CG_DEBUGFS_H */
