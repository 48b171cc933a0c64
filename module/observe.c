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
 * Whether the call committed its huge page is not what it returns: once the
 * huge page is in, 6.1's collapse_file() returns what retract_page_tables()
 * made of the caller's own mapping.  Most of those results only come from
 * there (the caller had no page table: SCAN_PMD_NULL or SCAN_PMD_NONE; its
 * mapping is uffd-wp: SCAN_PTE_UFFD_WP, and MADV_COLLAPSE says EINVAL...).
 * Two also come from failures before the commit: SCAN_PTE_MAPPED_HUGEPAGE
 * (khugepaged could not take the mmap lock, or the range was already huge)
 * and SCAN_FAIL (the caller's VMA went away, or many a failure).  For those
 * the page cache is looked at after the call.  So that a huge page another
 * collapse of the range committed meanwhile is not taken for this call's,
 * the observed calls of one shmem range are serialised (a hashed mutex):
 * each runs as if it had started after the previous one returned, an order
 * stock allows too.  The wait is killable (a task killed while waiting runs
 * the call unserialised, judged by its result alone).
 *
 * Not seen: a huge page committed with one of the two ambiguous results and
 * split, swapped out or truncated before the look; a guarded call (a mode
 * switch in flight) or a fault into an emptied range that put a huge page
 * there during the call counts as this call's commit.
 */
#include <linux/hash.h>
#include <linux/ktime.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/pagemap.h>
#include <linux/shmem_fs.h>
#include "cg_collapse.h"
#include "cg_hist.h"
#include "cg_khugepaged.h"
#include "cg_ksyms.h"
#include "cg_stats.h"
#include "cg_trace.h"
#include "observe.h"
#include "range.h"
#include "uffd_missing.h"

#define CG_RANGE_LOCK_BITS	8

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

/* A 6.1 collapse_file() result that only retract_page_tables() gives. */
static bool cg_result_after_commit(int result)
{
	switch (result) {
	case SCAN_SUCCEED:
	case SCAN_PMD_NULL:
	case SCAN_PMD_NONE:
	case SCAN_PMD_MAPPED:
	case SCAN_PAGE_ANON:
	case SCAN_VMA_CHECK:
	case SCAN_ANY_PROCESS:
	case SCAN_PTE_UFFD_WP:
		return true;
	default:
		return false;
	}
}

/*
 * Did the call put its huge page in the page cache?  @serialised: no other
 * observed call ran on the range meanwhile, so a huge page there now that
 * was not there before is this call's.
 */
static bool cg_stock_committed(struct address_space *mapping, pgoff_t start,
			       const struct cg_range_view *before, int result,
			       bool serialised)
{
	if (cg_result_after_commit(result))
		return true;
	return serialised && !before->huge && cg_range_is_huge(mapping, start);
}

static void cg_report_exposure(struct file *file, pgoff_t start, int holes)
{
	struct cg_uffd_victim victim;

	cg_stats_inc(CG_UFFD_EXPOSED);
	cg_stats_add(CG_UFFD_EXPOSED_HOLES, holes);
	if (!trace_uffd_exposed_enabled())
		return;
	cg_uffd_missing_victim(file->f_mapping, start, start + HPAGE_PMD_NR,
			       &victim);
	trace_uffd_exposed(file_inode(file), start, holes, victim.pid,
			   victim.comm);
}

/*
 * The stock call, with the range looked at before and after it.  @held: the
 * range's lock, held, or NULL if the call is not serialised.
 * Context: sleeps.
 */
static int cg_watch_stock_call(struct mm_struct *mm, unsigned long addr,
			       struct file *file, pgoff_t start,
			       struct collapse_control *cc, struct mutex *held)
{
	cg_collapse_file_fn stock = cg_ksyms.collapse_file;
	struct address_space *mapping = file->f_mapping;
	pgoff_t end = start + HPAGE_PMD_NR;
	struct cg_range_view before;
	bool uffd, committed;
	u64 started, took;
	int result;

	if (held)
		lockdep_assert_held(held);
	before = cg_view_range(mapping, start);
	uffd = before.holes && cg_uffd_missing_mapped_unlocked(mapping, start, end);
	started = ktime_get_ns();
	result = stock(mm, addr, file, start, cc);
	took = ktime_get_ns() - started;
	committed = cg_stock_committed(mapping, start, &before, result, held);

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
 * calls from the module through (cg_redirect()).  Calls on a file that is
 * not shmem (no MISSING-mode userfaultfd can map it) are not serialised.
 *
 * Context: process context, no locks held; sleeps.
 * Return: what the stock collapse_file() returned.
 */
int cg_observed_collapse_file(struct mm_struct *mm, unsigned long addr,
			      struct file *file, pgoff_t start,
			      struct collapse_control *cc)
{
	struct mutex *lock = cg_range_lock(file->f_mapping, start);
	int result;

	if (!shmem_file(file) || mutex_lock_killable(lock))
		return cg_watch_stock_call(mm, addr, file, start, cc, NULL);
	result = cg_watch_stock_call(mm, addr, file, start, cc, lock);
	mutex_unlock(lock);
	return result;
}
