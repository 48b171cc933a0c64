// SPDX-License-Identifier: GPL-2.0
/*
 * The guarded collapse_file(): 6.1's collapse_file() for shmem, in the order
 * of operations upstream adopted for 6.4 (series "mm/khugepaged: fixes for
 * khugepaged+shmem": efa3d814fad1 drain LRU after swap-in, cae106dd67b9 one
 * rollback path, ac492b9c70ca skip shmem with armed userfaultfd, a2e17cc2efc7
 * maintain the page cache uptodate flag):
 *
 *   0. refuse at once, before any work, a call the guard cannot handle (not
 *      shmem, not aligned) and a range with holes that a MISSING-mode
 *      userfaultfd already maps (collapse_uffd.c, range.c); a full range
 *      collapses whatever is registered, as upstream;
 *   1. allocate and charge the huge page; lock it, set its index and mapping;
 *   2. scan the range: lock, isolate and unmap every present page (swapping
 *      in as needed), only counting the holes (collapse_isolate.c);
 *   3. copy the present pages into the huge page, zero the holes (with
 *      copy_highpage() as 6.1 does: no machine-check recovery);
 *   4. in one xarray-locked section, seal the holes with retry entries,
 *      refuse if one was filled or if a VMA has a MISSING userfaultfd, and
 *      store the huge page over the range (collapse_seal.c);
 *   5. commit: put the huge page on the LRU, retract page tables
 *      (retract.c), free the old pages;
 *      or roll back: return the pages, untouched, to the LRU.
 *
 * Present pages stay in the page cache, locked, until step 4 replaces them,
 * so nobody can observe a half-built huge page, and a concurrent truncation
 * or hole punch waits for them.  A reader that runs during the scan sees the
 * holes as holes; from the sealed section on, none sees a hole that the
 * collapse then fills.  Results are 6.1 codes; the finer reasons are counted
 * in the statistics.
 */
#include <linux/highmem.h>
#include <linux/ktime.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/shmem_fs.h>
#include <linux/swap.h>
#include "cg_collapse.h"
#include "cg_hist.h"
#include "cg_inject.h"
#include "cg_ksyms.h"
#include "cg_selftest.h"
#include "cg_stats.h"
#include "cg_trace.h"
#include "collapse_phases.h"
#include "range.h"
#include "uffd_missing.h"

/*
 * Step 1: the new huge page, locked, and owned by the range.
 * Context: process context, no locks held; may sleep (reclaim).
 * Return: a scan result (SCAN_ALLOC_HUGE_PAGE_FAIL, SCAN_CGROUP_CHARGE_FAIL).
 */
static int cg_alloc_hpage(struct cg_collapse *c)
{
	int result = cg_ksyms.alloc_charge_hpage(&c->hpage, c->mm, c->cc);

	if (result != SCAN_SUCCEED)
		return result;
	__SetPageLocked(c->hpage);
	__SetPageSwapBacked(c->hpage);
	c->hpage->index = c->start;
	c->hpage->mapping = c->mapping;
	return SCAN_SUCCEED;
}

/* Drops the huge page of a collapse that did not happen. */
static void cg_free_hpage(struct cg_collapse *c)
{
	if (!c->hpage)
		return;
	if (PageLocked(c->hpage)) {
		c->hpage->mapping = NULL;
		unlock_page(c->hpage);
	}
	if (!mem_cgroup_disabled())
		cg_ksyms.mem_cgroup_uncharge(page_folio(c->hpage));
	put_page(c->hpage);
	c->hpage = NULL;
}

/*
 * Step 3: the old pages are locked and unmapped, so they cannot change.
 * Context: process context, no locks held.
 */
static void cg_copy_pages(struct cg_collapse *c)
{
	pgoff_t index = c->start;
	struct page *page;

	list_for_each_entry(page, &c->pagelist, lru) {
		for (; index < page->index; index++)
			clear_highpage(c->hpage + (index - c->start));
		copy_highpage(c->hpage + (page->index - c->start), page);
		index++;
	}
	for (; index < c->end; index++)
		clear_highpage(c->hpage + (index - c->start));
}

/*
 * The old pages left the page cache when the huge page replaced them: they
 * leave its statistics in their own memcg and node, where they were counted
 * (4188b2592ff6; the huge page counts all its pages, cg_account_hpage()).
 * Context: the pages locked, still charged to their memcg.
 */
static void cg_unaccount_old_page(struct page *page)
{
	VM_BUG_ON_PAGE(!PageLocked(page), page);
	if (cg_selftest("stats_6_1"))
		return;
	mod_lruvec_page_state(page, NR_FILE_PAGES, -1);
	mod_lruvec_page_state(page, NR_SHMEM, -1);
}

/*
 * Frees the old pages once the huge page replaced them in the page cache;
 * @memcg: the huge page's, only compared (the page cache owns it now).
 */
static void cg_free_old_pages(struct cg_collapse *c,
			      const struct mem_cgroup *memcg)
{
	struct page *page, *tmp;
	bool cross_memcg = false;

	list_for_each_entry_safe(page, tmp, &c->pagelist, lru) {
		list_del(&page->lru);
		/* where 6.1 leaves the old page counted (4188b2592ff6) */
		cross_memcg |= page_memcg(page) != memcg;
		cg_unaccount_old_page(page);
		page->mapping = NULL;
		ClearPageActive(page);
		ClearPageUnevictable(page);
		unlock_page(page);
		/* our pin, the page cache's and the isolation's */
		folio_put_refs(page_folio(page), 3);
	}
	if (cross_memcg)
		cg_stats_inc(CG_GUARD_CROSS_MEMCG);
}

/*
 * Step 5, success.  Context: the huge page and the old pages locked, no
 * other locks held.  Return: the scan result of mapping the huge page for
 * the caller's mm (cg_retract_page_tables()).
 */
static int cg_commit(struct cg_collapse *c)
{
	const struct mem_cgroup *memcg = page_memcg(c->hpage);
	int result;

	c->committed = true;	/* stored by cg_seal_and_store() */
	lru_cache_add(c->hpage);
	result = cg_retract_page_tables(c);
	unlock_page(c->hpage);
	/* the page cache now holds the references we had */
	c->hpage = NULL;
	cg_free_old_pages(c, memcg);
	return result;
}

/*
 * Step 5, failure: the old pages never left the page cache.
 * Context: the listed pages locked and isolated, no other locks held.
 */
static void cg_rollback(struct cg_collapse *c)
{
	struct page *page, *tmp;

	if (!list_empty(&c->pagelist))
		cg_stats_inc(CG_GUARD_ROLLBACKS);
	list_for_each_entry_safe(page, tmp, &c->pagelist, lru) {
		list_del(&page->lru);
		unlock_page(page);
		cg_ksyms.putback_lru_page(page);
		put_page(page);
	}
}

/*
 * The guard's own results: their names (statistics, trace events), their
 * counters, and the 6.1 code returned for each.  6.1's callers only know
 * 6.1's codes: each reason is returned as the 6.1 code that 6.1's
 * madvise_collapse_errno() turns into the errno current upstream (6.12's
 * madvise_collapse_errno()) gives for the same reason, and that stops
 * MADV_COLLAPSE where upstream stops:
 *  - a filled hole: SCAN_PAGE_LOCK, EAGAIN, as SCAN_PAGE_FILLED.  Upstream
 *    stops MADV_COLLAPSE there; 6.1 has no EAGAIN code that stops, so it
 *    goes on with the next PMD;
 *  - a userfaultfd veto: SCAN_CGROUP_CHARGE_FAIL, EBUSY, as upstream's
 *    SCAN_EXCEED_NONE_PTE since 6.6 (6.4 said EINVAL); both stop;
 *  - not shmem, or not aligned: SCAN_FAIL, EINVAL (upstream never calls
 *    collapse_file() for them since 6.14; before, it hit a VM_BUG_ON).
 */
struct cg_guard_reason {
	const char *name;
	enum cg_counter counter;
	int caller_result;
};

/* The 6.1 code returned for each reason (above); a new reason needs one. */
#define CG_CALLER_RESULT_UFFD_MISSING	SCAN_CGROUP_CHARGE_FAIL
#define CG_CALLER_RESULT_PAGE_FILLED	SCAN_PAGE_LOCK
#define CG_CALLER_RESULT_NOT_SHMEM	SCAN_FAIL
#define CG_CALLER_RESULT_UNALIGNED	SCAN_FAIL

/* Built from the names table: a reason's name and counter are one. */
static const struct cg_guard_reason cg_guard_reasons[] = {
#define CG_REASON(id, reason, help)					\
	[CG_REASON_##id] = {						\
		.name = reason,						\
		.counter = CG_GUARD_VETO_##id,				\
		.caller_result = CG_CALLER_RESULT_##id,			\
	},
#include "cg_names.h"
#undef CG_REASON
};
static_assert(ARRAY_SIZE(cg_guard_reasons) == CG_REASON_COUNT);

/* The entry of one of the guard's own results, or NULL for a 6.1 code. */
static const struct cg_guard_reason *cg_guard_reason(int result)
{
	if (result < CG_SCAN_NR_RESULTS || result >= CG_SCAN_GUARD_END)
		return NULL;
	return &cg_guard_reasons[result - CG_SCAN_NR_RESULTS];
}

/* Counts the reasons of a refusal that 6.1 has no code for. */
static void cg_count_refusal(int result)
{
	const struct cg_guard_reason *reason = cg_guard_reason(result);

	if (result == SCAN_STORE_FAILED)
		cg_stats_inc(CG_GUARD_STORE_FAILED);
	else if (reason)
		cg_stats_inc(reason->counter);
}

static int cg_result_for_caller(int result)
{
	const struct cg_guard_reason *reason = cg_guard_reason(result);

	return reason ? reason->caller_result : result;
}

/**
 * cg_result_name() - the name of a result, 6.1's or the guard's own
 * @result: an enum scan_result or enum cg_guard_result value
 *
 * Return: the name the statistics and the trace events use.
 */
const char *cg_result_name(int result)
{
	const struct cg_guard_reason *reason = cg_guard_reason(result);

	if (result >= 0 && result < CG_SCAN_NR_RESULTS)
		return cg_scan_result_names[result].stat;
	return reason ? reason->name : "unknown";
}

/* The histogram and the trace events of one guarded collapse. */
static void cg_report(const struct cg_collapse *c, struct file *file,
		      int result, int caller_result, u64 duration_ns)
{
	struct inode *inode = file_inode(file);

	cg_hist_record(CG_HIST_GUARD, duration_ns);
	trace_guard_collapse(inode, c->start, c->nr_present, c->nr_none,
			     caller_result, cg_result_name(result), c->committed,
			     duration_ns, c->irqsoff_ns);
	if (cg_guard_reason(result))
		trace_guard_veto(inode, c->start, c->nr_none,
				 cg_result_name(result),
				 c->sealed ? "sealed" : "early");
}

/*
 * A range the guard would refuse anyway, seen before any work: a
 * MISSING-mode userfaultfd maps it and it has a hole.  Upstream vetoes only
 * a collapse with holes (ac492b9c70ca: the check sits under "if (nr_none)"):
 * a full range loses no missing-page event and collapses under any
 * registration.  Cheap: one walk of i_mmap under its rwsem for read (as
 * before), then, only for a registered range, one lock-free look at the
 * page cache (at most HPAGE_PMD_NR slot loads, no page touched).  A hint,
 * not the authority: a hole punched after the look, or a registration
 * made after it, is caught in the sealed section (collapse_seal.c).
 */
static bool cg_uffd_refusal_foreseen(struct cg_collapse *c)
{
	struct cg_range_view view;

	if (!cg_uffd_missing_mapped_unlocked(c->mapping, c->start, c->end))
		return false;
	if (cg_selftest("early_any_registration"))
		return true;
	view = cg_view_range(c->mapping, c->start);
	return view.holes > 0;
}

/*
 * Refusals that cost nothing: a call the guard cannot handle, and a range
 * with a hole that a MISSING-mode userfaultfd already maps.
 */
static int cg_refuse_early(struct cg_collapse *c, struct file *file)
{
	if (!shmem_file(file))
		return CG_SCAN_NOT_SHMEM;
	if (!IS_ALIGNED(c->start, HPAGE_PMD_NR))
		return CG_SCAN_UNALIGNED;
	if (cg_uffd_refusal_foreseen(c)) {
		cg_stats_inc(CG_GUARD_VETO_UFFD_MISSING_EARLY);
		return CG_SCAN_UFFD_MISSING;
	}
	return SCAN_SUCCEED;
}

/* Phases 2 to 5, with the huge page allocated. */
static int cg_collapse_range(struct cg_collapse *c)
{
	int result = cg_reserve_slots(c);

	if (result == SCAN_SUCCEED)
		result = cg_isolate_range(c);
	/* flush the TLBs of the batched unmaps, before copying or undoing */
	cg_ksyms.try_to_unmap_flush();

	if (result == SCAN_SUCCEED) {
		cg_copy_pages(c);
		/* tests widen the window between the scan and the seal */
		cg_inject_seal_delay();
		result = cg_seal_and_store(c);
	}
	if (result != SCAN_SUCCEED) {
		cg_rollback(c);
		return result;
	}
	cg_stats_inc(CG_GUARD_COMMITTED);
	return cg_commit(c);
}

/**
 * cg_collapse_file() - the guarded collapse_file()
 * @mm:    the mm the collapse is for (its mmap lock is not held)
 * @addr:  the address of the range in @mm
 * @file:  the file mapped there
 * @start: the first page-cache index of the range
 * @cc:    the caller's collapse_control
 *
 * Context: process context, no locks held; sleeps.
 * Return: a 6.1 scan result (enum scan_result).
 */
int cg_collapse_file(struct mm_struct *mm, unsigned long addr,
		     struct file *file, pgoff_t start,
		     struct collapse_control *cc)
{
	XA_STATE_ORDER(xas, &file->f_mapping->i_pages, start, HPAGE_PMD_ORDER);
	struct cg_collapse c = {
		.mm = mm,
		.addr = addr,
		.mapping = file->f_mapping,
		.cc = cc,
		.start = start,
		.end = start + HPAGE_PMD_NR,
		.xas = &xas,
		.pagelist = LIST_HEAD_INIT(c.pagelist),
	};
	u64 started = ktime_get_ns();
	int result, caller_result;

	might_sleep();
	cg_stats_inc(CG_GUARD_CALLS);

	result = cg_refuse_early(&c, file);
	if (result == SCAN_SUCCEED)
		result = cg_alloc_hpage(&c);
	if (result == SCAN_SUCCEED)
		result = cg_collapse_range(&c);
	cg_free_hpage(&c);
	cg_count_refusal(result);
	caller_result = cg_result_for_caller(result);
	cg_report(&c, file, result, caller_result, ktime_get_ns() - started);
	return caller_result;
}
