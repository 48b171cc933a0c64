/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guarded collapse_file(): a userfaultfd-safe replacement for 6.1's
 * collapse_file() in mm/khugepaged.c (module/collapse.c; its phases are
 * private to module/, in collapse_phases.h).
 */
#ifndef _CG_COLLAPSE_H
#define _CG_COLLAPSE_H

#include <linux/fs.h>
#include <linux/mm_types.h>
#include "cg_khugepaged.h"

/* collapse_file()'s type: the stock one's, the guard's and the detector's. */
typedef int (*cg_collapse_file_fn)(struct mm_struct *mm, unsigned long addr,
				   struct file *file, pgoff_t start,
				   struct collapse_control *cc);

int cg_collapse_file(struct mm_struct *mm, unsigned long addr,
		     struct file *file, pgoff_t start,
		     struct collapse_control *cc);

#endif /* _CG_COLLAPSE_H */
