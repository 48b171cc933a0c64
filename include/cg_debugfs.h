/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _CG_DEBUGFS_H
#define _CG_DEBUGFS_H

/* /sys/kernel/debug/collapse_guard/ (debugfs/debugfs.c); 0 even without debugfs. */
int cg_debugfs_init(void);
void cg_debugfs_exit(void);

#endif /* _CG_DEBUGFS_H */
