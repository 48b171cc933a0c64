// SPDX-License-Identifier: GPL-2.0
/* cgu_twin.c - one memfd mapped twice, with chosen holes. */
#include "cgu.h"

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

void cgu_twin_create(struct cgu_twin *t, const char *name)
{
	t->len = cgu_pmd_size();
	t->npages = t->len / CG_PAGE_SIZE;
	if (t->npages > CG_MAX_RANGE_PAGES)
		cgu_setup_fail("PMD size %zu: more than %d pages per range", t->len,
			      CG_MAX_RANGE_PAGES);
	t->fd = cgu_memfd(name, t->len);
	t->b = cgu_map_shared(t->fd, t->len);
	t->a = cgu_map_shared(t->fd, t->len);
}

void cgu_twin_fill(const struct cgu_twin *t, const bool *hole, uint64_t seed)
{
	size_t i;

	for (i = 0; i < t->npages; i++)
		if (!hole[i])
			cgu_pattern_fill_page(t->b + i * CG_PAGE_SIZE, seed, i);
}

void cgu_twin_destroy(struct cgu_twin *t)
{
	munmap(t->a, t->len);
	munmap(t->b, t->len);
	close(t->fd);
	t->fd = -1;
}

void cgu_pick_holes(bool *hole, size_t npages, size_t nholes, uint64_t *rng)
{
	size_t n = 0;

	memset(hole, 0, npages * sizeof(*hole));
	if (nholes > npages - 1)
		nholes = npages - 1;
	while (n < nholes) {
		size_t p = 1 + (size_t)(cgu_rand(rng) % (npages - 1));

		if (!hole[p]) {
			hole[p] = true;
			n++;
		}
	}
}
