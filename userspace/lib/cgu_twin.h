/* SPDX-License-Identifier: GPL-2.0 */
/* cgu_twin.h - one memfd mapped twice, with chosen holes. */
#ifndef CGU_TWIN_H
#define CGU_TWIN_H

#include "cgu_base.h"

/* A PMD-sized memfd mapped twice at PMD-aligned addresses: a (the mapping
 * that gets registered with userfaultfd) and b (the one that is collapsed). */
struct cgu_twin {
	int fd;
	size_t len, npages;
	unsigned char *a, *b;
};

void cgu_twin_create(struct cgu_twin *t, const char *name);
/* Write the pattern through b into every page that is not a hole. */
void cgu_twin_fill(const struct cgu_twin *t, const bool *hole, uint64_t seed);
void cgu_twin_destroy(struct cgu_twin *t);
/* Mark nholes distinct random pages (never page 0) as holes. */
void cgu_pick_holes(bool *hole, size_t npages, size_t nholes, uint64_t *rng);

#endif /* CGU_TWIN_H */
