/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The names the module and its tools share, in one place: the counters of
 * debugfs "stats", the histograms of "hist" and the fault injection points
 * of "inject".  The module builds its enums and names tables from these
 * lists (module/stats.c, hist.c, inject.c), cgctl its help texts
 * (userspace/cgctl/prom.c), and tests/harness/names-check.sh checks every
 * name the shell tests and tools write by hand against them.  No types, no
 * include guard: included by kernel and userspace code, once per list.
 *
 * Define one of CG_COUNTER, CG_HIST or CG_INJECT as (ID, name, help) (or
 * CG_COUNTER_RENAMED as (old, new)), then
 * include this file: ID makes the enumerator (CG_ID, CG_HIST_ID,
 * CG_INJECT_ID), name is what debugfs shows and tests use, help is one
 * sentence for people (the Prometheus HELP line).  The order is the enum's.
 */

#ifdef CG_COUNTER
/* debugfs "stats": what the guarded collapse and the exposure detector count */
CG_COUNTER(GUARD_CALLS, "guard_calls",
	"Calls that ran the guarded collapse_file (mode guard).")
CG_COUNTER(GUARD_COMMITTED, "guard_committed",
	"Guarded collapses that installed a huge page in the page cache.")
CG_COUNTER(GUARD_VETO_UFFD_MISSING, "guard_veto_uffd_missing",
	"Guarded collapses refused: a VMA mapping the range has a MISSING-mode userfaultfd and the range has holes.")
CG_COUNTER(GUARD_VETO_UFFD_MISSING_EARLY, "guard_veto_uffd_missing_early",
	"Of guard_veto_uffd_missing, refused before anything was allocated, isolated or unmapped.")
CG_COUNTER(GUARD_VETO_PAGE_FILLED, "guard_veto_page_filled",
	"Guarded collapses refused: a hole was filled while collapsing.")
CG_COUNTER(GUARD_HOLES_SEALED, "guard_holes_sealed",
	"Holes marked with retry entries by guarded collapses.")
CG_COUNTER(GUARD_STORE_FAILED, "guard_store_failed",
	"Guarded collapses whose xarray store failed for memory.")
CG_COUNTER(GUARD_ROLLBACKS, "guard_rollbacks",
	"Guarded collapses given up after pages were isolated.")
CG_COUNTER(GUARD_VETO_NOT_SHMEM, "guard_veto_not_shmem",
	"Guarded collapses refused: the file is not shmem.")
CG_COUNTER(GUARD_VETO_UNALIGNED, "guard_veto_unaligned",
	"Guarded collapses refused: the start index is not PMD aligned.")
CG_COUNTER(STOCK_COMMITTED, "stock_committed",
	"Mode observe: stock collapses that put a huge page in the page cache.")
CG_COUNTER(UFFD_EXPOSED, "uffd_exposed",
	"Mode observe: stock collapses that filled holes a MISSING-mode userfaultfd maps (events lost).")
CG_COUNTER(UFFD_EXPOSED_HOLES, "uffd_exposed_holes",
	"Mode observe: the holes those exposed collapses filled.")
#endif

#ifdef CG_HIST
/* debugfs "hist": latency histograms, in nanoseconds */
CG_HIST(GUARD, "guard_collapse_ns",
	"A guarded collapse_file, entry to return, refusals included.")
CG_HIST(SEAL_IRQSOFF, "seal_irqsoff_ns",
	"The guard's sealed section: xarray lock held, interrupts off.")
CG_HIST(STOCK, "stock_collapse_ns",
	"The stock collapse_file in mode observe.")
CG_HIST(ANON_MMAP_WRITE, "anon_mmap_write_ns",
	"The mmap lock held for write by collapse_huge_page (while anon_lock_timing is 1).")
#endif

#ifdef CG_INJECT
/* debugfs "inject": fault injection points of the guarded collapse */
CG_INJECT(STORE_FAIL, "store_fail",
	"The next N huge-page stores fail as if the xarray had no memory.")
CG_INJECT(HOLE_FILLED, "hole_filled",
	"The next N seals find a hole filled.")
CG_INJECT(UFFD_VETO, "uffd_veto",
	"The next N sealed sections veto as if a MISSING registration had just come.")
CG_INJECT(ISOLATE_FAIL, "isolate_fail_after",
	"The next scan fails once N present pages are isolated (-1 disarms).")
CG_INJECT(SEAL_DELAY, "seal_delay_ms",
	"Every guarded collapse sleeps N ms between the scan and the seal.")
#endif

#ifdef CG_COUNTER_RENAMED
/*
 * Counters renamed after 0.3.0 to one vocabulary (the refusals are
 * guard_veto_<reason>, as the guard_veto event's reason; a huge page in the
 * page cache is "committed", as stock_committed): CG_COUNTER_RENAMED(old,
 * new).  cgctl still reads the old names, saying so, until the next release.
 */
CG_COUNTER_RENAMED("guard_succeeded", "guard_committed")
CG_COUNTER_RENAMED("guard_uffd_vetoed", "guard_veto_uffd_missing")
CG_COUNTER_RENAMED("guard_uffd_vetoed_early", "guard_veto_uffd_missing_early")
CG_COUNTER_RENAMED("guard_page_filled", "guard_veto_page_filled")
CG_COUNTER_RENAMED("guard_refused_not_shmem", "guard_veto_not_shmem")
CG_COUNTER_RENAMED("guard_refused_unaligned", "guard_veto_unaligned")
#endif
