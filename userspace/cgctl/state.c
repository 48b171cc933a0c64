// SPDX-License-Identifier: GPL-2.0
/*
 * state.c - the module's states (debugfs "state": mode, redirect_live,
 * <path>_available), apart from its counters.  A module of 0.3.0 has no
 * "state" file and prints the states among the counters of "stats"; until
 * the next release "stats" still does, and cgctl reads them from there
 * when "state" is missing.
 */
#include "cgctl.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

static const char *const ctl_state_names[] = {
#define CG_STATE(id, name, help) name,
#include "cg_names.h"
#undef CG_STATE
};

bool ctl_is_state(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(ctl_state_names) / sizeof(ctl_state_names[0]); i++)
		if (!strcmp(name, ctl_state_names[i]))
			return true;
	return false;
}

void ctl_state_split(struct cgu_stats *s, struct cgu_stats *st)
{
	int i, kept = 0;

	st->n = 0;
	for (i = 0; i < s->n; i++) {
		if (!ctl_is_state(s->stat[i].name))
			s->stat[kept++] = s->stat[i];
		else if (st->n < CGU_STATS_MAX)
			st->stat[st->n++] = s->stat[i];
	}
	s->n = kept;
}

/* One "name value" line: a number into @st, a word (mode) left out. */
static bool ctl_state_parse_line(const char *line, struct cgu_stats *st)
{
	char name[CGU_STAT_NAME_LEN], word[32], rest;
	long long value;

	if (sscanf(line, "%63[a-z0-9_] %lld %c", name, &value, &rest) == 2) {
		if (st->n == CGU_STATS_MAX || cgu_stats_find(st, name))
			return false;
		strcpy(st->stat[st->n].name, name);
		st->stat[st->n++].value = value;
		return true;
	}
	return sscanf(line, "%63[a-z0-9_] %31[a-z] %c", name, word, &rest) == 2;
}

static int ctl_state_parse(FILE *f, struct cgu_stats *st)
{
	char line[256];

	st->n = 0;
	while (fgets(line, sizeof(line), f)) {
		if (!ctl_state_parse_line(line, st)) {
			errno = EINVAL;
			return -1;
		}
	}
	return ferror(f) ? -1 : 0;
}

/* The states a module of 0.3.0 prints in "stats". */
static int ctl_state_from_stats(struct cgu_stats *st)
{
	static struct cgu_stats s;
	char path[PATH_MAX];

	ctl_debugfs_path(path, sizeof(path), "stats");
	if (cgu_stats_load(path, &s))
		return -1;
	ctl_state_split(&s, st);
	return 0;
}

int ctl_state_load(struct cgu_stats *st)
{
	char path[PATH_MAX];
	FILE *f;
	int ret, err;

	ctl_debugfs_path(path, sizeof(path), "state");
	f = fopen(path, "r");
	if (!f)
		return errno == ENOENT ? ctl_state_from_stats(st) : -1;
	ret = ctl_state_parse(f, st);
	err = errno;
	fclose(f);
	errno = err;
	return ret;
}

long long ctl_state_value(const char *name)
{
	static struct cgu_stats st;
	const struct cgu_stat *v;

	if (ctl_state_load(&st))
		return -1;
	v = cgu_stats_find(&st, name);
	return v ? v->value : -1;
}
