// SPDX-License-Identifier: GPL-2.0
/*
 * cgu_bench.c - percentiles, outliers, bootstrap intervals and the
 * Hodges-Lehmann estimate of paired ratios.
 */
#include "cgu.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CGU_BOOT_SEED	0x5eed0fb007ULL

void cgu_sample_add(struct cgu_sample *s, double v)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 256;
		double *nv = realloc(s->v, cap * sizeof(*nv));

		if (!nv)
			cgu_setup_fail("out of memory for %zu samples", cap);
		s->v = nv;
		s->cap = cap;
	}
	s->v[s->n++] = v;
}

void cgu_sample_free(struct cgu_sample *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static int cgu_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The p-th percentile of n sorted values. */
static double cgu_sorted_percentile(const double *v, size_t n, double p)
{
	double rank;
	size_t i;

	if (!n)
		return 0;
	rank = p / 100.0 * (double)(n - 1);
	i = (size_t)rank;
	if (i + 1 >= n)
		return v[n - 1];
	return v[i] + (rank - (double)i) * (v[i + 1] - v[i]);
}

double cgu_percentile(struct cgu_sample *s, double p)
{
	qsort(s->v, s->n, sizeof(*s->v), cgu_cmp_double);
	return cgu_sorted_percentile(s->v, s->n, p);
}

void cgu_summarize(struct cgu_sample *s, struct cgu_summary *sum)
{
	double q1, q3, iqr;
	size_t i;

	memset(sum, 0, sizeof(*sum));
	sum->n = s->n;
	if (!s->n)
		return;
	qsort(s->v, s->n, sizeof(*s->v), cgu_cmp_double);
	sum->min = s->v[0];
	sum->max = s->v[s->n - 1];
	sum->p10 = cgu_sorted_percentile(s->v, s->n, 10);
	sum->median = cgu_sorted_percentile(s->v, s->n, 50);
	sum->p90 = cgu_sorted_percentile(s->v, s->n, 90);
	sum->p99 = cgu_sorted_percentile(s->v, s->n, 99);
	sum->spread = sum->median ? (sum->p90 - sum->p10) / sum->median : 0;
	q1 = cgu_sorted_percentile(s->v, s->n, 25);
	q3 = cgu_sorted_percentile(s->v, s->n, 75);
	iqr = q3 - q1;
	for (i = 0; i < s->n; i++)
		if (s->v[i] < q1 - 3 * iqr || s->v[i] > q3 + 3 * iqr)
			sum->outliers++;
}

/* One bootstrap resample of @s into @out (n values), its p-th percentile. */
static double cgu_resample_percentile(const struct cgu_sample *s, double *out,
				      double p, uint64_t *rng)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		out[i] = s->v[cgu_rand(rng) % s->n];
	qsort(out, s->n, sizeof(*out), cgu_cmp_double);
	return cgu_sorted_percentile(out, s->n, p);
}

void cgu_ratio_ci(const struct cgu_sample *a, const struct cgu_sample *b,
		  double p, unsigned int resamples, double *ratio, double *lo,
		  double *hi)
{
	struct cgu_sample ca = *a, cb = *b, ratios = { 0 };
	double *ta, *tb;
	uint64_t rng = CGU_BOOT_SEED;
	unsigned int r;

	ta = malloc((a->n + 1) * sizeof(*ta));
	tb = malloc((b->n + 1) * sizeof(*tb));
	if (!ta || !tb)
		cgu_setup_fail("out of memory for the bootstrap");
	/* the point estimate, on sorted copies (a and b stay as they are) */
	memcpy(ta, a->v, a->n * sizeof(*ta));
	memcpy(tb, b->v, b->n * sizeof(*tb));
	ca.v = ta;
	cb.v = tb;
	*ratio = cgu_percentile(&cb, p) / cgu_percentile(&ca, p);
	for (r = 0; r < resamples; r++) {
		double ra = cgu_resample_percentile(a, ta, p, &rng);
		double rb = cgu_resample_percentile(b, tb, p, &rng);

		cgu_sample_add(&ratios, ra ? rb / ra : 0);
	}
	*lo = cgu_percentile(&ratios, 2.5);
	*hi = cgu_percentile(&ratios, 97.5);
	cgu_sample_free(&ratios);
	free(ta);
	free(tb);
}

/* The per-pair ratios b->v[i] / a->v[i] into @pairs (both positive). */
static void cgu_pair_ratios(const struct cgu_sample *a,
			    const struct cgu_sample *b, struct cgu_sample *pairs)
{
	size_t i, n = a->n < b->n ? a->n : b->n;

	for (i = 0; i < n; i++)
		if (a->v[i] > 0 && b->v[i] > 0)
			cgu_sample_add(pairs, b->v[i] / a->v[i]);
}

bool cgu_paired_ratio_ci(const struct cgu_sample *a, const struct cgu_sample *b,
			 unsigned int resamples, double *ratio, double *lo,
			 double *hi, double *spread, size_t *n_pairs)
{
	struct cgu_sample pairs = { 0 }, medians = { 0 };
	struct cgu_summary sum;
	uint64_t rng = CGU_BOOT_SEED;
	unsigned int r;
	double *t;

	cgu_pair_ratios(a, b, &pairs);
	*n_pairs = pairs.n;
	if (!pairs.n)
		return false;
	t = malloc(pairs.n * sizeof(*t));
	if (!t)
		cgu_setup_fail("out of memory for the bootstrap");
	for (r = 0; r < resamples; r++)
		cgu_sample_add(&medians, cgu_resample_percentile(&pairs, t, 50, &rng));
	*lo = cgu_percentile(&medians, 2.5);
	*hi = cgu_percentile(&medians, 97.5);
	cgu_summarize(&pairs, &sum);
	*ratio = sum.median;
	*spread = sum.spread;
	free(t);
	cgu_sample_free(&medians);
	cgu_sample_free(&pairs);
	return true;
}

/* The n (n + 1) / 2 Walsh averages of the logs of @pairs, sorted. */
static double *cgu_walsh_averages(const struct cgu_sample *pairs, size_t *m)
{
	size_t i, j, k = 0, n = pairs->n;
	double *d, *w;

	*m = n * (n + 1) / 2;
	d = malloc(n * sizeof(*d));
	w = malloc(*m * sizeof(*w));
	if (!d || !w)
		cgu_setup_fail("out of memory for %zu Walsh averages", *m);
	for (i = 0; i < n; i++)
		d[i] = log(pairs->v[i]);
	for (i = 0; i < n; i++)
		for (j = i; j < n; j++)
			w[k++] = (d[i] + d[j]) / 2;
	free(d);
	qsort(w, *m, sizeof(*w), cgu_cmp_double);
	return w;
}

bool cgu_paired_hl_ci(const struct cgu_sample *a, const struct cgu_sample *b,
		      double *ratio, double *lo, double *hi, double *spread,
		      size_t *n_pairs)
{
	struct cgu_sample pairs = { 0 };
	struct cgu_summary sum;
	double n, sd, *w;
	size_t m, c;

	cgu_pair_ratios(a, b, &pairs);
	*n_pairs = pairs.n;
	if (pairs.n < 6) {	/* the signed-rank test's 95% needs 6 */
		cgu_sample_free(&pairs);
		return false;
	}
	w = cgu_walsh_averages(&pairs, &m);
	/*
	 * The interval's ends are the c-th smallest and the c-th largest
	 * Walsh averages, c the signed-rank statistic's 2.5% critical value:
	 * m / 2 - 1.96 sd, sd^2 = n (n + 1) (2n + 1) / 24 (Hollander and
	 * Wolfe, Nonparametric Statistical Methods, 3.2).
	 */
	n = (double)pairs.n;
	sd = sqrt(n * (n + 1) * (2 * n + 1) / 24);
	c = (size_t)floor((double)m / 2 - 1.959964 * sd);
	if (c < 1)
		c = 1;
	*ratio = exp(cgu_sorted_percentile(w, m, 50));
	*lo = exp(w[c - 1]);
	*hi = exp(w[m - c]);
	cgu_summarize(&pairs, &sum);
	*spread = sum.spread;
	free(w);
	cgu_sample_free(&pairs);
	return true;
}
