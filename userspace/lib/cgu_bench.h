/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cgu_bench.h - statistics for the benchmarks: percentiles of a sample,
 * outliers (reported, never dropped), and a bootstrap confidence interval of
 * the ratio of two medians (or of two p99s).
 */
#ifndef CGU_BENCH_H
#define CGU_BENCH_H

#include "cgu_base.h"

struct cgu_sample {
	size_t n, cap;
	double *v;
};

void cgu_sample_add(struct cgu_sample *s, double v);
void cgu_sample_free(struct cgu_sample *s);

/* The p-th percentile (0..100, linear between ranks) of s; sorts s. */
double cgu_percentile(struct cgu_sample *s, double p);

struct cgu_summary {
	size_t n;
	double p10, median, p90, p99, min, max;
	double spread;		/* (p90 - p10) / median */
	size_t outliers;	/* beyond 3 IQR from the quartiles */
};

void cgu_summarize(struct cgu_sample *s, struct cgu_summary *sum);

/*
 * The ratio stat(b) / stat(a) (stat: the p-th percentile) and its 95%
 * percentile-bootstrap confidence interval, from @resamples resamplings of
 * each sample with a fixed seed (the same input gives the same interval).
 */
void cgu_ratio_ci(const struct cgu_sample *a, const struct cgu_sample *b,
		  double p, unsigned int resamples, double *ratio, double *lo,
		  double *hi);

/*
 * Paired samples: a->v[i] and b->v[i] were measured side by side (adjacent
 * blocks or rounds), so that what drifts slowly (another guest, the host's
 * clock) cancels in b->v[i] / a->v[i]. The median of those per-pair ratios,
 * its 95% percentile-bootstrap interval (pairs resampled, fixed seed), and
 * the spread of the per-pair ratios, (p90 - p10) / median, and in @pairs
 * how many pairs were used. Pairs past the shorter sample, and pairs whose
 * A or B is not positive, are left out; false without a pair.
 */
bool cgu_paired_ratio_ci(const struct cgu_sample *a, const struct cgu_sample *b,
			 unsigned int resamples, double *ratio, double *lo,
			 double *hi, double *spread, size_t *pairs);

/*
 * The same pairs, another estimate: the Hodges-Lehmann estimate of the
 * per-pair ratio (the median of the Walsh averages (d_i + d_j) / 2, i <= j,
 * of the log-ratios d_i = ln(b_i / a_i), exponentiated) and its 95%
 * interval from the Wilcoxon signed-rank statistic (normal approximation,
 * symmetric log-ratios assumed; no resampling, so the same input gives the
 * same interval). Where the log-ratios are near normal it resolves a ratio
 * in about two thirds of the pairs the median needs. Pairs are chosen as
 * cgu_paired_ratio_ci() chooses them; @spread is the same spread of the
 * per-pair ratios. False with fewer than 6 pairs (no 95% interval).
 */
bool cgu_paired_hl_ci(const struct cgu_sample *a, const struct cgu_sample *b,
		      double *ratio, double *lo, double *hi, double *spread,
		      size_t *pairs);

#endif /* CGU_BENCH_H */
