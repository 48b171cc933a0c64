// SPDX-License-Identifier: GPL-2.0
/*
 * The guarded collapse_file(): 6.1's collapse_file() for shmem, in the order
 * of operations upstream adopted for 6.4 (series "mm/khugepaged: fixes for
 * khugepaged+shmem": efa3d814fad1 drain LRU after swap-in, cae106dd67b9 one
 * rollback path, ac492b9c70ca skip shmem with armed userfaultfd, a2e17cc2efc7
 * maintain the page cache uptodate flag):
 *
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
 * so nobody can observe a hole or a half-built huge page.  Results are 6.1
 * codes; the finer reasons are counted in the statistics.
 */
#include <linux/highmem.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/swap.h>
#include "cg_collapse.h"
#include "cg_ksyms.h"
#include "cg_stats.h"

/* Step 1: the new huge page, locked, and owned by the range. */
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

/* Step 3: the old pages are locked and unmapped, so they cannot change. */
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

/* Frees the old pages once the huge page replaced them in the page cache. */
static void cg_free_old_pages(struct cg_collapse *c)
{
	struct page *page, *tmp;

	list_for_each_entry_safe(page, tmp, &c->pagelist, lru) {
		list_del(&page->lru);
		page->mapping = NULL;
		ClearPageActive(page);
		ClearPageUnevictable(page);
		unlock_page(page);
		/* our pin, the page cache's and the isolation's */
		folio_put_refs(page_folio(page), 3);
	}
}

/* Step 5, success: returns the result of mapping the huge page for @mm. */
static int cg_commit(struct cg_collapse *c)
{
	int result;

	lru_cache_add(c->hpage);
	result = cg_retract_page_tables(c);
	unlock_page(c->hpage);
	/* the page cache now holds the references we had */
	c->hpage = NULL;
	cg_free_old_pages(c);
	return result;
}

/* Step 5, failure: the old pages never left the page cache. */
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

/* Counts the reasons of a refusal that 6.1 has no code for. */
static void cg_count_refusal(int result)
{
	if (result == CG_SCAN_PAGE_FILLED)
		cg_stats_inc(CG_GUARD_PAGE_FILLED);
	else if (result == CG_SCAN_UFFD_MISSING)
		cg_stats_inc(CG_GUARD_UFFD_VETOED);
	else if (result == SCAN_STORE_FAILED)
		cg_stats_inc(CG_GUARD_STORE_FAILED);
}

/*
 * 6.1's callers only know 6.1's codes; each reason of the guard's own is
 * returned as the code whose MADV_COLLAPSE errno is 6.4's for it:
 *  - a filled hole as SCAN_PAGE_LOCK: EAGAIN, as 6.4's SCAN_PAGE_FILLED.
 *    6.4 then stops MADV_COLLAPSE; 6.1 has no EAGAIN code that stops, so
 *    it goes on with the next PMD;
 *  - a userfaultfd veto as SCAN_EXCEED_NONE_PTE, as on 6.4: EINVAL (6.6
 *    and later report it as EBUSY).
 */
static int cg_result_for_caller(int result)
{
	if (result == CG_SCAN_PAGE_FILLED)
		return SCAN_PAGE_LOCK;
	if (result == CG_SCAN_UFFD_MISSING)
		return SCAN_EXCEED_NONE_PTE;
	return result;
}

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
	int result;

	VM_WARN_ON_ONCE(start & (HPAGE_PMD_NR - 1));
	cg_stats_inc(CG_GUARD_CALLS);

	result = cg_alloc_hpage(&c);
	if (result != SCAN_SUCCEED)
		goto out;

	result = cg_reserve_slots(&c);
	if (result == SCAN_SUCCEED)
		result = cg_isolate_range(&c);
	/* flush the TLBs of the batched unmaps, before copying or undoing */
	cg_ksyms.try_to_unmap_flush();

	if (result == SCAN_SUCCEED) {
		cg_copy_pages(&c);
		result = cg_seal_and_store(&c);
	}
	if (result == SCAN_SUCCEED) {
		cg_stats_inc(CG_GUARD_SUCCEEDED);
		result = cg_commit(&c);
	} else {
		cg_rollback(&c);
	}
out:
	cg_free_hpage(&c);
	cg_count_refusal(result);
	return cg_result_for_caller(result);
}
