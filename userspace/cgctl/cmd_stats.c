// SPDX-License-Identifier: GPL-2.0
/*
 * cgctl stats - the module's statistics.
 *
 *   cgctl stats [--nonzero] [--json] [--diff FILE] [--file FILE]
 *   cgctl stats [--diff FILE] [--file FILE] --get NAME
 *   cgctl stats --save FILE
 *   cgctl stats --prometheus [--file FILE [--hist-file FILE]] [--output FILE]
 *   cgctl reset
 *
 * The table is "NAME VALUE" with aligned columns; --json one object of
 * name: number; --diff the change since a copy saved with --save; --file
 * reads a saved copy instead of the live file; --get prints one value;
 * --prometheus the text exposition format (prom.c), --output writing it
 * atomically into a file.
 */
#include "cgctl.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

struct ctl_stats_opts {
	bool nonzero, json, prometheus;
	const char *diff, *file, *save, *get, *hist_file, *output;
};

static void ctl_stats_parse_opts(int argc, char **argv, struct ctl_stats_opts *o)
{
	static const struct option opts[] = {
		{ "nonzero", no_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "prometheus", no_argument, NULL, 'p' },
		{ "diff", required_argument, NULL, 'd' },
		{ "file", required_argument, NULL, 'f' },
		{ "save", required_argument, NULL, 's' },
		{ "get", required_argument, NULL, 'g' },
		{ "hist-file", required_argument, NULL, 'H' },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	while ((c = ctl_getopt(argc, argv, opts)) != -1) {
		switch (c) {
		case 'n': o->nonzero = true; break;
		case 'j': o->json = true; break;
		case 'p': o->prometheus = true; break;
		case 'd': o->diff = optarg; break;
		case 'f': o->file = optarg; break;
		case 's': o->save = optarg; break;
		case 'g': o->get = optarg; break;
		case 'H': o->hist_file = optarg; break;
		case 'o': o->output = optarg; break;
		}
	}
	if (optind != argc)
		cgu_usage_fail(ctl_usage, "stats: bad argument '%s'", argv[optind]);
	if ((o->hist_file || o->output) && !o->prometheus)
		cgu_usage_fail(ctl_usage, "stats: --hist-file and --output go with --prometheus");
	if (o->prometheus && (o->save || o->diff || o->get || o->nonzero || o->json))
		cgu_usage_fail(ctl_usage,
			       "stats: --prometheus takes only --file, --hist-file and --output");
	if (o->hist_file && !o->file)
		cgu_usage_fail(ctl_usage,
			       "stats: --hist-file goes with --file (live, the histograms are read from debugfs)");
	if (o->save && (o->diff || o->file || o->get || o->nonzero || o->json))
		cgu_usage_fail(ctl_usage, "stats: --save takes no other option");
	if (o->get && (o->nonzero || o->json))
		cgu_usage_fail(ctl_usage, "stats: --get prints one value, without --nonzero or --json");
}

static void ctl_load_saved(const char *path, struct cgu_stats *s)
{
	if (cgu_stats_load(path, s))
		ctl_fail_io("cannot read", path);
}

/* cur -= old, name by name; 1 if old lacks one of cur's names. */
static int ctl_stats_subtract(struct cgu_stats *cur, const struct cgu_stats *old,
			      const char *old_path)
{
	int i;

	for (i = 0; i < cur->n; i++) {
		const struct cgu_stat *o = cgu_stats_find(old, cur->stat[i].name);

		if (!o) {
			fprintf(stderr, "cgctl: %s has no statistic %s\n", old_path,
				cur->stat[i].name);
			return CTL_EXIT_FAIL;
		}
		cur->stat[i].value -= o->value;
	}
	return CTL_EXIT_OK;
}

static void ctl_stats_print_table(const struct cgu_stats *s, bool nonzero)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (!nonzero || s->stat[i].value)
			printf("%-32s %12lld\n", s->stat[i].name, s->stat[i].value);
}

static void ctl_stats_print_json(const struct cgu_stats *s, bool nonzero)
{
	const char *sep = "";
	int i;

	printf("{");
	for (i = 0; i < s->n; i++) {
		if (nonzero && !s->stat[i].value)
			continue;
		/* names are [a-z0-9_]: nothing to escape */
		printf("%s\n  \"%s\": %lld", sep, s->stat[i].name, s->stat[i].value);
		sep = ",";
	}
	printf("\n}\n");
}

static int ctl_stats_save(const struct cgu_stats *s, const char *path)
{
	FILE *f = fopen(path, "w");
	int i;

	if (!f)
		ctl_fail_io("cannot create", path);
	for (i = 0; i < s->n; i++)
		fprintf(f, "%s %lld\n", s->stat[i].name, s->stat[i].value);
	if (fclose(f))
		ctl_fail_io("cannot write", path);
	return CTL_EXIT_OK;
}

/* A counter's name of the previous release: its new name, or NULL. */
static const char *ctl_renamed(const char *name)
{
	static const char *const renamed[][2] = {
#define CG_COUNTER_RENAMED(old, new) { old, new },
#include "cg_names.h"
#undef CG_COUNTER_RENAMED
	};
	size_t i;

	for (i = 0; i < sizeof(renamed) / sizeof(renamed[0]); i++)
		if (!strcmp(name, renamed[i][0]))
			return renamed[i][1];
	return NULL;
}

static int ctl_stats_get(const struct cgu_stats *s, const char *name)
{
	const struct cgu_stat *st = cgu_stats_find(s, name);
	const char *now = st ? NULL : ctl_renamed(name);

	if (st && ctl_is_state(name))
		fprintf(stderr, "cgctl: %s is a state, not a statistic: debugfs state has it, cgctl status shows it (stats drops it in the next release)\n",
			name);

	if (now) {
		fprintf(stderr, "cgctl: %s is now %s (the old name goes away in the next release)\n",
			name, now);
		st = cgu_stats_find(s, now);
	}
	if (!st) {
		fprintf(stderr, "cgctl: no statistic %s\n", name);
		return CTL_EXIT_FAIL;
	}
	printf("%lld\n", st->value);
	return CTL_EXIT_OK;
}

int ctl_cmd_stats(int argc, char **argv)
{
	static struct cgu_stats cur, old;
	struct ctl_stats_opts o;
	int ret;

	ctl_stats_parse_opts(argc, argv, &o);
	if (o.prometheus)
		return ctl_prom_run(o.file, o.hist_file, o.output);
	if (o.file)
		ctl_load_saved(o.file, &cur);
	else
		ctl_load_stats(&cur);
	if (o.save)
		return ctl_stats_save(&cur, o.save);
	if (o.diff) {
		ctl_load_saved(o.diff, &old);
		ret = ctl_stats_subtract(&cur, &old, o.diff);
		if (ret)
			return ret;
	}
	if (o.get)
		return ctl_stats_get(&cur, o.get);
	if (o.json)
		ctl_stats_print_json(&cur, o.nonzero);
	else
		ctl_stats_print_table(&cur, o.nonzero);
	return CTL_EXIT_OK;
}

int ctl_cmd_reset(int argc, char **argv)
{
	char path[PATH_MAX];

	ctl_no_arguments(argc, argv);
	ctl_debugfs_path(path, sizeof(path), "reset");
	if (ctl_write_text(path, "1\n"))
		ctl_fail_io("cannot write", path);
	printf("statistics and histograms reset\n");
	return CTL_EXIT_OK;
}
