// SPDX-License-Identifier: GPL-2.0
/* st_report.c - cg_stress: the final table and the progress file. */
#include "st.h"

#include <stdio.h>

struct st_section {
	const char *title;
	enum st_counter first, last;
};

static const struct st_section st_sections[] = {
	{ "operations on the files", ST_MUT_PWRITE, ST_MUT_PAGEOUT },
	{ "MADV_COLLAPSE by outcome", ST_COLLAPSE_CALLS, ST_COLLAPSE_OTHER },
	{ "readers", ST_READ_PREAD, ST_PAGES_VERIFIED },
	{ "userfaultfd MISSING", ST_MISSING_CYCLES, ST_MISSING_UNGUARDED_LOST },
	{ "userfaultfd MINOR", ST_MINOR_CYCLES, ST_MINOR_LOST },
	{ "userfaultfd WP", ST_WP_CYCLES, ST_WP_LOST },
	{ "modes and module", ST_TOGGLE_SWITCHES, ST_TOGGLE_DRAIN_TIMEOUTS },
	{ "result", ST_FAILURES, ST_FAILURES },
};

void st_report(const struct st_ctx *c, FILE *out)
{
	size_t s;
	int i;

	fprintf(out, "== cg_stress: %lu s, seed %llu, %zu files of %lu MiB ==\n",
		c->o.seconds, (unsigned long long)c->o.seed, c->nfiles, c->o.file_mb);
	for (s = 0; s < sizeof(st_sections) / sizeof(st_sections[0]); s++) {
		fprintf(out, "-- %s\n", st_sections[s].title);
		for (i = st_sections[s].first; i <= (int)st_sections[s].last; i++)
			fprintf(out, "   %-32s %12lu\n", st_counter_names[i],
				st_counter(c, i));
	}
}

void st_status_write(const struct st_ctx *c)
{
	FILE *f;

	if (!c->o.status || !(f = fopen(c->o.status, "w")))
		return;
	fprintf(f, "collapses=%lu missing_cycles=%lu guarded_cycles=%lu failures=%lu\n",
		st_counter(c, ST_COLLAPSE_CALLS), st_counter(c, ST_MISSING_CYCLES),
		st_counter(c, ST_MISSING_GUARDED), st_counter(c, ST_FAILURES));
	fclose(f);
}
