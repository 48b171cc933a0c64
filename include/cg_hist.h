/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Latency histograms in log2 buckets of nanoseconds: bucket 0 counts
 * [0, 2), bucket i >= 1 counts [2^i, 2^(i+1)).
 */
#ifndef _CG_HIST_H
#define _CG_HIST_H

#include <linux/seq_file.h>
#include <linux/types.h>

/* The histograms (cg_names.h). */
enum cg_hist {
#define CG_HIST(id, name, help) CG_HIST_##id,
#include "cg_names.h"
#undef CG_HIST
	CG_HIST_COUNT
};

void cg_hist_record(enum cg_hist hist, u64 ns);
void cg_hist_reset(void);

/*
 * Every histogram, one header line "NAME: count=N sum=NS max=NS" and one
 * line "  LO-HI: COUNT" per bucket from the lowest to the highest used one.
 */
void cg_hist_show(struct seq_file *seq);

#endif /* _CG_HIST_H */
