// SPDX-License-Identifier: GPL-2.0
/*
 * st_mutator.c - cg_stress: the owner of a data file. Writes new generations
 * (pwrite, stores through a mapping), punches holes, allocates, truncates
 * and extends, pages out. Every change of a page is inside its seqlock.
 */
#include "st.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define ST_MAX_RUN	32

struct st_mut {
	struct st_ctx *c;
	struct st_file *f;
	unsigned char *map;
	uint64_t rng;
	uint32_t next_gen;
	unsigned char buf[ST_MAX_RUN][CG_PAGE_SIZE];
};

static void st_mut_begin(struct st_mut *m, size_t first, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		st_page_begin(st_page(m->c, m->f, first + i));
}

static void st_mut_end(struct st_mut *m, size_t first, size_t n, uint32_t gen)
{
	size_t i;

	for (i = 0; i < n; i++)
		st_page_end(st_page(m->c, m->f, first + i), gen);
}

static void st_mut_write(struct st_mut *m, size_t first, size_t n, bool mapped)
{
	uint32_t gen = m->next_gen++;
	size_t i;

	for (i = 0; i < n; i++)
		cgu_pattern_fill_page(m->buf[i], st_seed(m->f, gen), first + i);
	st_mut_begin(m, first, n);
	if (mapped) {
		memcpy(m->map + first * CG_PAGE_SIZE, m->buf, n * CG_PAGE_SIZE);
		st_count(m->c, ST_MUT_MAPWRITE, 1);
	} else {
		if (pwrite(m->f->fd, m->buf, n * CG_PAGE_SIZE,
			   (off_t)(first * CG_PAGE_SIZE)) != (ssize_t)(n * CG_PAGE_SIZE))
			cgu_setup_fail_errno("pwrite file %llu", (unsigned long long)m->f->id);
		st_count(m->c, ST_MUT_PWRITE, 1);
	}
	st_mut_end(m, first, n, gen);
}

static void st_mut_punch(struct st_mut *m, size_t first, size_t n)
{
	st_mut_begin(m, first, n);
	if (fallocate(m->f->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		      (off_t)(first * CG_PAGE_SIZE), (off_t)(n * CG_PAGE_SIZE)))
		cgu_setup_fail_errno("punch hole in file %llu", (unsigned long long)m->f->id);
	st_mut_end(m, first, n, 0);
	st_count(m->c, ST_MUT_PUNCH, 1);
}

/* fallocate (no content change: holes become zero-filled pages). It may
 * fail with ENOSPC/ENOMEM under the memory limit: that is not a bug. */
static void st_mut_allocate(struct st_mut *m, size_t first, size_t n)
{
	if (!fallocate(m->f->fd, 0, (off_t)(first * CG_PAGE_SIZE),
		       (off_t)(n * CG_PAGE_SIZE)))
		st_count(m->c, ST_MUT_FALLOCATE, 1);
	else if (errno != ENOSPC && errno != ENOMEM)
		st_fail(m->c, "fallocate of file %llu: %s", (unsigned long long)m->f->id,
			cgu_errno_name(errno));
}

/* Shrink to a random page in the second half, extend back: the tail is a
 * hole again. */
static void st_mut_truncate(struct st_mut *m)
{
	size_t n = m->f->npages;
	size_t keep = n / 2 + cgu_rand(&m->rng) % (n / 2);
	off_t full = (off_t)(n * CG_PAGE_SIZE);

	st_mut_begin(m, keep, n - keep);
	if (ftruncate(m->f->fd, (off_t)(keep * CG_PAGE_SIZE)) ||
	    ftruncate(m->f->fd, full))
		cgu_setup_fail_errno("truncate file %llu", (unsigned long long)m->f->id);
	st_mut_end(m, keep, n - keep, 0);
	st_count(m->c, ST_MUT_TRUNCATE, 1);
}

static void st_mut_pageout(struct st_mut *m, size_t first, size_t n)
{
	if (!madvise(m->map + first * CG_PAGE_SIZE, n * CG_PAGE_SIZE, MADV_PAGEOUT))
		st_count(m->c, ST_MUT_PAGEOUT, 1);
	else if (errno != ENOMEM && errno != EAGAIN)
		st_fail(m->c, "MADV_PAGEOUT of file %llu: %s", (unsigned long long)m->f->id,
			cgu_errno_name(errno));
}

static void st_mut_step(struct st_mut *m)
{
	size_t n = 1 + cgu_rand(&m->rng) % ST_MAX_RUN;
	size_t first = cgu_rand(&m->rng) % (m->f->npages - n + 1);
	unsigned int op = cgu_rand(&m->rng) % 100;

	if (op < 35)
		st_mut_write(m, first, n, false);
	else if (op < 55)
		st_mut_write(m, first, n, true);
	else if (op < 80)
		st_mut_punch(m, first, n);
	else if (op < 88)
		st_mut_allocate(m, first, n);
	else if (op < 93)
		st_mut_pageout(m, first, n);
	else
		st_mut_truncate(m);
}

void st_mutator(struct st_ctx *c, struct st_file *f, uint64_t seed)
{
	static struct st_mut m;

	m.c = c;
	m.f = f;
	m.rng = seed;
	m.next_gen = 1;
	m.map = st_map_file(f, false);
	while (!st_stopping(c)) {
		st_mut_step(&m);
		usleep(cgu_rand(&m.rng) % 2000);
	}
}
