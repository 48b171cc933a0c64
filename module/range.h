/* SPDX-License-Identifier: GPL-2.0 */
/* module/range.c: the page cache over a PMD range, looked at lock-free. */
#ifndef _CG_RANGE_H
#define _CG_RANGE_H

#include <linux/fs.h>
#include <linux/types.h>

struct cg_range_view {
	bool huge;	/* one PMD-order entry covers the range */
	int holes;	/* indices with no entry (0 if @huge) */
};

bool cg_range_is_huge(struct address_space *mapping, pgoff_t start);
struct cg_range_view cg_view_range(struct address_space *mapping, pgoff_t start);

#endif /* _CG_RANGE_H */
