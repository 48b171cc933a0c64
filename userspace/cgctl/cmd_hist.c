// SPDX-License-Identifier: GPL-2.0
/*
 * cgctl hist [NAME...] [--raw] - the module's latency histograms, drawn:
 * per histogram its count, mean and maximum, then one bar per log2 bucket.
 * --raw prints debugfs "hist" as it is (for scripts); NAME selects.
 */
#include "cgctl.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CTL_BAR_WIDTH		40

/* One line of debugfs "hist" into h; false if it is neither kind. */
static bool ctl_hist_parse_line(const char *line, struct ctl_hists *h)
{
	struct ctl_hist *cur = h->n ? &h->hist[h->n - 1] : NULL;
	struct ctl_bucket b;

	if (line[0] == ' ') {
		if (!cur || cur->nbuckets == CTL_HIST_BUCKETS ||
		    sscanf(line, " %llu-%llu: %llu", &b.lo, &b.hi, &b.count) != 3)
			return false;
		cur->bucket[cur->nbuckets++] = b;
		return true;
	}
	if (h->n == CTL_HIST_MAX)
		return false;
	cur = &h->hist[h->n];
	memset(cur, 0, sizeof(*cur));
	if (sscanf(line, "%63[a-z0-9_]: count=%llu sum=%llu max=%llu", cur->name,
		   &cur->count, &cur->sum, &cur->max) != 4)
		return false;
	h->n++;
	return true;
}

void ctl_hist_load(struct ctl_hists *h, const char *path)
{
	char line[256];
	FILE *f = fopen(path, "r");

	if (!f)
		ctl_fail_io("cannot read", path);
	h->n = 0;
	while (fgets(line, sizeof(line), f)) {
		if (!ctl_hist_parse_line(line, h)) {
			fprintf(stderr, "cgctl: unexpected line in %s: %s", path, line);
			fclose(f);
			exit(CTL_EXIT_FAIL);
		}
	}
	fclose(f);
}

/* A duration in ns, in the unit that keeps it short. */
static void ctl_duration(char *buf, size_t len, unsigned long long ns)
{
	if (ns < 10000ULL)
		snprintf(buf, len, "%lluns", ns);
	else if (ns < 10000000ULL)
		snprintf(buf, len, "%lluus", ns / 1000);
	else if (ns < 10000000000ULL)
		snprintf(buf, len, "%llums", ns / 1000000);
	else
		snprintf(buf, len, "%llus", ns / 1000000000);
}

static void ctl_hist_draw(const struct ctl_hist *h)
{
	unsigned long long peak = 0;
	char mean[24], max[24], lo[24], hi[24];
	int b;

	ctl_duration(mean, sizeof(mean), h->count ? h->sum / h->count : 0);
	ctl_duration(max, sizeof(max), h->max);
	printf("%s: %llu recorded, mean %s, max %s\n", h->name, h->count, mean, max);
	for (b = 0; b < h->nbuckets; b++)
		if (h->bucket[b].count > peak)
			peak = h->bucket[b].count;
	for (b = 0; b < h->nbuckets; b++) {
		const struct ctl_bucket *k = &h->bucket[b];
		int width = peak ? (int)((k->count * CTL_BAR_WIDTH + peak - 1) / peak) : 0;

		ctl_duration(lo, sizeof(lo), k->lo);
		ctl_duration(hi, sizeof(hi), k->hi + 1);
		printf("  %8s - %-8s %10llu |%.*s\n", lo, hi, k->count, width,
		       "########################################");
	}
}

static const struct ctl_hist *ctl_hist_find(const struct ctl_hists *h, const char *name)
{
	int i;

	for (i = 0; i < h->n; i++)
		if (!strcmp(h->hist[i].name, name))
			return &h->hist[i];
	return NULL;
}

static int ctl_hist_raw(const char *path)
{
	char line[256];
	FILE *f = fopen(path, "r");

	if (!f)
		ctl_fail_io("cannot read", path);
	while (fgets(line, sizeof(line), f))
		fputs(line, stdout);
	fclose(f);
	return CTL_EXIT_OK;
}

int ctl_cmd_hist(int argc, char **argv)
{
	static struct ctl_hists h;
	static const struct option opts[] = {
		{ "raw", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	char path[PATH_MAX];
	int i, names = 0;
	bool raw = false;

	ctl_debugfs_path(path, sizeof(path), "hist");
	while (ctl_getopt(argc, argv, opts) != -1)
		raw = true;
	argc -= optind;
	argv += optind;
	for (i = 0; i < argc; i++)
		if (argv[i][0] == '-')
			cgu_usage_fail(ctl_usage, "hist: bad argument '%s'", argv[i]);
	if (raw) {
		if (argc)
			cgu_usage_fail(ctl_usage, "hist: --raw takes no NAME");
		return ctl_hist_raw(path);
	}
	ctl_hist_load(&h, path);
	for (i = 0; i < argc; i++, names++) {
		const struct ctl_hist *one = ctl_hist_find(&h, argv[i]);

		if (!one) {
			fprintf(stderr, "cgctl: no histogram %s\n", argv[i]);
			return CTL_EXIT_FAIL;
		}
		ctl_hist_draw(one);
	}
	for (i = 0; !names && i < h.n; i++)
		ctl_hist_draw(&h.hist[i]);
	return CTL_EXIT_OK;
}
