/* SPDX-License-Identifier: GPL-2.0 */
/*
 * collapse_guard statistics: calls and results of the two hooked collapse
 * paths, and what the guarded collapse_file decided.
 */
#ifndef _CG_STATS_H
#define _CG_STATS_H

#include <linux/seq_file.h>
#include "cg_path.h"

/* What the guarded collapse_file() and the detector count (cg_names.h). */
enum cg_counter {
#define CG_COUNTER(id, name, help) CG_##id,
#include "cg_names.h"
#undef CG_COUNTER
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
 * Prints every counter as one "name value" line.  @missed: probe misses.
 * Also, as in 0.3.0 and until the next release, the states debugfs "state"
 * now has: @available, which paths the kernel lets us probe
 * ("<path>_available 0": the path's counters are not counting), and
 * @redirect_live, the hooks are registered (modes observe and guard).
 */
void cg_stats_show(struct seq_file *seq, const bool *available,
		   unsigned long missed, bool redirect_live);

#endif /* _CG_STATS_H */
