/* SPDX-License-Identifier: GPL-2.0 */
/*
 * collapse_guard statistics: calls and results of the two hooked collapse
 * paths, and what the guarded collapse_file decided.
 */
#ifndef _CG_STATS_H
#define _CG_STATS_H

#include <linux/seq_file.h>
#include "cg_path.h"

/* What the guarded collapse_file() counts. */
enum cg_counter {
	CG_GUARD_CALLS,		/* calls that ran the guarded collapse_file */
	CG_GUARD_SUCCEEDED,	/* huge page installed in the page cache */
	CG_GUARD_UFFD_VETOED,	/* refused: a VMA has a MISSING-mode userfaultfd */
	CG_GUARD_UFFD_VETOED_EARLY, /* ... of which before any work was done */
	CG_GUARD_PAGE_FILLED,	/* refused: a hole was filled while collapsing */
	CG_GUARD_HOLES_SEALED,	/* holes marked with retry entries */
	CG_GUARD_STORE_FAILED,	/* an xarray store failed (ENOMEM) */
	CG_GUARD_ROLLBACKS,	/* collapses undone after the huge page was allocated */
	CG_GUARD_NOT_SHMEM,	/* refused: the file is not shmem */
	CG_GUARD_UNALIGNED,	/* refused: the start index is not PMD aligned */
	/* observe: stock collapses that put a huge page in the page cache */
	CG_STOCK_COMMITTED,
	/* observe: ... of which filled holes a MISSING uffd maps */
	CG_UFFD_EXPOSED,
	CG_UFFD_EXPOSED_HOLES,	/* ... the holes they filled */
	CG_COUNTER_COUNT
};

void cg_stats_count_call(enum cg_path path);
void cg_stats_count_result(enum cg_path path, long result);
void cg_stats_add(enum cg_counter counter, long n);

/* Zeroes every counter (debugfs "reset"). */
void cg_stats_reset(void);

static inline void cg_stats_inc(enum cg_counter counter)
{
	cg_stats_add(counter, 1);
}

/*
 * Prints every counter as one "name value" line.  @available: which paths
 * the kernel lets us probe ("<path>_available 0" then says the path's
 * counters are not counting); @missed: probe misses; @redirect_live: the
 * hooks are registered (modes observe and guard).
 */
void cg_stats_show(struct seq_file *seq, const bool *available,
		   unsigned long missed, bool redirect_live);

#endif /* _CG_STATS_H */
