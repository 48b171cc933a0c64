// SPDX-License-Identifier: GPL-2.0
/*
 * st_uffd.c - cg_stress: the userfaultfd workers, each the owner of its file.
 *
 * MISSING: each cycle empties the file, writes a random part of it, maps it
 * afresh and registers MISSING, then takes the holes (SEEK_HOLE, after the
 * registration: a collapse that checked before it may still fill them, as
 * on upstream), waits while the collapsers work, and touches every page:
 * each hole must raise one event and read what UFFDIO_COPY put there, every
 * other page none. The run fails on a lost event or a hole filled behind the
 * handler's back only in cycles the guard covered all along (st_guard_held);
 * the others (mode off or observe, module out) count what the stock kernel
 * lost.
 *
 * MINOR: the file is written whole with a few holes punched; a fresh
 * mapping registered MINOR must raise an event at the first touch of every
 * page that holds data.
 * WP: a fresh mapping, populated, registered WP and write-protected whole;
 * the first write to each page must raise exactly one event.
 */
#include "st.h"

#include <assert.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/userfaultfd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

struct st_uw {
	struct st_ctx *c;
	struct st_file *f;
	struct st_touch t;
	uint64_t rng;
	uint32_t gen;
	bool *hole;		/* per page: a hole when the cycle looked */
	bool *written;		/* per page: written this cycle */
};

static void st_uw_init(struct st_uw *w, struct st_ctx *c, struct st_file *f,
		       uint64_t seed, enum cgu_probe_kind kind, uint64_t features)
{
	size_t n = f->npages;

	w->c = c;
	w->f = f;
	w->rng = seed;
	w->hole = calloc(n, sizeof(*w->hole));
	w->written = calloc(n, sizeof(*w->written));
	w->t.events = calloc(n, sizeof(*w->t.events));
	w->t.events_at_touch = calloc(n, sizeof(*w->t.events_at_touch));
	w->t.copy_found = calloc(n, sizeof(*w->t.copy_found));
	w->t.images = malloc(n * CG_PAGE_SIZE);
	if (!w->hole || !w->written || !w->t.events || !w->t.events_at_touch ||
	    !w->t.copy_found || !w->t.images)
		cgu_setup_fail("out of memory");
	w->t.uffd = cgu_uffd_open(features);
	w->t.kind = kind;
	w->t.f = f;
	w->t.npages = n;
	w->t.rng = cgu_rand(&w->rng);
}

static void st_uw_begin_all(struct st_uw *w)
{
	size_t p;

	for (p = 0; p < w->f->npages; p++)
		st_page_begin(st_page(w->c, w->f, p));
}

/* Publish what each page holds now (written or delivered: this cycle's
 * generation; else zeros). */
static void st_uw_end_all(struct st_uw *w, const bool *has_gen)
{
	size_t p;

	for (p = 0; p < w->f->npages; p++)
		st_page_end(st_page(w->c, w->f, p), has_gen[p] ? w->gen : 0);
}

static void st_uw_punch_all(struct st_uw *w)
{
	if (fallocate(w->f->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0,
		      (off_t)(w->f->npages * CG_PAGE_SIZE)))
		cgu_setup_fail_errno("punch file %llu", (unsigned long long)w->f->id);
}

static void st_uw_write_page(struct st_uw *w, size_t p)
{
	unsigned char buf[CG_PAGE_SIZE];

	cgu_pattern_fill_page(buf, st_seed(w->f, w->gen), p);
	if (pwrite(w->f->fd, buf, sizeof(buf), (off_t)(p * CG_PAGE_SIZE)) !=
	    (ssize_t)sizeof(buf))
		cgu_setup_fail_errno("pwrite file %llu", (unsigned long long)w->f->id);
	w->written[p] = true;
}

/* Pages per 1000 that hold data: most, half or few. */
static unsigned int st_uw_density(struct st_uw *w)
{
	static const unsigned int d[] = { 990, 900, 500, 50 };

	return d[cgu_rand(&w->rng) % 4];
}

static void st_uw_window(struct st_uw *w, unsigned int max_ms)
{
	usleep((useconds_t)(cgu_rand(&w->rng) % (max_ms * 1000 + 1)));
}

static unsigned char *st_uw_map_register(struct st_uw *w, uint64_t mode)
{
	unsigned char *map = st_map_file(w->f, false);

	if (cgu_uffd_register(w->t.uffd, map, w->f->npages * CG_PAGE_SIZE, mode))
		cgu_setup_fail_errno("UFFDIO_REGISTER file %llu", (unsigned long long)w->f->id);
	w->t.map = map;
	return map;
}

static void st_uw_unmap(struct st_uw *w)
{
	munmap(w->t.map, w->f->npages * CG_PAGE_SIZE);
	w->t.map = NULL;
}

/* The end of a MINOR or WP cycle: unmap, publish the pages (all written
 * ones hold this cycle's generation), count. cycles is ST_MINOR_CYCLES or
 * ST_WP_CYCLES; expected, received and lost follow it in the enum. */
static void st_uw_finish(struct st_uw *w, enum st_counter cycles,
			 unsigned long expected, unsigned long received)
{
	st_uw_unmap(w);
	st_uw_end_all(w, w->written);
	st_count(w->c, cycles, 1);
	st_count(w->c, cycles + 1, expected);
	st_count(w->c, cycles + 2, received);
	st_count(w->c, cycles + 3, expected - received);
}
static_assert(ST_MINOR_LOST == ST_MINOR_CYCLES + 3 && ST_WP_LOST == ST_WP_CYCLES + 3,
	      "st_uw_finish() counts four counters in a row");

/* ---- MISSING ---- */

struct st_missing_tally {
	unsigned long expected, received, lost, filled, unexpected, data_as_hole;
};

/*
 * One page after the touch. A hole at registration must have raised an
 * event and hold what UFFDIO_COPY installed; if the copy found a page there
 * (EEXIST), something filled the hole behind the handler's back, and the
 * toucher read that instead. Data pages raise no event.
 */
static void st_missing_check_page(struct st_uw *w, size_t p, bool strict,
				  struct st_missing_tally *tl, bool *has_gen)
{
	unsigned int ev = w->t.events_at_touch[p];
	bool written = w->written[p];
	uint32_t want = written ? w->gen : 0;
	const char *fault = NULL;

	if (w->hole[p]) {
		tl->expected++;
		if (ev)
			tl->received++;
		if (!ev)
			fault = "a hole at registration, touched without an event";
		else if (w->t.copy_found[p])
			fault = "a hole at registration, filled before UFFDIO_COPY";
		if (fault) {
			tl->lost++;
			want = 0;	/* what the filler left */
		} else {
			want = w->gen;
		}
	} else if (ev) {
		tl->unexpected++;
		st_fail(w->c, "missing: file %llu page %zu held data at registration but raised %u event(s)",
			(unsigned long long)w->f->id, p, ev);
	}
	if (fault && strict)
		st_fail(w->c, "missing: file %llu page %zu: %s",
			(unsigned long long)w->f->id, p, fault);
	has_gen[p] = want != 0;
	if (!fault || strict) {
		char where[96];

		snprintf(where, sizeof(where), "missing touch (%s, %s, %u events)",
			 w->hole[p] ? "hole" : "data", written ? "written" : "not written", ev);
		st_check_image(w->c, w->f, p, want, w->t.images[p], where);
	}
}

static void st_missing_cycle(struct st_uw *w)
{
	struct st_missing_tally tl = { 0 };
	size_t n = w->f->npages, p;
	unsigned int density = st_uw_density(w);
	unsigned long epoch;
	bool guarded, strict, *has_gen = w->written;
	uint64_t started = cgu_now_ns();

	w->gen++;
	st_uw_begin_all(w);
	st_uw_punch_all(w);
	memset(w->written, 0, n * sizeof(*w->written));
	for (p = 0; p < n; p++)
		if (cgu_rand(&w->rng) % 1000 < density)
			st_uw_write_page(w, p);
	st_uw_window(w, 20);
	epoch = st_guard_snapshot(w->c, &guarded);
	st_uw_map_register(w, UFFDIO_REGISTER_MODE_MISSING);
	/* Right after the registration: from here on, under guard, no hole
	 * may be filled. A written page that SEEK_HOLE calls a hole is stock
	 * 6.1's not-uptodate huge page (docs/deploying.md, Limits), never a hole. */
	for (p = 0; p < n; p++) {
		bool seen_hole = cgu_page_is_hole(w->f->fd, p);

		w->hole[p] = seen_hole && !w->written[p];
		if (seen_hole && w->written[p])
			tl.data_as_hole++;
	}
	st_uw_window(w, 40);
	for (p = 0; p < n; p++)
		if (w->hole[p] && !cgu_page_is_hole(w->f->fd, p))
			tl.filled++;
	w->t.gen = w->gen;
	st_touch_run(w->c, &w->t);
	strict = st_guard_held(w->c, guarded, epoch);
	for (p = 0; p < n; p++)
		st_missing_check_page(w, p, strict, &tl, has_gen);
	st_uw_unmap(w);
	st_uw_end_all(w, has_gen);

	st_note_missing_cycle(w->c, cgu_now_ns() - started);
	st_count(w->c, ST_MISSING_CYCLES, 1);
	st_count(w->c, ST_MISSING_EXPECTED, tl.expected);
	st_count(w->c, ST_MISSING_RECEIVED, tl.received);
	if (strict) {
		st_count(w->c, ST_MISSING_GUARDED, 1);
		st_count(w->c, ST_MISSING_LOST, tl.lost);
		st_count(w->c, ST_MISSING_FILLED, tl.filled);
		if (tl.filled)
			st_fail(w->c, "missing: file %llu: %lu hole(s) filled behind the handler's back under guard",
				(unsigned long long)w->f->id, tl.filled);
		if (tl.data_as_hole)
			st_fail(w->c, "missing: file %llu: %lu written page(s) reported as holes under guard",
				(unsigned long long)w->f->id, tl.data_as_hole);
	} else {
		st_count(w->c, ST_MISSING_UNGUARDED_LOST, tl.lost);
		st_count(w->c, ST_READ_SEEK_UNGUARDED, tl.data_as_hole);
	}
}

void st_missing_worker(struct st_ctx *c, struct st_file *f, uint64_t seed)
{
	static struct st_uw w;

	st_uw_init(&w, c, f, seed, CG_PROBE_MISSING, 0);
	while (!st_stopping(c))
		st_missing_cycle(&w);
}

/* ---- MINOR ---- */

static void st_minor_cycle(struct st_uw *w)
{
	size_t n = w->f->npages, p, holes = 1 + cgu_rand(&w->rng) % 16;
	unsigned long expected = 0, received = 0;

	w->gen++;
	st_uw_begin_all(w);
	for (p = 0; p < n; p++)
		st_uw_write_page(w, p);
	while (holes--) {
		p = cgu_rand(&w->rng) % n;
		if (fallocate(w->f->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			      (off_t)(p * CG_PAGE_SIZE), CG_PAGE_SIZE))
			cgu_setup_fail_errno("punch file %llu", (unsigned long long)w->f->id);
		w->written[p] = false;
	}
	st_uw_map_register(w, UFFDIO_REGISTER_MODE_MINOR);
	st_uw_window(w, 20);
	w->t.gen = w->gen;
	st_touch_run(w->c, &w->t);
	for (p = 0; p < n; p++) {
		if (w->written[p]) {
			expected++;
			if (w->t.events_at_touch[p])
				received++;
			else
				st_fail(w->c, "minor: file %llu page %zu: first touch of a cached page without an event",
					(unsigned long long)w->f->id, p);
		}
		st_check_image(w->c, w->f, p, w->written[p] ? w->gen : 0,
			       w->t.images[p], "minor touch");
	}
	st_uw_finish(w, ST_MINOR_CYCLES, expected, received);
}

void st_minor_worker(struct st_ctx *c, struct st_file *f, uint64_t seed)
{
	static struct st_uw w;

	st_uw_init(&w, c, f, seed, CG_PROBE_MINOR, UFFD_FEATURE_MINOR_SHMEM);
	while (!st_stopping(c))
		st_minor_cycle(&w);
}

/* ---- WP ---- */

static void st_wp_cycle(struct st_uw *w)
{
	size_t n = w->f->npages, p, len = n * CG_PAGE_SIZE;
	unsigned long received = 0;
	unsigned char *map, img[CG_PAGE_SIZE];

	st_uw_begin_all(w);
	w->gen++;
	for (p = 0; p < n; p++)
		st_uw_write_page(w, p);
	map = st_uw_map_register(w, UFFDIO_REGISTER_MODE_WP);
	for (p = 0; p < n; p++)
		(void)*(volatile unsigned char *)(map + p * CG_PAGE_SIZE);
	if (cgu_uffd_writeprotect(w->t.uffd, map, len, true))
		cgu_setup_fail_errno("UFFDIO_WRITEPROTECT file %llu", (unsigned long long)w->f->id);
	st_uw_window(w, 20);
	w->gen++;
	w->t.gen = w->gen;
	st_touch_run(w->c, &w->t);
	for (p = 0; p < n; p++) {
		if (w->t.events_at_touch[p] == 1)
			received++;
		else
			st_fail(w->c, "wp: file %llu page %zu: %u events for the first write to a protected page",
				(unsigned long long)w->f->id, p, w->t.events_at_touch[p]);
		if (pread(w->f->fd, img, sizeof(img), (off_t)(p * CG_PAGE_SIZE)) !=
		    (ssize_t)sizeof(img))
			cgu_setup_fail_errno("pread file %llu", (unsigned long long)w->f->id);
		st_check_image(w->c, w->f, p, w->gen, img, "wp write");
	}
	st_uw_finish(w, ST_WP_CYCLES, n, received);
}

void st_wp_worker(struct st_ctx *c, struct st_file *f, uint64_t seed)
{
	static struct st_uw w;

	st_uw_init(&w, c, f, seed, CG_PROBE_WP, UFFD_FEATURE_WP_HUGETLBFS_SHMEM);
	while (!st_stopping(c))
		st_wp_cycle(&w);
}
