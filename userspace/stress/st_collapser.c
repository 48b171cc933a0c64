// SPDX-License-Identifier: GPL-2.0
/*
 * st_collapser.c - cg_stress: MADV_COLLAPSE on random PMD ranges of every
 * file, through two mappings of each (the inherited fd and the file re-opened
 * by its second path). Counts each outcome by errno; marks itself in a call
 * so that the toggler can wait for stock collapses to drain.
 */
#include "st.h"

#include <errno.h>
#include <unistd.h>

static void st_count_outcome(struct st_ctx *c, int ret, int err)
{
	enum st_counter k;

	if (!ret) {
		st_count(c, ST_COLLAPSE_OK, 1);
		return;
	}
	switch (err) {
	case EINVAL: k = ST_COLLAPSE_EINVAL; break;
	case EAGAIN: k = ST_COLLAPSE_EAGAIN; break;
	case ENOMEM: k = ST_COLLAPSE_ENOMEM; break;
	case EBUSY: k = ST_COLLAPSE_EBUSY; break;
	default:
		k = ST_COLLAPSE_OTHER;
		st_fail(c, "MADV_COLLAPSE failed with %s", cgu_errno_name(err));
		break;
	}
	st_count(c, k, 1);
}

void st_collapser(struct st_ctx *c, unsigned int id, uint64_t seed)
{
	unsigned char *maps[ST_MAX_FILES][2];
	size_t pmd = cgu_pmd_size();
	uint64_t rng = seed;
	size_t i;

	for (i = 0; i < c->nfiles; i++) {
		maps[i][0] = st_map_file(&c->files[i], false);
		maps[i][1] = st_map_file(&c->files[i], true);
	}
	while (!st_stopping(c)) {
		size_t fi = cgu_rand(&rng) % c->nfiles;
		const struct st_file *f = &c->files[fi];
		size_t ranges = f->npages * CG_PAGE_SIZE / pmd;
		unsigned char *addr = maps[fi][cgu_rand(&rng) & 1] +
				      (cgu_rand(&rng) % ranges) * pmd;
		int ret, err;

		atomic_fetch_add(&c->sh->in_call[id], 1);
		ret = cgu_collapse(addr, pmd, &err);
		atomic_fetch_add(&c->sh->in_call[id], 1);
		st_count(c, ST_COLLAPSE_CALLS, 1);
		st_count_outcome(c, ret, err);
		usleep(cgu_rand(&rng) % 3000);
	}
}
