/* SPDX-License-Identifier: GPL-2.0 */
/* module/observe.c: mode observe's wrapper around the stock collapse_file(). */
#ifndef _CG_OBSERVE_H
#define _CG_OBSERVE_H

#include <linux/fs.h>
#include <linux/mm_types.h>
#include "cg_khugepaged.h"

void cg_observe_init(void);
int cg_observed_collapse_file(struct mm_struct *mm, unsigned long addr,
			      struct file *file, pgoff_t start,
			      struct collapse_control *cc);

#endif /* _CG_OBSERVE_H */
