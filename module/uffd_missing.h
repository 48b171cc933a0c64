/* SPDX-License-Identifier: GPL-2.0 */
/*
 * module/collapse_uffd.c, outside the sealed section: does a VMA with a
 * MISSING-mode userfaultfd map the range?  (The early refusal and the
 * exposure detector; the sealed check is in collapse_phases.h.)
 */
#ifndef _CG_UFFD_MISSING_H
#define _CG_UFFD_MISSING_H

#include <linux/fs.h>
#include <linux/types.h>

bool cg_uffd_missing_mapped_unlocked(struct address_space *mapping,
				     pgoff_t start, pgoff_t end);

#endif /* _CG_UFFD_MISSING_H */
