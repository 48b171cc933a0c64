// SPDX-License-Identifier: GPL-2.0
/*
 * Mode observe: the stock collapse_file() runs, wrapped by the exposure
 * detector.
 *
 * A stock 6.1 collapse fills the holes of its range with the huge page; if a
 * VMA mapping the range has a MISSING-mode userfaultfd, the missing-page
 * events of those holes are lost for good (the bug the guard fixes).  The
 * wrapper looks at the range before the call (its holes, and whether such a
 * VMA maps it), calls the stock function unchanged, and if the call put a
 * huge page in the page cache over holes while such a VMA mapped the range
 * (before or after the call, so a registration that raced with it counts
 * too), counts the exposure and emits the uffd_exposed trace event.  In mode
 * guard the same collapses are the vetoes.
 *
 * Whether the call committed is read from the page cache, not from its
 * result: 6.1's collapse_file() returns what retract_page_tables() made of
 * the caller's own mapping once the huge page is in, so a committed collapse
 * can return SCAN_PTE_MAPPED_HUGEPAGE (khugepaged could not take the mmap
 * lock), SCAN_PTE_UFFD_WP (the mapping is uffd-wp; MADV_COLLAPSE then says
 * EINVAL), SCAN_PAGE_ANON and others.  To tell "this call committed" from
 * "another collapse of the range did, meanwhile", the observed calls of one
 * range are serialised (a hashed mutex): each then runs as if it had started
 * after the previous one returned, an interleaving stock allows too.
 *
 * Not seen: a range truncated and re-collapsed by someone else between the
 * commit and the look after the call; a huge page a fault allocated into a
 * range that the call's caller emptied meanwhile counts as a commit.
 */
#include <linux/hash.h>
#include <linux/ktime.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/pagemap.h>
#include <linux/xarray.h>
#include "cg_collapse.h"
#include "cg_hist.h"
#include "cg_ksyms.h"
#include "cg_stats.h"
#include "cg_trace.h"

#define CG_RANGE_LOCK_BITS	6

/* Serialise the observed calls of one range (and of the ranges hashed with it). */
static struct mutex cg_range_locks[1 << CG_RANGE_LOCK_BITS];

void cg_observe_init(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(cg_range_locks); i++)
		mutex_init(&cg_range_locks[i]);
}

static struct mutex *cg_range_lock(struct address_space *mapping, pgoff_t start)
{
	unsigned long key = (unsigned long)mapping ^ (start >> HPAGE_PMD_ORDER);

	return &cg_range_locks[hash_long(key, CG_RANGE_LOCK_BITS)];
}

/* The range in the page cache: a huge page, or how many holes it has. */
struct cg_range_view {
	bool huge;
	int holes;
};

/*
 * A look at [start, start + HPAGE_PMD_NR) without the xarray lock: a hole is
 * an index with no entry (a swapped-out page is a value entry, present).  A
 * page filled or punched meanwhile can make the hole count one off, which
 * does not change whether the range was exposed.
 */
static struct cg_range_view cg_view_range(struct address_space *mapping, pgoff_t start)
{
	XA_STATE(xas, &mapping->i_pages, start);
	struct cg_range_view view = { .holes = HPAGE_PMD_NR };
	struct page *page;
	void *entry;

	rcu_read_lock();
	xas_for_each(&xas, entry, start + HPAGE_PMD_NR - 1) {
		if (xas_retry(&xas, entry))
			continue;
		view.holes--;
		if (xa_is_value(entry))
			continue;
		page = entry;
		if (PageTransHuge(page) && compound_order(page) == HPAGE_PMD_ORDER &&
		    page->index == start) {
			view.huge = true;
			view.holes = 0;
			break;
		}
	}
	rcu_read_unlock();
	return view;
}

static void cg_report_exposure(struct file *file, pgoff_t start, int holes)
{
	cg_stats_inc(CG_UFFD_EXPOSED);
	cg_stats_add(CG_UFFD_EXPOSED_HOLES, holes);
	trace_uffd_exposed(file_inode(file), start, holes);
}

/*
 * The stock call, with the range looked at before and after it.
 * Context: the range's lock held; sleeps.
 */
static int cg_watch_stock_call(struct mm_struct *mm, unsigned long addr,
			       struct file *file, pgoff_t start,
			       struct collapse_control *cc)
{
	cg_collapse_file_fn stock = cg_ksyms.collapse_file;
	struct address_space *mapping = file->f_mapping;
	pgoff_t end = start + HPAGE_PMD_NR;
	struct cg_range_view before = cg_view_range(mapping, start);
	bool uffd, committed;
	u64 started, took;
	int result;

	lockdep_assert_held(cg_range_lock(mapping, start));
	uffd = before.holes && cg_uffd_missing_mapped_unlocked(mapping, start, end);
	started = ktime_get_ns();
	result = stock(mm, addr, file, start, cc);
	took = ktime_get_ns() - started;
	committed = !before.huge && cg_view_range(mapping, start).huge;

	cg_hist_record(CG_HIST_STOCK, took);
	trace_stock_collapse(file_inode(file), start, before.holes, result,
			     committed, took);
	if (!committed)
		return result;
	cg_stats_inc(CG_STOCK_COMMITTED);
	if (before.holes &&
	    (uffd || cg_uffd_missing_mapped_unlocked(mapping, start, end)))
		cg_report_exposure(file, start, before.holes);
	return result;
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
 * calls from the module through (cg_redirect()).  Every call is watched: on
 * a file that is not shmem no MISSING-mode userfaultfd can map the range.
 *
 * Context: process context, no locks held; sleeps.
 * Return: what the stock collapse_file() returned.
 */
int cg_observed_collapse_file(struct mm_struct *mm, unsigned long addr,
			      struct file *file, pgoff_t start,
			      struct collapse_control *cc)
{
	struct mutex *lock;
	int result;

	lock = cg_range_lock(file->f_mapping, start);
	mutex_lock(lock);
	result = cg_watch_stock_call(mm, addr, file, start, cc);
	mutex_unlock(lock);
	return result;
}
