/* SPDX-License-Identifier: GPL-2.0 */
/*
 * module/collapse_uffd.c, outside the sealed section: does a VMA with a
 * MISSING-mode userfaultfd map the range, and whose is it?  (The early
 * refusal and the exposure detector; the sealed check is in
 * collapse_phases.h.)
 */
#ifndef _CG_UFFD_MISSING_H
#define _CG_UFFD_MISSING_H

#include <linux/fs.h>
#include <linux/sched.h>
#include <linux/types.h>

/* The process whose MISSING-mode registration maps a range. */
struct cg_uffd_victim {
	pid_t pid;
	char comm[TASK_COMM_LEN];
};

bool cg_uffd_missing_mapped_unlocked(struct address_space *mapping,
				     pgoff_t start, pgoff_t end);
void cg_uffd_missing_victim(struct address_space *mapping, pgoff_t start,
			    pgoff_t end, struct cg_uffd_victim *v);

#endif /* _CG_UFFD_MISSING_H */
