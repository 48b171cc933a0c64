// SPDX-License-Identifier: GPL-2.0
/*
 * Counters, in the style of mm/kfence: arrays of atomics, a names table
 * checked against the enum at build time, and one seq_file printer.
 */
#include <linux/atomic.h>
#include <linux/build_bug.h>
#include <linux/kernel.h>
#include "cg_khugepaged.h"
#include "cg_stats.h"

static atomic_long_t cg_calls[CG_PATH_COUNT];
static atomic_long_t cg_returns[CG_PATH_COUNT];
static atomic_long_t cg_results[CG_PATH_COUNT][CG_SCAN_NR_RESULTS];
static atomic_long_t cg_counters[CG_COUNTER_COUNT];

static const char *const cg_path_names[] = {
	[CG_PATH_FILE] = "file",
	[CG_PATH_ANON] = "anon",
};
static_assert(ARRAY_SIZE(cg_path_names) == CG_PATH_COUNT);

static const char *const cg_counter_names[] = {
#define CG_COUNTER(id, name, help) name,
#include "cg_names.h"
#undef CG_COUNTER
};
static_assert(ARRAY_SIZE(cg_counter_names) == CG_COUNTER_COUNT);

void cg_stats_count_call(enum cg_path path)
{
	atomic_long_inc(&cg_calls[path]);
}

/* A result 6.1 does not know is counted as a return only. */
void cg_stats_count_result(enum cg_path path, long result)
{
	atomic_long_inc(&cg_returns[path]);
	if (result >= 0 && result < CG_SCAN_NR_RESULTS)
		atomic_long_inc(&cg_results[path][result]);
}

void cg_stats_add(enum cg_counter counter, long n)
{
	atomic_long_add(n, &cg_counters[counter]);
}

static void cg_zero(atomic_long_t *counters, int n)
{
	int i;

	for (i = 0; i < n; i++)
		atomic_long_set(&counters[i], 0);
}

/* Not atomic with concurrent counting: a collapse may straddle the reset. */
void cg_stats_reset(void)
{
	int path;

	cg_zero(cg_calls, CG_PATH_COUNT);
	cg_zero(cg_returns, CG_PATH_COUNT);
	for (path = 0; path < CG_PATH_COUNT; path++)
		cg_zero(cg_results[path], CG_SCAN_NR_RESULTS);
	cg_zero(cg_counters, CG_COUNTER_COUNT);
}

static void cg_show_path(struct seq_file *seq, enum cg_path path, bool available)
{
	const char *name = cg_path_names[path];
	int r;

	/* a state (debugfs "state"), here until the next release */
	seq_printf(seq, "%s_available %d\n", name, available);
	seq_printf(seq, "%s_calls %ld\n", name, atomic_long_read(&cg_calls[path]));
	seq_printf(seq, "%s_returns %ld\n", name,
		   atomic_long_read(&cg_returns[path]));
	for (r = 0; r < CG_SCAN_NR_RESULTS; r++)
		seq_printf(seq, "%s_%s %ld\n", name, cg_scan_result_names[r].stat,
			   atomic_long_read(&cg_results[path][r]));
}

void cg_stats_show(struct seq_file *seq, const bool *available,
		   unsigned long missed, bool redirect_live)
{
	int i;

	/* a state (debugfs "state"), here until the next release */
	seq_printf(seq, "redirect_live %d\n", redirect_live);
	for (i = 0; i < CG_PATH_COUNT; i++)
		cg_show_path(seq, i, available[i]);
	for (i = 0; i < CG_COUNTER_COUNT; i++)
		seq_printf(seq, "%s %ld\n", cg_counter_names[i],
			   atomic_long_read(&cg_counters[i]));
	seq_printf(seq, "probe_missed %lu\n", missed);
}
