// SPDX-License-Identifier: GPL-2.0
/* cgu_stats.c - the one parser of the module's debugfs "stats" format. */
#include "cgu_stats.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

const char *cgu_debugfs_dir(void)
{
	const char *dir = getenv("CG_DEBUGFS");

	return dir && *dir ? dir : "/sys/kernel/debug/collapse_guard";
}

/* One "name value" line into st; false if it is not one. */
static bool cgu_stat_parse_line(const char *line, struct cgu_stat *st)
{
	char name[CGU_STAT_NAME_LEN], rest;
	long long value;

	if (sscanf(line, "%63[a-z0-9_] %lld %c", name, &value, &rest) != 2)
		return false;
	strcpy(st->name, name);
	st->value = value;
	return true;
}

int cgu_stats_parse(FILE *f, struct cgu_stats *s)
{
	char line[256];

	s->n = 0;
	while (fgets(line, sizeof(line), f)) {
		struct cgu_stat st;

		if (!cgu_stat_parse_line(line, &st) || s->n == CGU_STATS_MAX ||
		    cgu_stats_find(s, st.name)) {
			errno = EINVAL;
			return -1;
		}
		s->stat[s->n++] = st;
	}
	return ferror(f) ? -1 : 0;
}

int cgu_stats_load(const char *path, struct cgu_stats *s)
{
	char live[PATH_MAX];
	FILE *f;
	int ret, err;

	if (!path) {
		snprintf(live, sizeof(live), "%s/stats", cgu_debugfs_dir());
		path = live;
	}
	f = fopen(path, "r");
	if (!f)
		return -1;
	ret = cgu_stats_parse(f, s);
	err = errno;
	fclose(f);
	errno = err;
	return ret;
}

const struct cgu_stat *cgu_stats_find(const struct cgu_stats *s, const char *name)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->stat[i].name, name))
			return &s->stat[i];
	return NULL;
}

int cgu_stat_read(const char *name, long long *value)
{
	static struct cgu_stats s;
	const struct cgu_stat *st;

	if (cgu_stats_load(NULL, &s))
		return -1;
	st = cgu_stats_find(&s, name);
	if (!st) {
		errno = ENOENT;
		return -1;
	}
	*value = st->value;
	return 0;
}
