// SPDX-License-Identifier: GPL-2.0
/*
 * Step 2 of the guarded collapse_file(): scan the range and isolate it.
 *
 * Every present page is locked (swapped in first if needed), taken off the
 * LRU, unmapped and checked to have no users but us; it stays in the page
 * cache.  Holes are only counted: nothing is stored in them here (6.4,
 * ac492b9c70ca), so a failed collapse never leaves a filled hole behind.
 *
 * The xarray lock is taken per index and the cursor re-positioned each
 * time: an xa_state kept across an unlock can point into a freed node.
 */
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/rmap.h>
#include <linux/shmem_fs.h>
#include <linux/swap.h>
#include "cg_collapse.h"
#include "cg_ksyms.h"

/* Preallocates the xarray nodes of the range, as 6.1 does. */
int cg_reserve_slots(struct cg_collapse *c)
{
	struct xa_state *xas = c->xas;

	do {
		xas_lock_irq(xas);
		xas_create_range(xas);
		if (!xas_error(xas))
			break;
		xas_unlock_irq(xas);
		if (!xas_nomem(xas, GFP_KERNEL))
			return SCAN_FAIL;
	} while (1);
	xas_unlock_irq(xas);
	return SCAN_SUCCEED;
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
 * Scans @index: a hole is counted (*@pagep NULL); a page, swapped in first
 * if needed, comes back locked and pinned.  An empty range is truncated.
 */
static int cg_scan_index(struct cg_collapse *c, pgoff_t index,
			 struct page **pagep)
{
	struct xa_state *xas = c->xas;
	struct page *page;

	*pagep = NULL;
	xas_lock_irq(xas);
	cg_xas_seek(xas, index);
	page = xas_load(xas);

	if (!page) {
		/* the range was truncated or punched empty: stop */
		if (index == c->start && !xas_next_entry(xas, c->end - 1)) {
			xas_unlock_irq(xas);
			return SCAN_TRUNCATED;
		}
		xas_unlock_irq(xas);
		c->nr_none++;
		return SCAN_SUCCEED;
	}

	if (xa_is_value(page) || !PageUptodate(page)) {
		xas_unlock_irq(xas);
		return cg_swapin_page(c, index, pagep);
	}

	if (!trylock_page(page)) {
		xas_unlock_irq(xas);
		return SCAN_PAGE_LOCK;
	}
	get_page(page);
	xas_unlock_irq(xas);
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

	if (cg_ksyms.folio_isolate_lru(folio))
		return SCAN_DEL_PAGE_LRU;

	if (!filemap_release_folio(folio, GFP_KERNEL)) {
		cg_ksyms.putback_lru_page(page);
		return SCAN_PAGE_HAS_PRIVATE;
	}

	if (folio_mapped(folio))
		cg_ksyms.try_to_unmap(folio, TTU_IGNORE_MLOCK | TTU_BATCH_FLUSH);

	xas_lock_irq(xas);
	cg_xas_seek(xas, index);
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
	xas_unlock_irq(xas);
	return SCAN_SUCCEED;
}

static int cg_isolate_index(struct cg_collapse *c, pgoff_t index)
{
	struct page *page;
	int result;

	result = cg_scan_index(c, index, &page);
	if (result != SCAN_SUCCEED || !page)
		return result;

	result = cg_check_page(c, page);
	if (result == SCAN_SUCCEED)
		result = cg_isolate_page(c, page, index);
	if (result != SCAN_SUCCEED) {
		unlock_page(page);
		put_page(page);
	}
	return result;
}

int cg_isolate_range(struct cg_collapse *c)
{
	pgoff_t index;
	int result;

	for (index = c->start; index < c->end; index++) {
		result = cg_isolate_index(c, index);
		if (result != SCAN_SUCCEED)
			return result;
	}
	return SCAN_SUCCEED;
}
