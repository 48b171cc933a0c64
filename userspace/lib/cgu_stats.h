/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cgu_stats.h - the module's statistics: the one parser of the debugfs
 * "stats" format ("name value" per line), for cgctl and the test programs.
 */
#ifndef CGU_STATS_H
#define CGU_STATS_H

#include <stdio.h>

#include "cgu_base.h"

#define CGU_STATS_MAX		256
#define CGU_STAT_NAME_LEN	64

struct cgu_stat {
	char name[CGU_STAT_NAME_LEN];
	long long value;
};

struct cgu_stats {
	int n;
	struct cgu_stat stat[CGU_STATS_MAX];
};

/* Directory of the module's debugfs files ($CG_DEBUGFS overrides). */
const char *cgu_debugfs_dir(void);
/* Parse a stats file's text. 0, or -1 with errno EINVAL (a malformed line,
 * a duplicate or too many names). */
int cgu_stats_parse(FILE *f, struct cgu_stats *s);
/* Load and parse a stats file (path NULL: the module's live one). 0, or -1
 * with errno set. */
int cgu_stats_load(const char *path, struct cgu_stats *s);
/* The named statistic, or NULL. */
const struct cgu_stat *cgu_stats_find(const struct cgu_stats *s, const char *name);
/* Read one live statistic. 0, or -1 (errno set) if unreadable/absent. */
int cgu_stat_read(const char *name, long long *value);

#endif /* CGU_STATS_H */
