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

/* What a paired ratio is the centre of: see cgu_paired_ratio_ci(). */
enum cgu_centre {
	CGU_CENTRE_TRIMMED,	/* the 20% trimmed mean of the log-ratios */
	CGU_CENTRE_MEDIAN,	/* their median */
};

/*
 * Paired samples: a->v[i] and b->v[i] were measured side by side (adjacent
 * blocks or rounds), so that what drifts slowly (another guest, the host's
 * clock) cancels in b->v[i] / a->v[i]. The ratio is exp() of a centre of
 * the log-ratios ln(b->v[i] / a->v[i]): their 20% trimmed mean (the mean of
 * the middle 60%: robust as the median, and on near-normal log-ratios it
 * needs about two thirds of the pairs the median needs for the same
 * interval), or their median (the median of the per-pair ratios). With it,
 * its 95% percentile-bootstrap interval (pairs resampled @resamples times,
 * fixed seed: the same input gives the same interval; no symmetry
 * assumed), the spread of the per-pair ratios, (p90 - p10) / median, and in
 * @pairs how many pairs were used. Pairs past the shorter sample, and pairs
 * whose A or B is not positive, are left out; false without a pair.
 */
bool cgu_paired_ratio_ci(const struct cgu_sample *a, const struct cgu_sample *b,
			 enum cgu_centre centre, unsigned int resamples,
			 double *ratio, double *lo, double *hi, double *spread,
			 size_t *pairs);

#endif /* CGU_BENCH_H */
