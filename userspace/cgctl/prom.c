// SPDX-License-Identifier: GPL-2.0
/*
 * prom.c - cgctl stats --prometheus: the module's statistics, mode and
 * histograms in Prometheus's text exposition format (0.0.4), for
 * node_exporter's textfile collector (collapse-guard-metrics.service).
 *
 * Every name starts with collapse_guard_. From debugfs "state" (for a saved
 * copy of "stats", or a module of 0.3.0 without "state": the state lines of
 * "stats"; state.c):
 *   redirect_live, *_live          gauges
 *   PATH_available                 gauge collapse_guard_path_available{path=}
 * from debugfs "stats", its states left out:
 *   PATH_calls, PATH_returns       counters collapse_guard_{calls,returns}_total{path=}
 *   PATH_RESULT                    counter collapse_guard_results_total{path=,result=}
 *   anything else                  counter collapse_guard_NAME_total
 * where PATH is each prefix with a PATH_available state (file, anon). Then
 * collapse_guard_up (1: the module's statistics were read; 0: the module is
 * not loaded, and nothing else is printed), collapse_guard_mode{mode=} (1 for
 * the active mode; from the mode parameter, live only) and per histogram
 * NAME_ns of debugfs "hist" a histogram collapse_guard_NAME_seconds (fixed
 * cumulative buckets le=2^k-1 ns, in seconds; _sum is debugfs's sum) and a
 * gauge collapse_guard_NAME_max_seconds.
 */
#include "cgctl.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CTL_ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define CTL_PROM_PREFIX		"collapse_guard_"
/* Bucket boundaries: 2^(k+1)-1 ns for k in [FIRST, LAST]: 127 ns to 68.7 s. */
#define CTL_PROM_LE_FIRST	6
#define CTL_PROM_LE_LAST	35

struct ctl_prom_help {
	const char *name;
	const char *help;
};

/* The module's states and counters, from the table it is built from (cg_names.h). */
static const struct ctl_prom_help ctl_prom_single_help[] = {
#define CG_STATE(id, name, help) { name, help },
#include "cg_names.h"
#undef CG_STATE
#define CG_COUNTER(id, name, help) { name, help },
#include "cg_names.h"
#undef CG_COUNTER
	{ "probe_missed",
	  "Anonymous collapses the collapse_huge_page probe could not follow." },
};

static const struct ctl_prom_help ctl_prom_hist_help[] = {
#define CG_HIST(id, name, help) { name, help },
#include "cg_names.h"
#undef CG_HIST
};

struct ctl_prom {
	bool up;
	struct cgu_stats state;		/* the numeric states */
	struct cgu_stats stats;		/* the statistics but the states */
	bool have_mode;
	char mode_line[256];	/* "off observe [guard]" */
	bool have_hists;
	struct ctl_hists hists;
};

static const char *ctl_prom_find_help(const struct ctl_prom_help *t, size_t n,
				      const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(t[i].name, name))
			return t[i].help;
	return NULL;
}

static bool ctl_has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

/* The path (file, anon) @name belongs to, with a PATH_available state: its
 * length, and in *rest what follows "PATH_"; 0 if none. */
static size_t ctl_prom_path(const struct ctl_prom *p, const char *name, const char **rest)
{
	char avail[CGU_STAT_NAME_LEN + 16];
	const char *us;

	for (us = strchr(name, '_'); us; us = strchr(us + 1, '_')) {
		snprintf(avail, sizeof(avail), "%.*s_available", (int)(us - name), name);
		if (cgu_stats_find(&p->state, avail)) {
			*rest = us + 1;
			return (size_t)(us - name);
		}
	}
	return 0;
}

enum ctl_prom_kind {
	CTL_PROM_STATE,		/* a gauge of its own name */
	CTL_PROM_AVAILABLE,	/* collapse_guard_path_available{path} */
	CTL_PROM_CALLS,		/* collapse_guard_calls_total{path} */
	CTL_PROM_RETURNS,	/* collapse_guard_returns_total{path} */
	CTL_PROM_RESULT,	/* collapse_guard_results_total{path,result} */
	CTL_PROM_COUNTER,	/* a counter of its own name */
};

static enum ctl_prom_kind ctl_prom_classify(const struct ctl_prom *p, const char *name,
					    size_t *plen, const char **rest)
{
	*plen = ctl_prom_path(p, name, rest);
	if (*plen) {
		if (!strcmp(*rest, "available"))
			return CTL_PROM_AVAILABLE;
		if (!strcmp(*rest, "calls"))
			return CTL_PROM_CALLS;
		if (!strcmp(*rest, "returns"))
			return CTL_PROM_RETURNS;
		return CTL_PROM_RESULT;
	}
	if (ctl_has_suffix(name, "_live"))
		return CTL_PROM_STATE;
	return CTL_PROM_COUNTER;
}

static void ctl_prom_family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s%s %s\n# TYPE %s%s %s\n", CTL_PROM_PREFIX, name, help,
		CTL_PROM_PREFIX, name, type);
}

/* The statistic or state of @s of @kind after index *i (start with -1), or
 * NULL; its path's length and what follows "PATH_" in *plen and *rest. */
static const struct cgu_stat *ctl_prom_next(const struct ctl_prom *p, const struct cgu_stats *s,
					    int *i, enum ctl_prom_kind kind, size_t *plen,
					    const char **rest)
{
	while (++*i < s->n)
		if (ctl_prom_classify(p, s->stat[*i].name, plen, rest) == kind)
			return &s->stat[*i];
	return NULL;
}

/* The labelled families over the paths: every sample of one kind, grouped. */
static void ctl_prom_path_family(FILE *f, const struct ctl_prom *p, enum ctl_prom_kind kind,
				 const char *name, const char *type, const char *help)
{
	const struct cgu_stats *s = kind == CTL_PROM_AVAILABLE ? &p->state : &p->stats;
	const struct cgu_stat *st;
	bool header = false;
	const char *rest;
	size_t plen;
	int i = -1;

	while ((st = ctl_prom_next(p, s, &i, kind, &plen, &rest))) {
		if (!header)
			ctl_prom_family(f, name, type, help);
		header = true;
		fprintf(f, "%s%s{path=\"%.*s\"", CTL_PROM_PREFIX, name, (int)plen, st->name);
		if (kind == CTL_PROM_RESULT)
			fprintf(f, ",result=\"%s\"", rest);
		fprintf(f, "} %lld\n", st->value);
	}
}

/* The unlabelled families: states (gauges of their own name) or counters
 * (NAME_total), one family per statistic. */
static void ctl_prom_singles(FILE *f, const struct ctl_prom *p, enum ctl_prom_kind kind)
{
	bool counter = kind == CTL_PROM_COUNTER;
	const struct cgu_stats *s = counter ? &p->stats : &p->state;
	char name[CGU_STAT_NAME_LEN + 8], help[CGU_STAT_NAME_LEN + 64];
	const struct cgu_stat *st;
	const char *rest, *h;
	size_t plen;
	int i = -1;

	while ((st = ctl_prom_next(p, s, &i, kind, &plen, &rest))) {
		h = ctl_prom_find_help(ctl_prom_single_help,
				       CTL_ARRAY_SIZE(ctl_prom_single_help), st->name);
		if (!h) {
			snprintf(help, sizeof(help), "The module's %s %s (debugfs %s).",
				 counter ? "statistic" : "state", st->name, counter ? "stats" : "state");
			h = help;
		}
		snprintf(name, sizeof(name), "%s%s", st->name, counter ? "_total" : "");
		ctl_prom_family(f, name, counter ? "counter" : "gauge", h);
		fprintf(f, "%s%s %lld\n", CTL_PROM_PREFIX, name, st->value);
	}
}

static void ctl_prom_stats(FILE *f, const struct ctl_prom *p)
{
	ctl_prom_singles(f, p, CTL_PROM_STATE);
	ctl_prom_path_family(f, p, CTL_PROM_AVAILABLE, "path_available", "gauge",
			     "1 when the kernel lets the module probe this collapse path; 0: its counters stay 0.");
	ctl_prom_path_family(f, p, CTL_PROM_CALLS, "calls_total", "counter",
			     "Calls of the collapse path seen (file: collapse_file, shmem; anon: collapse_huge_page).");
	ctl_prom_path_family(f, p, CTL_PROM_RETURNS, "returns_total", "counter",
			     "Returns of the collapse path seen.");
	ctl_prom_path_family(f, p, CTL_PROM_RESULT, "results_total", "counter",
			     "Returns of the collapse path by the 6.1 scan result they returned.");
	ctl_prom_singles(f, p, CTL_PROM_COUNTER);
}

/* "off observe [guard]": one sample per name, 1 for the bracketed one. */
static void ctl_prom_mode(FILE *f, const char *line)
{
	char word[32];
	const char *p = line;
	int n;

	ctl_prom_family(f, "mode", "gauge",
			"The module's mode: 1 for the active one (off, observe, guard), 0 for the others.");
	while (sscanf(p, " %31[^ \t\n]%n", word, &n) == 1) {
		size_t len = strlen(word);
		bool active = len > 2 && word[0] == '[' && word[len - 1] == ']';

		if (active) {
			memmove(word, word + 1, len - 2);
			word[len - 2] = '\0';
		}
		fprintf(f, "%smode{mode=\"%s\"} %d\n", CTL_PROM_PREFIX, word, active);
		p += n;
	}
}

/* Nanoseconds as exact decimal seconds. */
static void ctl_prom_seconds(char *buf, size_t len, unsigned long long ns)
{
	snprintf(buf, len, "%llu.%09llu", ns / 1000000000ULL, ns % 1000000000ULL);
}

static void ctl_prom_hist(FILE *f, const struct ctl_hist *h)
{
	char base[80], name[96], le[32], help_max[160];
	unsigned long long total = 0, cum;
	const char *help;
	size_t len = strlen(h->name);
	int k, b;

	/* only nanosecond histograms, the unit converted to seconds */
	if (!ctl_has_suffix(h->name, "_ns"))
		return;
	snprintf(base, sizeof(base), "%.*s_seconds", (int)(len - 3), h->name);
	help = ctl_prom_find_help(ctl_prom_hist_help, CTL_ARRAY_SIZE(ctl_prom_hist_help), h->name);
	if (!help)
		help = "A latency histogram of the module (debugfs hist).";
	ctl_prom_family(f, base, "histogram", help);
	for (b = 0; b < h->nbuckets; b++)
		total += h->bucket[b].count;
	for (k = CTL_PROM_LE_FIRST; k <= CTL_PROM_LE_LAST; k++) {
		unsigned long long hi = (1ULL << (k + 1)) - 1;

		for (b = 0, cum = 0; b < h->nbuckets; b++)
			if (h->bucket[b].hi <= hi)
				cum += h->bucket[b].count;
		ctl_prom_seconds(le, sizeof(le), hi);
		fprintf(f, "%s%s_bucket{le=\"%s\"} %llu\n", CTL_PROM_PREFIX, base, le, cum);
	}
	/* +Inf and _count from the buckets: consistent even if a collapse
	 * was recorded between debugfs's reads of the count and the buckets */
	fprintf(f, "%s%s_bucket{le=\"+Inf\"} %llu\n", CTL_PROM_PREFIX, base, total);
	ctl_prom_seconds(le, sizeof(le), h->sum);
	fprintf(f, "%s%s_sum %s\n", CTL_PROM_PREFIX, base, le);
	fprintf(f, "%s%s_count %llu\n", CTL_PROM_PREFIX, base, total);

	snprintf(name, sizeof(name), "%.*s_max_seconds", (int)(len - 3), h->name);
	snprintf(help_max, sizeof(help_max),
		 "The largest %s recorded since load or reset, in seconds.", h->name);
	ctl_prom_family(f, name, "gauge", help_max);
	ctl_prom_seconds(le, sizeof(le), h->max);
	fprintf(f, "%s%s %s\n", CTL_PROM_PREFIX, name, le);
}

static void ctl_prom_print(FILE *f, const struct ctl_prom *p)
{
	int i;

	ctl_prom_family(f, "up", "gauge",
			"1: the collapse_guard module is loaded and its statistics were read; 0: not loaded.");
	fprintf(f, "%sup %d\n", CTL_PROM_PREFIX, p->up);
	if (!p->up)
		return;
	if (p->have_mode)
		ctl_prom_mode(f, p->mode_line);
	ctl_prom_stats(f, p);
	for (i = 0; p->have_hists && i < p->hists.n; i++)
		ctl_prom_hist(f, &p->hists.hist[i]);
}

/* Everything from the live module; up 0 if it is not loaded. */
static void ctl_prom_load_live(struct ctl_prom *p)
{
	char path[PATH_MAX];

	ctl_debugfs_path(path, sizeof(path), "stats");
	if (cgu_stats_load(path, &p->stats)) {
		if (errno == ENOENT && !ctl_module_loaded())
			return;
		ctl_fail_io("cannot read", path);
	}
	p->up = true;
	ctl_state_split(&p->stats, &p->state);
	if (ctl_state_load(&p->state)) {
		ctl_debugfs_path(path, sizeof(path), "state");
		ctl_fail_io("cannot read", path);
	}
	ctl_mode_path(path, sizeof(path));
	p->have_mode = !ctl_read_line(path, p->mode_line, sizeof(p->mode_line)) &&
		       strchr(p->mode_line, '[');
	ctl_debugfs_path(path, sizeof(path), "hist");
	ctl_hist_load(&p->hists, path);
	p->have_hists = true;
}

/* Files that are not the module's: errors without the module's hints. */
static cgu_noreturn void ctl_prom_fail(const char *what, const char *path, int err)
{
	fprintf(stderr, "cgctl: %s %s: %s\n", what, path, strerror(err));
	exit(CTL_EXIT_FAIL);
}

/* Writes to a temporary file next to @output, then renames it over
 * @output: a reader (node_exporter) sees the old file or the new one. The
 * temporary name does not end in .prom, which the textfile collector skips. */
static int ctl_prom_write_atomic(const struct ctl_prom *p, const char *output)
{
	char tmp[PATH_MAX];
	FILE *f;
	int fd, err;

	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", output) >= (int)sizeof(tmp))
		ctl_prom_fail("cannot write", output, ENAMETOOLONG);
	fd = mkstemp(tmp);
	if (fd < 0)
		ctl_prom_fail("cannot create a temporary file for", output, errno);
	f = fdopen(fd, "w");
	if (!f || fchmod(fd, 0644))
		goto fail;
	ctl_prom_print(f, p);
	if (fflush(f) || ferror(f) || fsync(fd))
		goto fail;
	if (fclose(f) || rename(tmp, output))
		goto fail;
	return CTL_EXIT_OK;
fail:
	err = errno;
	unlink(tmp);
	ctl_prom_fail("cannot write", output, err);
}

/* A saved copy: its own errors, not the live files' hints. */
static void ctl_prom_load_saved(struct ctl_prom *p, const char *stats_file,
				const char *hist_file)
{
	if (access(stats_file, R_OK))
		ctl_prom_fail("cannot read", stats_file, errno);
	if (hist_file && access(hist_file, R_OK))
		ctl_prom_fail("cannot read", hist_file, errno);
	if (cgu_stats_load(stats_file, &p->stats)) {
		if (errno == EINVAL) {
			fprintf(stderr, "cgctl: %s is not a collapse_guard stats file (a malformed or repeated line)\n",
				stats_file);
			exit(CTL_EXIT_FAIL);
		}
		ctl_prom_fail("cannot read", stats_file, errno);
	}
	ctl_state_split(&p->stats, &p->state);
	p->up = true;
	if (hist_file) {
		ctl_hist_load(&p->hists, hist_file);
		p->have_hists = true;
	}
}

int ctl_prom_run(const char *stats_file, const char *hist_file, const char *output)
{
	static struct ctl_prom p;

	memset(&p, 0, sizeof(p));
	if (stats_file)
		ctl_prom_load_saved(&p, stats_file, hist_file);
	else
		ctl_prom_load_live(&p);
	if (output)
		return ctl_prom_write_atomic(&p, output);
	ctl_prom_print(stdout, &p);
	if (fflush(stdout) || ferror(stdout))
		ctl_prom_fail("cannot write", "the metrics", errno);
	return CTL_EXIT_OK;
}
