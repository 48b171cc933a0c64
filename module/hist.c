// SPDX-License-Identifier: GPL-2.0
/*
 * Latency histograms: per histogram an array of atomic log2 buckets, a
 * count, a sum and a maximum; a names table checked against the enum; one
 * printer for debugfs "hist".  Recording is lock-free and may run with
 * interrupts off.
 */
#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/build_bug.h>
#include <linux/kernel.h>
#include "cg_hist.h"

#define CG_HIST_BUCKETS	64

struct cg_histogram {
	atomic64_t bucket[CG_HIST_BUCKETS];
	atomic64_t count;
	atomic64_t sum;
	atomic64_t max;
};

static struct cg_histogram cg_hists[CG_HIST_COUNT];

static const char *const cg_hist_names[] = {
#define CG_HIST(id, name, help) name,
#include "cg_names.h"
#undef CG_HIST
};
static_assert(ARRAY_SIZE(cg_hist_names) == CG_HIST_COUNT);

static unsigned int cg_hist_bucket(u64 ns)
{
	return ns < 2 ? 0 : fls64(ns) - 1;
}

static void cg_hist_raise_max(atomic64_t *max, u64 ns)
{
	s64 old = atomic64_read(max);

	while ((u64)old < ns && !atomic64_try_cmpxchg(max, &old, ns))
		;
}

void cg_hist_record(enum cg_hist hist, u64 ns)
{
	struct cg_histogram *h = &cg_hists[hist];

	atomic64_inc(&h->bucket[cg_hist_bucket(ns)]);
	atomic64_inc(&h->count);
	atomic64_add(ns, &h->sum);
	cg_hist_raise_max(&h->max, ns);
}

/* Not atomic with concurrent recording: a record may straddle the reset. */
void cg_hist_reset(void)
{
	int i, b;

	for (i = 0; i < CG_HIST_COUNT; i++) {
		for (b = 0; b < CG_HIST_BUCKETS; b++)
			atomic64_set(&cg_hists[i].bucket[b], 0);
		atomic64_set(&cg_hists[i].count, 0);
		atomic64_set(&cg_hists[i].sum, 0);
		atomic64_set(&cg_hists[i].max, 0);
	}
}

static u64 cg_bucket_low(int b)
{
	return b ? 1ULL << b : 0;
}

static u64 cg_bucket_high(int b)
{
	return b == CG_HIST_BUCKETS - 1 ? U64_MAX : (1ULL << (b + 1)) - 1;
}

static void cg_hist_show_one(struct seq_file *seq, int i)
{
	struct cg_histogram *h = &cg_hists[i];
	int b, first = -1, last = -1;

	seq_printf(seq, "%s: count=%lld sum=%lld max=%lld\n", cg_hist_names[i],
		   atomic64_read(&h->count), atomic64_read(&h->sum),
		   atomic64_read(&h->max));
	for (b = 0; b < CG_HIST_BUCKETS; b++) {
		if (!atomic64_read(&h->bucket[b]))
			continue;
		if (first < 0)
			first = b;
		last = b;
	}
	for (b = first; first >= 0 && b <= last; b++)
		seq_printf(seq, "  %llu-%llu: %lld\n", cg_bucket_low(b),
			   cg_bucket_high(b), atomic64_read(&h->bucket[b]));
}

void cg_hist_show(struct seq_file *seq)
{
	int i;

	for (i = 0; i < CG_HIST_COUNT; i++)
		cg_hist_show_one(seq, i);
}
