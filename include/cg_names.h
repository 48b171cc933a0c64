/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The names the module and its tools share, in one place: the counters of
 * debugfs "stats", the guard's reasons for refusing (the guard_veto event's
 * reason, and the counter guard_veto_<reason> of each), the states of
 * debugfs "state", the histograms of "hist", the fault injection points of
 * "inject" and the trace events.  The module builds its enums and names
 * tables from these lists (module/stats.c, collapse.c, hist.c, inject.c,
 * debugfs/debugfs.c) and checks its trace events against CG_EVENT
 * (module/trace.c); cgctl builds its help texts from them
 * (userspace/cgctl/prom.c), and tests/harness/names-check.sh checks every
 * name the shell tests, tools and docs write by hand against them.  No
 * types, no include guard: included by kernel and userspace code, once per
 * list.
 *
 * Define one of CG_COUNTER, CG_REASON, CG_STATE, CG_HIST or CG_INJECT as
 * (ID, name, help), or CG_EVENT as (name, help), or CG_COUNTER_RENAMED as
 * (old, new), then include this file: ID makes the enumerator (CG_ID,
 * CG_REASON_ID, CG_STATE_ID, CG_HIST_ID, CG_INJECT_ID), name is what debugfs
 * shows and tests use, help is one sentence for people (the Prometheus HELP
 * line).  The order is the enum's.
 */

/*
 * CG_COUNTER and CG_REASON read one list.  A reason (CG_REASON) is written
 * once, at the place of its counter: read as counters, CG_REASON(ID, name,
 * help) is the counter CG_GUARD_VETO_ID named "guard_veto_" name, so a
 * refusal and its counter cannot be spelled two ways; read as reasons, the
 * other counters are skipped.
 */
#if defined(CG_COUNTER) && defined(CG_REASON)
#error "cg_names.h: define CG_COUNTER or CG_REASON, not both"
#endif
#ifdef CG_COUNTER
#define CG_REASON(id, name, help)					\
	CG_COUNTER(GUARD_VETO_##id, "guard_veto_" name,			\
		   "Guarded collapses refused: " help)
#define CG_NAMES_REASONS_AS_COUNTERS
#elif defined(CG_REASON)
#define CG_COUNTER(id, name, help)
#define CG_NAMES_REASONS_ONLY
#endif

#ifdef CG_COUNTER
/*
 * debugfs "stats": what the guarded collapse and the exposure detector
 * count; CG_REASON: a reason of the guard's own for refusing a collapse,
 * which 6.1 has no scan result for (module/collapse.c returns the 6.1 code
 * whose errno is current upstream's for the same reason)
 */
CG_COUNTER(GUARD_CALLS, "guard_calls",
	"Calls that ran the guarded collapse_file (mode guard).")
CG_COUNTER(GUARD_COMMITTED, "guard_committed",
	"Guarded collapses that installed a huge page in the page cache.")
CG_COUNTER(GUARD_CROSS_MEMCG, "guard_cross_memcg",
	"Of guard_committed, those whose old pages were charged to another memory cgroup than the huge page (their file and shmem statistics moved there, as 4188b2592ff6; 6.1 leaves them behind).")
CG_REASON(UFFD_MISSING, "uffd_missing",
	"a VMA mapping the range has a MISSING-mode userfaultfd and the range has holes.")
CG_COUNTER(GUARD_VETO_UFFD_MISSING_EARLY, "guard_veto_uffd_missing_early",
	"Of guard_veto_uffd_missing, refused before anything was allocated, isolated or unmapped.")
CG_REASON(PAGE_FILLED, "page_filled",
	"a hole was filled while collapsing.")
CG_COUNTER(GUARD_HOLES_SEALED, "guard_holes_sealed",
	"Holes marked with retry entries by guarded collapses.")
CG_COUNTER(GUARD_STORE_FAILED, "guard_store_failed",
	"Guarded collapses whose xarray store failed for memory.")
CG_COUNTER(GUARD_ROLLBACKS, "guard_rollbacks",
	"Guarded collapses given up after pages were isolated.")
CG_REASON(NOT_SHMEM, "not_shmem",
	"the file is not shmem.")
CG_REASON(UNALIGNED, "unaligned",
	"the start index is not PMD aligned.")
CG_COUNTER(STOCK_COMMITTED, "stock_committed",
	"Mode observe: stock collapses that put a huge page in the page cache.")
CG_COUNTER(UFFD_EXPOSED, "uffd_exposed",
	"Mode observe: stock collapses that filled holes a MISSING-mode userfaultfd maps (events lost).")
CG_COUNTER(UFFD_EXPOSED_HOLES, "uffd_exposed_holes",
	"Mode observe: the holes those exposed collapses filled.")
#endif

#ifdef CG_NAMES_REASONS_AS_COUNTERS
#undef CG_REASON
#undef CG_NAMES_REASONS_AS_COUNTERS
#endif
#ifdef CG_NAMES_REASONS_ONLY
#undef CG_COUNTER
#undef CG_NAMES_REASONS_ONLY
#endif

#ifdef CG_STATE
/*
 * debugfs "state": what the module is, not what it counted; "reset"
 * leaves them.  In 0.3.0 "stats" printed redirect_live and
 * <path>_available among the counters; it still does, until the next
 * release.
 */
CG_STATE(MODE, "mode",
	"The active mode: off, observe or guard.")
CG_STATE(REDIRECT_LIVE, "redirect_live",
	"1 while the module's hooks (the collapse_file redirection) are registered: modes observe and guard.")
CG_STATE(FILE_AVAILABLE, "file_available",
	"1: the kernel has collapse_file to redirect (always: the load needs it).")
CG_STATE(ANON_AVAILABLE, "anon_available",
	"1: the kernel has collapse_huge_page to probe; 0: it is inlined and anonymous collapses are not counted.")
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
CG_INJECT(RESERVE_NOMEM, "reserve_nomem",
	"The next N node reservations fail once for memory and retry, needing no new node.")
#endif

#ifdef CG_EVENT
/*
 * The trace events, events/collapse_guard/ in tracefs (include/cg_trace.h
 * defines them; module/trace.c fails the build unless they are exactly
 * these): CG_EVENT(name, help), name as TRACE_EVENT() spells it.
 */
CG_EVENT(guard_collapse,
	"Mode guard: every guarded collapse_file: the range, what it found, what it returned and why, how long it took and how long the sealed section ran with irqs off.")
CG_EVENT(guard_veto,
	"Mode guard: a guarded collapse refused for a reason of the guard's own (CG_REASON), and at which stage (early or sealed).")
CG_EVENT(uffd_exposed,
	"Mode observe: the stock collapse_file filled holes of a range that a MISSING-mode userfaultfd maps: the missing-page events of those holes are lost (the task that collapsed, and the victim: the registered VMA's process).")
CG_EVENT(stock_collapse,
	"Mode observe: every stock collapse_file, timed, and whether it put a huge page in the page cache.")
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
