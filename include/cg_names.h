/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The names the module and its tools share, in one place: the counters of
 * debugfs "stats", the histograms of "hist" and the fault injection points
 * of "inject".  The module builds its enums and names tables from these
 * lists (module/stats.c, hist.c, inject.c), cgctl its help texts
 * (userspace/cgctl/prom.c), and tests/harness/names-check.sh checks every
 * name the shell tests and stress programs use against them.  Plain
 * preprocessor lists, no types: included by kernel and userspace code.
 *
 * Each entry is X(ID, "name", "help"): ID makes the enumerator (CG_ID, or
 * CG_HIST_ID, CG_INJECT_ID), "name" is what debugfs shows and tests use,
 * "help" one sentence for people (the Prometheus HELP line).
 */
#ifndef _CG_NAMES_H
#define _CG_NAMES_H

/* debugfs "stats": what the guarded collapse and the exposure detector count */
#define CG_COUNTER_LIST(X)						\
	X(GUARD_CALLS, "guard_calls",					\
	  "Calls that ran the guarded collapse_file (mode guard).")	\
	X(GUARD_SUCCEEDED, "guard_succeeded",				\
	  "Guarded collapses that installed a huge page in the page cache.") \
	X(GUARD_UFFD_VETOED, "guard_uffd_vetoed",			\
	  "Guarded collapses refused: a VMA mapping the range has a MISSING-mode userfaultfd and the range has holes.") \
	X(GUARD_UFFD_VETOED_EARLY, "guard_uffd_vetoed_early",		\
	  "Of guard_uffd_vetoed, refused before anything was allocated, isolated or unmapped.") \
	X(GUARD_PAGE_FILLED, "guard_page_filled",			\
	  "Guarded collapses refused: a hole was filled while collapsing.") \
	X(GUARD_HOLES_SEALED, "guard_holes_sealed",			\
	  "Holes marked with retry entries by guarded collapses.")	\
	X(GUARD_STORE_FAILED, "guard_store_failed",			\
	  "Guarded collapses whose xarray store failed for memory.")	\
	X(GUARD_ROLLBACKS, "guard_rollbacks",				\
	  "Guarded collapses given up after pages were isolated.")	\
	X(GUARD_NOT_SHMEM, "guard_refused_not_shmem",			\
	  "Guarded collapses refused: the file is not shmem.")		\
	X(GUARD_UNALIGNED, "guard_refused_unaligned",			\
	  "Guarded collapses refused: the start index is not PMD aligned.") \
	X(STOCK_COMMITTED, "stock_committed",				\
	  "Mode observe: stock collapses that put a huge page in the page cache.") \
	X(UFFD_EXPOSED, "uffd_exposed",					\
	  "Mode observe: stock collapses that filled holes a MISSING-mode userfaultfd maps (events lost).") \
	X(UFFD_EXPOSED_HOLES, "uffd_exposed_holes",			\
	  "Mode observe: the holes those exposed collapses filled.")

/* debugfs "hist": latency histograms, in nanoseconds */
#define CG_HIST_LIST(X)							\
	X(GUARD, "guard_collapse_ns",					\
	  "A guarded collapse_file, entry to return, refusals included.") \
	X(SEAL_IRQSOFF, "seal_irqsoff_ns",				\
	  "The guard's sealed section: xarray lock held, interrupts off.") \
	X(STOCK, "stock_collapse_ns",					\
	  "The stock collapse_file in mode observe.")			\
	X(ANON_MMAP_WRITE, "anon_mmap_write_ns",			\
	  "The mmap lock held for write by collapse_huge_page (while anon_lock_timing is 1).")

/* debugfs "inject": fault injection points of the guarded collapse */
#define CG_INJECT_LIST(X)						\
	X(STORE_FAIL, "store_fail",					\
	  "The next N huge-page stores fail as if the xarray had no memory.") \
	X(HOLE_FILLED, "hole_filled",					\
	  "The next N seals find a hole filled.")			\
	X(UFFD_VETO, "uffd_veto",					\
	  "The next N sealed sections veto as if a MISSING registration had just come.") \
	X(ISOLATE_FAIL, "isolate_fail_after",				\
	  "The next scan fails once N present pages are isolated (-1 disarms).") \
	X(SEAL_DELAY, "seal_delay_ms",					\
	  "Every guarded collapse sleeps N ms between the scan and the seal.")

#endif /* _CG_NAMES_H */
