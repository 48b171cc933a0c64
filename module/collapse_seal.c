// SPDX-License-Identifier: GPL-2.0
/*
 * Step 4 of the guarded collapse_file(): the one xarray-locked section in
 * which the holes become part of the huge page (6.4, ac492b9c70ca).
 *
 * Under i_mmap_rwsem (read: no VMA joins or leaves the file) and the xarray
 * lock with irqs off:
 *   - every hole of the range gets XA_RETRY_ENTRY.  Lock-free readers
 *     (faults, read, lseek SEEK_HOLE/SEEK_DATA, mincore) that meet one spin
 *     until the section ends, so none observes, from the seal on, a hole
 *     that is then filled.  One that looked before the seal (a read or a
 *     SEEK_HOLE during the scan) did see a hole; only a MISSING-mode
 *     userfaultfd was promised an event for it, and that is checked next;
 *   - if the holes found are not the holes scanned, one was filled: give up;
 *   - if any VMA mapping the range has a MISSING-mode userfaultfd, give up:
 *     its owner may have seen a hole and expects a missing-page event.
 *     WP and MINOR registrations promise nothing about holes: they don't
 *     count;
 *   - otherwise charge the holes to the shmem inode and store the huge page
 *     over the range as one multi-index entry.
 * Giving up turns every retry entry back into a hole before unlocking.
 */
#include <linux/fs.h>
#include <linux/ktime.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/page_ref.h>
#include <linux/pagemap.h>
#include <linux/shmem_fs.h>
#include <linux/vmstat.h>
#include "cg_hist.h"
#include "cg_inject.h"
#include "cg_ksyms.h"
#include "cg_selftest.h"
#include "cg_stats.h"
#include "collapse_phases.h"

/*
 * Stores a retry entry in every hole, walking the range once with the lock
 * held, as 6.4 does (ac492b9c70ca), and checking every store: with nodes a
 * concurrent truncation freed while we scanned unlocked, one can fail for
 * memory.
 */
static int cg_seal_holes(struct cg_collapse *c)
{
	struct xa_state *xas = c->xas;
	pgoff_t index;

	lockdep_assert_held(&c->mapping->i_pages.xa_lock);
	cg_xas_seek(xas, c->start);
	for (index = c->start; index < c->end; index++) {
		if (xas_next(xas))
			continue;
		xas_store(xas, XA_RETRY_ENTRY);
		if (xas_error(xas))
			return SCAN_STORE_FAILED;
		c->nr_sealed++;
	}
	cg_stats_add(CG_GUARD_HOLES_SEALED, c->nr_sealed);
	if (c->nr_sealed != c->nr_none || cg_inject_fire(CG_INJECT_HOLE_FILLED))
		return CG_SCAN_PAGE_FILLED;
	return SCAN_SUCCEED;
}

/*
 * Turns the retry entries back into holes, in one walk; seeking first
 * clears an error a failed store left in the cursor.
 */
static void cg_unseal_holes(struct cg_collapse *c)
{
	struct xa_state *xas = c->xas;
	pgoff_t index;

	lockdep_assert_held(&c->mapping->i_pages.xa_lock);
	cg_xas_seek(xas, c->start);
	for (index = c->start; index < c->end && c->nr_sealed; index++) {
		if (xas_next(xas) != XA_RETRY_ENTRY)
			continue;
		xas_store(xas, NULL);
		c->nr_sealed--;
	}
	WARN_ON_ONCE(c->nr_sealed);
}

static int cg_check_uffd_missing(struct cg_collapse *c)
{
	lockdep_assert_held(&c->mapping->i_pages.xa_lock);
	/*
	 * A fault that could observe a hole runs under the mmap lock, which
	 * it took after UFFDIO_REGISTER set VM_UFFD_MISSING and released the
	 * lock for write: on x86 both are locked RMWs, full barriers, between
	 * the flag store and that fault's page-cache lookup.  Our retry-entry
	 * stores and the flag loads below are plain, and x86 may make a load
	 * visible before an earlier store, so a full barrier is needed on our
	 * side too: either the fault meets our retry entries, or we see the
	 * flag.  (6.4 relies on the xarray lock alone here.)
	 */
	smp_mb();
	if (cg_uffd_missing_mapped(c) || cg_inject_fire(CG_INJECT_UFFD_VETO))
		return CG_SCAN_UFFD_MISSING;
	return SCAN_SUCCEED;
}

/* Ready to be found in the page cache: up to date, one reference a page. */
static void cg_prepare_hpage(struct cg_collapse *c)
{
	SetPageUptodate(c->hpage);
	page_ref_add(c->hpage, HPAGE_PMD_NR - 1);
	set_page_dirty(c->hpage);
}

static void cg_unprepare_hpage(struct cg_collapse *c)
{
	page_ref_sub(c->hpage, HPAGE_PMD_NR - 1);
}

/*
 * The page-cache statistics of the huge page: all of its pages, in its own
 * memcg and node.  6.1 adds only the holes here and leaves the old pages
 * counted where they were charged, so a collapse from another memcg or node
 * drifts both (4188b2592ff6, "mm/khugepaged: fix NR_FILE_PAGES and NR_SHMEM
 * in collapse_file()"); cg_unaccount_old_pages() takes the old pages out.
 */
static void cg_account_hpage(struct cg_collapse *c)
{
	int nr = cg_selftest("stats_6_1") ? c->nr_none : HPAGE_PMD_NR;

	lockdep_assert_held(&c->mapping->i_pages.xa_lock);
	__mod_lruvec_page_state(c->hpage, NR_SHMEM_THPS, HPAGE_PMD_NR);
	__mod_lruvec_page_state(c->hpage, NR_FILE_PAGES, nr);
	__mod_lruvec_page_state(c->hpage, NR_SHMEM, nr);
}

/* Joins the range into one multi-index entry for the huge page. */
static int cg_store_hpage(struct cg_collapse *c)
{
	struct xa_state *xas = c->xas;

	lockdep_assert_held(&c->mapping->i_pages.xa_lock);
	cg_prepare_hpage(c);
	if (cg_inject_fire(CG_INJECT_STORE_FAIL)) {
		cg_unprepare_hpage(c);
		return SCAN_STORE_FAILED;
	}
	xas_set_order(xas, c->start, HPAGE_PMD_ORDER);
	xas_store(xas, c->hpage);
	if (xas_error(xas)) {
		cg_unprepare_hpage(c);
		return SCAN_STORE_FAILED;
	}
	cg_account_hpage(c);
	return SCAN_SUCCEED;
}

/*
 * Seals the holes and checks that the collapse may fill them.  Called with
 * i_mmap_rwsem held for read and the xarray locked; on failure the holes are
 * holes again.
 */
static int cg_seal_range(struct cg_collapse *c)
{
	int result;

	lockdep_assert_held_read(&c->mapping->i_mmap_rwsem);
	result = cg_seal_holes(c);

	if (result == SCAN_SUCCEED)
		result = cg_check_uffd_missing(c);
	if (result != SCAN_SUCCEED)
		cg_unseal_holes(c);
	return result;
}

/*
 * 6.1's shmem_charge() changes nrpages without a lock of its own: it is
 * called, and nrpages undone, under the xarray lock; the rest of the charge
 * is undone after it.
 */
static bool cg_charge_holes_locked(struct cg_collapse *c)
{
	lockdep_assert_held(&c->mapping->i_pages.xa_lock);
	return cg_ksyms.shmem_charge(c->mapping->host, c->nr_none);
}

static void cg_uncharge_nrpages_locked(struct cg_collapse *c)
{
	lockdep_assert_held(&c->mapping->i_pages.xa_lock);
	c->mapping->nrpages -= c->nr_none;
}

/**
 * cg_seal_and_store() - step 4: seal the holes, check, store the huge page
 * @c: the collapse, its present pages isolated and copied into @c->hpage
 *
 * Context: process context, no locks held; takes i_mmap_rwsem (read) and
 * the xarray lock (irqs off) for one section.
 * Return: SCAN_SUCCEED with the huge page in the page cache over the range
 * and the holes charged; or why not, with the range as it was.
 */
int cg_seal_and_store(struct cg_collapse *c)
{
	struct xa_state *xas = c->xas;
	int result = SCAN_SUCCEED;
	bool charged = false;
	u64 locked_at;

	/*
	 * Only a locked page of ours keeps a truncation from emptying the
	 * range before we lock it (cg_isolate_range() never lets one through
	 * without; this states the contract).
	 */
	if (list_empty(&c->pagelist))
		return SCAN_TRUNCATED;

	if (c->nr_none)
		i_mmap_lock_read(c->mapping);
	xas_lock_irq(xas);
	locked_at = ktime_get_ns();
	c->sealed = true;
	if (c->nr_none) {
		result = cg_seal_range(c);
		i_mmap_unlock_read(c->mapping);
	}
	if (result == SCAN_SUCCEED && c->nr_none) {
		charged = cg_charge_holes_locked(c);
		if (!charged) {
			cg_unseal_holes(c);
			result = SCAN_FAIL;
		}
	}
	if (result == SCAN_SUCCEED) {
		result = cg_store_hpage(c);
		if (result != SCAN_SUCCEED && charged) {
			cg_uncharge_nrpages_locked(c);
			cg_unseal_holes(c);
		}
	}
	c->irqsoff_ns = ktime_get_ns() - locked_at;
	xas_unlock_irq(xas);
	cg_hist_record(CG_HIST_SEAL_IRQSOFF, c->irqsoff_ns);

	if (result != SCAN_SUCCEED && charged)
		cg_ksyms.shmem_uncharge(c->mapping->host, c->nr_none);
	return result;
}
