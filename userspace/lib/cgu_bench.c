// SPDX-License-Identifier: GPL-2.0
/*
 * cgu_bench.c - percentiles, outliers, and bootstrap intervals of ratios
 * (paired: of a centre of the log-ratios).
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

/* One bootstrap resample of @s into @out (n values), sorted. */
static void cgu_resample_sorted(const struct cgu_sample *s, double *out,
				uint64_t *rng)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		out[i] = s->v[cgu_rand(rng) % s->n];
	qsort(out, s->n, sizeof(*out), cgu_cmp_double);
}

/* One bootstrap resample of @s into @out, its p-th percentile. */
static double cgu_resample_percentile(const struct cgu_sample *s, double *out,
				      double p, uint64_t *rng)
{
	cgu_resample_sorted(s, out, rng);
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

/* The per-pair log-ratios ln(b->v[i] / a->v[i]) into @d (both positive). */
static void cgu_log_ratios(const struct cgu_sample *a,
			   const struct cgu_sample *b, struct cgu_sample *d)
{
	size_t i, n = a->n < b->n ? a->n : b->n;

	for (i = 0; i < n; i++)
		if (a->v[i] > 0 && b->v[i] > 0)
			cgu_sample_add(d, log(b->v[i] / a->v[i]));
}

/* The centre of n sorted values: their median or 20% trimmed mean. */
static double cgu_sorted_centre(const double *v, size_t n, enum cgu_centre c)
{
	size_t i, k = n / 5;	/* a fifth off each end */
	double sum = 0;

	if (c == CGU_CENTRE_MEDIAN)
		return cgu_sorted_percentile(v, n, 50);
	for (i = k; i < n - k; i++)
		sum += v[i];
	return sum / (double)(n - 2 * k);
}

/* One bootstrap resample of @s into @out, its centre. */
static double cgu_resample_centre(const struct cgu_sample *s, double *out,
				  enum cgu_centre c, uint64_t *rng)
{
	cgu_resample_sorted(s, out, rng);
	return cgu_sorted_centre(out, s->n, c);
}

/*
 * (p90 - p10) / median of the per-pair ratios, from their logarithms @d
 * (n sorted values): exp() keeps the order, so no second array is needed.
 */
static double cgu_ratio_spread(const double *d, size_t n)
{
	return (exp(cgu_sorted_percentile(d, n, 90)) -
		exp(cgu_sorted_percentile(d, n, 10))) /
	       exp(cgu_sorted_percentile(d, n, 50));
}

bool cgu_paired_ratio_ci(const struct cgu_sample *a, const struct cgu_sample *b,
			 enum cgu_centre centre, unsigned int resamples,
			 double *ratio, double *lo, double *hi, double *spread,
			 size_t *n_pairs)
{
	struct cgu_sample d = { 0 }, centres = { 0 };
	uint64_t rng = CGU_BOOT_SEED;
	unsigned int r;
	double *t;

	cgu_log_ratios(a, b, &d);
	*n_pairs = d.n;
	if (!d.n)
		return false;
	t = malloc(d.n * sizeof(*t));
	if (!t)
		cgu_setup_fail("out of memory for the bootstrap");
	for (r = 0; r < resamples; r++)
		cgu_sample_add(&centres, cgu_resample_centre(&d, t, centre, &rng));
	*lo = exp(cgu_percentile(&centres, 2.5));
	*hi = exp(cgu_percentile(&centres, 97.5));
	qsort(d.v, d.n, sizeof(*d.v), cgu_cmp_double);
	*ratio = exp(cgu_sorted_centre(d.v, d.n, centre));
	*spread = cgu_ratio_spread(d.v, d.n);
	free(t);
	cgu_sample_free(&centres);
	cgu_sample_free(&d);
	return true;
}
