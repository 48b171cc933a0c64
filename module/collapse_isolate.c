// SPDX-License-Identifier: GPL-2.0
/*
 * Step 2 of the guarded collapse_file(): scan the range and isolate it.
 *
 * Every present page is locked (swapped in first if needed), taken off the
 * LRU, unmapped and checked to have no users but us; it stays in the page
 * cache.  Holes are only counted: nothing is stored in them here (6.4,
 * ac492b9c70ca), so a failed collapse never leaves a filled hole behind.
 *
 * The xarray lock is held across runs of holes (see cg_isolate_range()).
 */
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/rmap.h>
#include <linux/shmem_fs.h>
#include <linux/swap.h>
#include "cg_inject.h"
#include "cg_ksyms.h"
#include "cg_selftest.h"
#include "collapse_phases.h"

/*
 * Preallocates the xarray nodes of the range, as 6.1 does, but in the
 * xarray's own retry loop: when a retry finds its nodes made meanwhile, the
 * node xas_nomem() allocated for it is unused, and only the last
 * xas_nomem() call, made on success, frees it.  6.1's collapse_file()
 * breaks out of the loop on success and leaks that node (the spare-node
 * leak that Shardul Bankar's "lib: xarray: free unused spare node in
 * xas_create_range()" reported, Dec 2025).
 * Context: process context, no locks held; may sleep.
 * Return: SCAN_SUCCEED, or SCAN_FAIL if memory ran out.
 */
int cg_reserve_slots(struct cg_collapse *c)
{
	struct xa_state *xas = c->xas;
	bool injected = false;

	might_sleep();
	do {
		xas_lock_irq(xas);
		xas_create_range(xas);
		if (!xas_error(xas) && !injected && !xas->xa_alloc &&
		    cg_inject_fire(CG_INJECT_RESERVE_NOMEM)) {
			/* a retry that finds its nodes made meanwhile */
			injected = true;
			xas_set_order(xas, c->start, HPAGE_PMD_ORDER);
			xas_set_err(xas, -ENOMEM);
		}
		xas_unlock_irq(xas);
	} while (xas_nomem(xas, GFP_KERNEL));
	return xas_error(xas) ? SCAN_FAIL : SCAN_SUCCEED;
}

/*
 * Swaps in, or instantiates a fallocated, page at @index: it comes back
 * locked and pinned.  The LRU is drained so that isolating it can succeed
 * (6.4, efa3d814fad1).
 */
static int cg_swapin_page(struct cg_collapse *c, pgoff_t index,
			  struct page **pagep)
{
	struct folio *folio;

	if (cg_ksyms.shmem_get_folio(c->mapping->host, index, &folio,
				     SGP_NOALLOC))
		return SCAN_FAIL;
	cg_ksyms.lru_add_drain();
	*pagep = folio_file_page(folio, index);
	return SCAN_SUCCEED;
}

/*
 * A hole at @index, met with the xarray lock held: counted.  A range with
 * nothing in it at all was truncated or punched: the collapse stops.  The
 * caller's next xas_next() reads @index + 1.
 */
static int cg_scan_hole_locked(struct cg_collapse *c, pgoff_t index)
{
	lockdep_assert_held(&c->mapping->i_pages.xa_lock);
	if (index == c->start) {
		bool empty = !xas_next_entry(c->xas, c->end - 1);

		cg_xas_seek(c->xas, index + 1);
		if (empty)
			return SCAN_TRUNCATED;
	}
	c->nr_none++;
	return SCAN_SUCCEED;
}

/*
 * Takes hold of the entry @entry found at @index: a page comes back locked
 * and pinned in *@pagep; a swapped-out or not-uptodate (fallocated) entry
 * leaves *@pagep NULL, to be brought in unlocked.
 */
static int cg_grab_entry_locked(struct cg_collapse *c, void *entry,
				struct page **pagep)
{
	struct page *page = entry;

	lockdep_assert_held(&c->mapping->i_pages.xa_lock);
	*pagep = NULL;
	if (xa_is_value(entry) || !PageUptodate(page))
		return SCAN_SUCCEED;
	if (!trylock_page(page))
		return SCAN_PAGE_LOCK;
	get_page(page);
	*pagep = page;
	return SCAN_SUCCEED;
}

/* A page that cannot be part of a new huge page: why, as 6.1 says it. */
static int cg_check_page(struct cg_collapse *c, struct page *page)
{
	if (unlikely(!PageUptodate(page)))
		return SCAN_FAIL;

	/* truncated and refilled, or punched, before we locked it */
	if (PageTransCompound(page)) {
		struct page *head = compound_head(page);

		return compound_order(head) == HPAGE_PMD_ORDER &&
		       head->index == c->start ?
		       SCAN_PTE_MAPPED_HUGEPAGE : SCAN_PAGE_COMPOUND;
	}

	if (folio_mapping(page_folio(page)) != c->mapping)
		return SCAN_TRUNCATED;
	return SCAN_SUCCEED;
}

/*
 * Takes a locked, pinned page off the LRU and out of every page table, and
 * keeps it on the collapse's list.  It stays in the page cache.
 */
static int cg_isolate_page(struct cg_collapse *c, struct page *page,
			   pgoff_t index)
{
	struct folio *folio = page_folio(page);
	struct xa_state *xas = c->xas;

	VM_WARN_ON_ONCE_PAGE(!PageLocked(page), page);
	/* 6.1: 0 on success (6.3 made it a bool, true on success) */
	if (cg_ksyms.folio_isolate_lru(folio))
		return SCAN_DEL_PAGE_LRU;
	if (cg_selftest("isolate_lru_bool")) {
		/* the trap: a success read as a failure (put back: no leak) */
		cg_ksyms.putback_lru_page(page);
		return SCAN_DEL_PAGE_LRU;
	}

	if (!filemap_release_folio(folio, GFP_KERNEL)) {
		cg_ksyms.putback_lru_page(page);
		return SCAN_PAGE_HAS_PRIVATE;
	}

	if (folio_mapped(folio))
		cg_ksyms.try_to_unmap(folio, TTU_IGNORE_MLOCK | TTU_BATCH_FLUSH);

	xas_lock_irq(xas);
	cg_xas_rewalk(xas, index);
	VM_WARN_ON_ONCE_PAGE(page != xas_load(xas), page);

	/*
	 * Our pin, the page cache's reference and the isolation's: with no
	 * other, any new user must find the page in the page cache and lock
	 * it, and waits for us (6.4, a2e17cc2efc7).
	 */
	if (page_count(page) != 3) {
		xas_unlock_irq(xas);
		cg_ksyms.putback_lru_page(page);
		return SCAN_PAGE_COUNT;
	}
	list_add_tail(&page->lru, &c->pagelist);
	c->nr_present++;
	xas_unlock_irq(xas);
	return SCAN_SUCCEED;
}

/*
 * The present entry at @index, found under the xarray lock, which the
 * caller has dropped: locked (swapped in first if needed), checked, isolated
 * and unmapped, or let go.
 */
static int cg_isolate_entry(struct cg_collapse *c, pgoff_t index,
			    struct page *page)
{
	int result;

	if (!page) {
		result = cg_swapin_page(c, index, &page);
		if (result != SCAN_SUCCEED)
			return result;
	}
	result = cg_check_page(c, page);
	if (result == SCAN_SUCCEED)
		result = cg_isolate_page(c, page, index);
	if (result != SCAN_SUCCEED) {
		unlock_page(page);
		put_page(page);
	}
	return result;
}

/**
 * cg_isolate_range() - step 2: scan the range, isolate its present pages
 * @c: the collapse, with the range's xarray nodes reserved
 *
 * The xarray lock is held across every run of holes and dropped only to
 * bring in a present page, which is then locked before anything else is
 * looked at (as upstream's collapse_file() since 6.4).  From the first index
 * to the seal, the range is thus always either under the lock or pinned by
 * a locked page of ours that a truncation or hole punch must wait for: one
 * cannot empty the range behind the scan's back, and a range found with no
 * page at all is given up as truncated.  Under the lock the cursor steps
 * with xas_next() (6.4 does too); after each unlock it is re-positioned from
 * the root: an xa_state kept across an unlock can point into a freed node.
 *
 * Context: process context, no locks held; sleeps.
 * Return: SCAN_SUCCEED with the present pages locked, isolated and listed in
 * index order, and the holes counted in nr_none; or why not (the pages
 * already isolated stay listed, for the rollback).
 */
int cg_isolate_range(struct cg_collapse *c)
{
	struct xa_state *xas = c->xas;
	int result = SCAN_SUCCEED;
	pgoff_t index;

	xas_lock_irq(xas);
	cg_xas_seek(xas, c->start);
	for (index = c->start; index < c->end; index++) {
		struct page *page;
		void *entry;

		if (cg_inject_isolate_fail(c->nr_present)) {
			result = SCAN_FAIL;
			break;
		}
		entry = xas_next(xas);
		if (!entry) {
			result = cg_scan_hole_locked(c, index);
			if (result != SCAN_SUCCEED)
				break;
			continue;
		}
		result = cg_grab_entry_locked(c, entry, &page);
		if (result != SCAN_SUCCEED)
			break;
		xas_unlock_irq(xas);
		result = cg_isolate_entry(c, index, page);
		xas_lock_irq(xas);
		if (result != SCAN_SUCCEED)
			break;
		/*
		 * The nodes may have changed while unlocked: walk from the root,
		 * to the next index (c8a8f3b4a95a: setting the cursor back to
		 * @index made xas_next() return this locked page again).
		 */
		cg_xas_rewalk(xas, cg_selftest("xas_set_index") ? index : index + 1);
	}
	xas_unlock_irq(xas);
	return result;
}
