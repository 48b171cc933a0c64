// SPDX-License-Identifier: GPL-2.0
/*
 * Mode observe: the stock collapse_file() runs, wrapped by the exposure
 * detector.
 *
 * A stock 6.1 collapse fills the holes of its range with the huge page; if a
 * VMA mapping the range has a MISSING-mode userfaultfd, the missing-page
 * events of those holes are lost for good (the bug the guard fixes).  The
 * wrapper counts the holes of the range and looks for such a VMA before the
 * call, calls the stock function unchanged, and, if it installed a huge
 * page over holes while such a VMA mapped the range (before or after the
 * call, so a registration that raced with it counts too), counts the
 * exposure and emits the uffd_exposed trace event.  In mode guard the same
 * collapses are the vetoes.
 *
 * The hole count is taken lock-free before the call: a hole filled or
 * punched meanwhile by someone else can make it one off, which does not
 * change whether the range was exposed.
 */
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/shmem_fs.h>
#include <linux/xarray.h>
#include "cg_collapse.h"
#include "cg_hist.h"
#include "cg_ksyms.h"
#include "cg_stats.h"
#include "cg_trace.h"

/*
 * The holes of [start, start + HPAGE_PMD_NR): indices with no entry (a
 * swapped-out page is a value entry, present).  A range already held by a
 * huge page has none.
 */
static int cg_count_holes(struct address_space *mapping, pgoff_t start)
{
	XA_STATE(xas, &mapping->i_pages, start);
	int present = 0;
	void *entry;

	rcu_read_lock();
	xas_for_each(&xas, entry, start + HPAGE_PMD_NR - 1) {
		if (xas_retry(&xas, entry))
			continue;
		if (!xa_is_value(entry) && PageTransHuge((struct page *)entry)) {
			present = HPAGE_PMD_NR;
			break;
		}
		present++;
	}
	rcu_read_unlock();
	return HPAGE_PMD_NR - present;
}

static void cg_report_exposure(struct file *file, pgoff_t start, int holes)
{
	cg_stats_inc(CG_UFFD_EXPOSED);
	cg_stats_add(CG_UFFD_EXPOSED_HOLES, holes);
	trace_uffd_exposed(file_inode(file), start, holes);
}

/**
 * cg_observed_collapse_file() - the stock collapse_file(), watched
 * @mm:    as collapse_file()
 * @addr:  as collapse_file()
 * @file:  as collapse_file()
 * @start: as collapse_file()
 * @cc:    as collapse_file()
 *
 * The stock function is called through its address: the redirection lets
 * calls from the module through (cg_redirect()).
 *
 * Context: process context, no locks held; sleeps.
 * Return: what the stock collapse_file() returned.
 */
int cg_observed_collapse_file(struct mm_struct *mm, unsigned long addr,
			      struct file *file, pgoff_t start,
			      struct collapse_control *cc)
{
	cg_collapse_file_fn stock = cg_ksyms.collapse_file;
	struct address_space *mapping = file->f_mapping;
	pgoff_t end = start + HPAGE_PMD_NR;
	bool watched = shmem_file(file) && IS_ALIGNED(start, HPAGE_PMD_NR);
	bool uffd = false;
	int holes = 0;
	u64 started, took;
	int result;

	if (watched) {
		holes = cg_count_holes(mapping, start);
		uffd = holes && cg_uffd_missing_mapped_unlocked(mapping, start, end);
	}
	started = ktime_get_ns();
	result = stock(mm, addr, file, start, cc);
	took = ktime_get_ns() - started;

	cg_hist_record(CG_HIST_STOCK, took);
	trace_stock_collapse(file_inode(file), start, holes, result, took);
	if (result == SCAN_SUCCEED && holes &&
	    (uffd || cg_uffd_missing_mapped_unlocked(mapping, start, end)))
		cg_report_exposure(file, start, holes);
	return result;
}
