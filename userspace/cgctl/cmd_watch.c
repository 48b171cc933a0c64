// SPDX-License-Identifier: GPL-2.0
/*
 * cgctl watch [SECONDS] [--count N] - rates per interval, like vmstat: one
 * line per interval with what each column's statistics moved, per second.
 * The header repeats every 20 lines.  --count stops after N lines.
 */
#include "cgctl.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CTL_WATCH_HEADER_EVERY	20

struct ctl_column {
	const char *header;
	const char *stat;
};

static const struct ctl_column ctl_columns[] = {
	{ "file",    "file_calls" },		/* collapse_file() calls */
	{ "file_ok", "file_succeed" },
	{ "guard",   "guard_calls" },		/* guarded collapses */
	{ "g_ok",    "guard_committed" },
	{ "veto",    "guard_veto_uffd_missing" },
	{ "filled",  "guard_veto_page_filled" },
	{ "rollbk",  "guard_rollbacks" },
	{ "exposed", "uffd_exposed" },		/* observe: events lost */
	{ "anon",    "anon_calls" },
};
#define CTL_NCOLUMNS (sizeof(ctl_columns) / sizeof(ctl_columns[0]))

static long long ctl_stat_or_zero(const struct cgu_stats *s, const char *name)
{
	const struct cgu_stat *st = cgu_stats_find(s, name);

	return st ? st->value : 0;
}

static void ctl_watch_header(void)
{
	size_t c;

	printf("%-8s", "time");
	for (c = 0; c < CTL_NCOLUMNS; c++)
		printf(" %8s/s", ctl_columns[c].header);
	printf("\n");
}

static void ctl_watch_line(const struct cgu_stats *now,
			   const struct cgu_stats *before, unsigned long secs)
{
	time_t t = time(NULL);
	char stamp[16];
	size_t c;

	strftime(stamp, sizeof(stamp), "%H:%M:%S", localtime(&t));
	printf("%-8s", stamp);
	for (c = 0; c < CTL_NCOLUMNS; c++) {
		long long d = ctl_stat_or_zero(now, ctl_columns[c].stat) -
			      ctl_stat_or_zero(before, ctl_columns[c].stat);

		printf(" %10.1f", (double)d / (double)secs);
	}
	printf("\n");
	fflush(stdout);
}

int ctl_cmd_watch(int argc, char **argv)
{
	static struct cgu_stats a, b;
	struct cgu_stats *before = &a, *now = &b, *tmp;
	static const struct option opts[] = {
		{ "count", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long secs = 1, count = 0, n;

	/* the options, then SECONDS, then the options again */
	while (ctl_getopt(argc, argv, opts) != -1)
		count = cgu_parse_ulong(optarg, "--count", 1, 1000000);
	if (optind < argc && argv[optind][0] != '-')
		secs = cgu_parse_ulong(argv[optind++], "SECONDS", 1, 3600);
	while (ctl_getopt(argc, argv, opts) != -1)
		count = cgu_parse_ulong(optarg, "--count", 1, 1000000);
	if (optind != argc)
		cgu_usage_fail(ctl_usage, "watch: bad argument '%s'", argv[optind]);
	ctl_load_stats(before);
	for (n = 0; !count || n < count; n++) {
		if (n % CTL_WATCH_HEADER_EVERY == 0)
			ctl_watch_header();
		sleep((unsigned int)secs);
		ctl_load_stats(now);
		ctl_watch_line(now, before, secs);
		tmp = before;
		before = now;
		now = tmp;
	}
	return CTL_EXIT_OK;
}
