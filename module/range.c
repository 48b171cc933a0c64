// SPDX-License-Identifier: GPL-2.0
/*
 * What the page cache holds over one PMD-sized range, looked at without the
 * xarray lock and without touching a page: whether a huge page covers it,
 * and how many of its indices are holes.  A lock-free look is a snapshot: a
 * page filled, punched or collapsed meanwhile makes it one off.  Used where
 * a hint is enough (the guard's early refusal, the exposure detector); the
 * guard's sealed section is the authority on holes.
 */
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/xarray.h>
#include "range.h"

/**
 * cg_range_is_huge() - the range is one PMD-order entry
 * @mapping: the file's page cache
 * @start:   the first index of the range (PMD aligned)
 *
 * Return: true if a huge page is in the page cache over the range.
 */
bool cg_range_is_huge(struct address_space *mapping, pgoff_t start)
{
	return xa_get_order(&mapping->i_pages, start) == HPAGE_PMD_ORDER;
}

/*
 * The holes of [start, start + HPAGE_PMD_NR): indices with no entry (a
 * swapped-out page is a value entry, present).  A PMD-order entry is one
 * entry for the walk: callers look for a huge page first.
 */
static int cg_count_holes(struct address_space *mapping, pgoff_t start)
{
	XA_STATE(xas, &mapping->i_pages, start);
	int holes = HPAGE_PMD_NR;
	void *entry;

	rcu_read_lock();
	xas_for_each(&xas, entry, start + HPAGE_PMD_NR - 1) {
		if (!xas_retry(&xas, entry))
			holes--;
	}
	rcu_read_unlock();
	return holes;
}

/**
 * cg_view_range() - the range as the page cache holds it now
 * @mapping: the file's page cache
 * @start:   the first index of the range (PMD aligned)
 *
 * Context: any context that may take rcu_read_lock(); takes no lock of
 * the mapping.  At most HPAGE_PMD_NR slot loads.
 * Return: a huge page over the range (no holes), or the holes counted.
 */
struct cg_range_view cg_view_range(struct address_space *mapping, pgoff_t start)
{
	struct cg_range_view view = { .huge = cg_range_is_huge(mapping, start) };

	if (!view.huge)
		view.holes = cg_count_holes(mapping, start);
	return view;
}
