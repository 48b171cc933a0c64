// SPDX-License-Identifier: GPL-2.0
/*
 * race_truncate - MADV_COLLAPSE racing with truncation and hole punching.
 *
 * Each iteration: a 2 MiB memfd with holes, mapped once (B). A collapser
 * thread runs MADV_COLLAPSE on B in a loop while a mutator thread applies a
 * random sequence of operations, one after the other:
 *   punch  p   fallocate(PUNCH_HOLE|KEEP_SIZE) of page p   -> p reads zeros
 *   write  p   pwrite() of a fresh pattern into page p     -> p holds it
 *   shrink n   ftruncate() to n pages                      -> pages >= n gone
 *   grow       ftruncate() back to 2 MiB                   -> new pages zero
 * A collapse never changes what a file holds, so the file must always equal
 * the model obtained by applying the completed operations in order:
 *   - after each operation, its page read through B (inside the file size:
 *     no SIGBUS allowed) shows the modelled contents;
 *   - at the end (size back to 2 MiB), every page read with pread() and
 *     through B equals the model;
 *   - MADV_COLLAPSE only ever returns 0, EINVAL, EAGAIN or ENOMEM; never
 *     EBUSY: no userfaultfd is registered and no memory cgroup limit
 *     applies, so that would be a wrong veto.
 * Reading one page past a shrunk end of file through B normally raises
 * SIGBUS; that is counted and reported (eof_sigbus / eof_mapped), not
 * asserted: stock kernels may map a huge page across EOF.
 *
 * Output: key=value lines. Exit 0 if every iteration held, 1 if not, 2 on
 * usage or setup errors.
 */
#include "cgu.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static const char usage[] =
	"usage: race_truncate [--iterations N] [--ops N] [--holes K] [--seed N]\n"
	"  --iterations N   rounds (default 60)\n"
	"  --ops N          mutator operations per round (default 24)\n"
	"  --holes K        initial holes per 2 MiB memfd (default 16)\n";

enum op { OP_PUNCH, OP_WRITE, OP_SHRINK, OP_GROW };

struct opts {
	struct cgu_race_opts race;	/* --iterations, --holes, --seed */
	unsigned long ops;
};

/* Modelled contents: 0 = zeros, otherwise the pattern seed of the page. */
struct model {
	uint64_t seed[CG_MAX_RANGE_PAGES];
	size_t size;		/* file size in pages */
};

struct shared {
	struct cgu_twin *t;
	struct model *m;
	uint64_t rng, op_gap_ns, next_seed;
	unsigned long nops, iter;
	atomic_bool done;
	/* collapser results */
	unsigned long collapses, collapsed, einval, eagain, enomem;
	int bad_errno;
	/* mutator results */
	bool bad;
	unsigned long eof_sigbus, eof_mapped;
};

struct totals {
	unsigned long collapses, collapsed, einval, eagain, enomem, eof_sigbus, eof_mapped;
};


/* --ops N */
static bool parse_own_opt(int c, const char *arg, void *ctx)
{
	struct opts *o = ctx;

	if (c != 'o')
		return false;
	o->ops = cgu_parse_ulong(arg, "--ops", 1, 100000);
	return true;
}

static struct opts parse_args(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "ops", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = {
		.race = { .iterations = 60, .holes = 16, .seed = cgu_race_default_seed() },
		.ops = 24,
	};

	cgu_race_parse(argc, argv, longopts, usage, 256, &o.race, parse_own_opt, &o);
	return o;
}

/* Copy one page through the mapping; false if that raised SIGBUS. */
static bool read_mapped_page(const unsigned char *src, uint64_t *dst)
{
	return cgu_try_read(src, dst, CG_PAGE_SIZE);
}

static bool model_matches(const struct model *m, size_t page, const void *data,
			  struct cgu_mismatch *mm)
{
	enum cgu_expect kind = m->seed[page] ? CG_EXPECT_PATTERN : CG_EXPECT_ZERO;

	return cgu_check_page(data, kind, m->seed[page], page, mm);
}

/* Check page through B, inside the file size: must not SIGBUS. */
static bool check_mapped(struct shared *s, size_t page, const char *after)
{
	uint64_t buf[CG_PAGE_SIZE / 8];
	struct cgu_mismatch mm;

	if (!read_mapped_page(s->t->b + page * CG_PAGE_SIZE, buf)) {
		cgu_msg("FAIL: iteration=%lu SIGBUS reading page %zu (size %zu pages) after %s",
		       s->iter, page, s->m->size, after);
		return false;
	}
	if (!model_matches(s->m, page, buf, &mm)) {
		cgu_msg("FAIL: iteration=%lu page %zu wrong after %s", s->iter, page, after);
		cgu_report_mismatch("B", &mm);
		return false;
	}
	return true;
}

static void probe_past_eof(struct shared *s)
{
	uint64_t buf[CG_PAGE_SIZE / 8];

	if (s->m->size >= s->t->npages)
		return;
	if (read_mapped_page(s->t->b + s->m->size * CG_PAGE_SIZE, buf))
		s->eof_mapped++;
	else
		s->eof_sigbus++;
}

static bool do_punch(struct shared *s, size_t p)
{
	if (fallocate(s->t->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		      (off_t)(p * CG_PAGE_SIZE), CG_PAGE_SIZE))
		cgu_setup_fail_errno("punch page %zu", p);
	s->m->seed[p] = 0;
	return check_mapped(s, p, "punch");
}

static bool do_write(struct shared *s, size_t p)
{
	uint64_t buf[CG_PAGE_SIZE / 8];
	uint64_t seed = s->next_seed++;

	cgu_pattern_fill_page(buf, seed, p);
	if (pwrite(s->t->fd, buf, CG_PAGE_SIZE, (off_t)(p * CG_PAGE_SIZE)) != (ssize_t)CG_PAGE_SIZE)
		cgu_setup_fail_errno("pwrite page %zu", p);
	s->m->seed[p] = seed;
	return check_mapped(s, p, "write");
}

static void set_size(struct shared *s, size_t pages)
{
	size_t i;

	if (ftruncate(s->t->fd, (off_t)(pages * CG_PAGE_SIZE)))
		cgu_setup_fail_errno("ftruncate to %zu pages", pages);
	for (i = pages; i < s->t->npages; i++)
		s->m->seed[i] = 0;
	s->m->size = pages;
}

static bool do_shrink(struct shared *s, size_t pages)
{
	set_size(s, pages);
	probe_past_eof(s);
	return check_mapped(s, pages - 1, "shrink");
}

static bool apply_random_op(struct shared *s)
{
	uint64_t r = cgu_rand(&s->rng);
	size_t p = (size_t)(cgu_rand(&s->rng) % s->m->size);

	switch ((enum op)(r % 8 < 3 ? OP_PUNCH : r % 8 < 6 ? OP_WRITE :
			  r % 8 == 6 ? OP_SHRINK : OP_GROW)) {
	case OP_PUNCH:
		return do_punch(s, p);
	case OP_WRITE:
		return do_write(s, p);
	case OP_SHRINK:
		return do_shrink(s, 1 + (size_t)(cgu_rand(&s->rng) % (s->t->npages - 1)));
	case OP_GROW:
	default:
		set_size(s, s->t->npages);
		return true;
	}
}

static void *mutate_thread(void *arg)
{
	struct shared *s = arg;
	unsigned long i;

	for (i = 0; i < s->nops && !s->bad; i++) {
		cgu_spin_ns(cgu_rand(&s->rng) % (s->op_gap_ns + 1));
		s->bad = !apply_random_op(s);
	}
	set_size(s, s->t->npages);
	atomic_store(&s->done, true);
	return NULL;
}

static void count_collapse(struct shared *s, int ret, int err)
{
	s->collapses++;
	if (!ret)
		s->collapsed++;
	else if (err == EINVAL)
		s->einval++;
	else if (err == EAGAIN)
		s->eagain++;
	else if (err == ENOMEM)
		s->enomem++;
	else if (!s->bad_errno)
		s->bad_errno = err;
}

static void *collapse_thread(void *arg)
{
	struct shared *s = arg;

	while (!atomic_load(&s->done)) {
		int err, ret = cgu_collapse(s->t->b, s->t->len, &err);

		count_collapse(s, ret, err);
	}
	return NULL;
}

static int check_final(struct shared *s)
{
	uint64_t buf[CG_PAGE_SIZE / 8];
	struct cgu_mismatch mm;
	size_t i;

	for (i = 0; i < s->t->npages; i++) {
		if (pread(s->t->fd, buf, CG_PAGE_SIZE, (off_t)(i * CG_PAGE_SIZE)) != (ssize_t)CG_PAGE_SIZE)
			cgu_setup_fail_errno("pread page %zu", i);
		if (!model_matches(s->m, i, buf, &mm)) {
			cgu_msg("FAIL: iteration=%lu final contents differ from the model", s->iter);
			cgu_report_mismatch("file", &mm);
			return 1;
		}
		if (!check_mapped(s, i, "the last operation"))
			return 1;
	}
	return 0;
}

static void add_totals(struct totals *tot, const struct shared *s)
{
	tot->collapses += s->collapses;
	tot->collapsed += s->collapsed;
	tot->einval += s->einval;
	tot->eagain += s->eagain;
	tot->enomem += s->enomem;
	tot->eof_sigbus += s->eof_sigbus;
	tot->eof_mapped += s->eof_mapped;
}

static int run_iteration(const struct opts *o, unsigned long iter, uint64_t *rng,
			 struct totals *tot)
{
	static bool hole[CG_MAX_RANGE_PAGES];
	static struct model m;
	struct shared s = { .m = &m, .nops = o->ops, .iter = iter };
	struct cgu_twin t;
	pthread_t ct, mt;
	uint64_t seed = o->race.seed + iter * 1000;
	size_t i;
	int bad;

	cgu_twin_create(&t, "race_truncate");
	cgu_pick_holes(hole, t.npages, o->race.holes, rng);
	cgu_twin_fill(&t, hole, seed);
	for (i = 0; i < t.npages; i++)
		m.seed[i] = hole[i] ? 0 : seed;
	m.size = t.npages;
	cgu_madvise(t.b, t.len, MADV_HUGEPAGE, "MADV_HUGEPAGE");
	s.t = &t;
	s.rng = cgu_rand(rng) | 1;
	s.next_seed = seed + 1;
	s.op_gap_ns = 2000000;
	cgu_thread_start(&ct, collapse_thread, &s);
	cgu_thread_start(&mt, mutate_thread, &s);
	pthread_join(mt, NULL);
	pthread_join(ct, NULL);
	add_totals(tot, &s);
	bad = s.bad;
	if (!bad && s.bad_errno) {
		cgu_msg("FAIL: iteration=%lu MADV_COLLAPSE failed with unexpected errno %s",
		       iter, cgu_errno_name(s.bad_errno));
		bad = 1;
	}
	if (!bad)
		bad = check_final(&s);
	cgu_twin_destroy(&t);
	return bad;
}

int main(int argc, char **argv)
{
	struct totals tot = { 0 };
	unsigned long i;
	struct opts o;
	uint64_t rng;
	int bad = 0;

	cgu_init(argv[0]);
	o = parse_args(argc, argv);
	rng = o.race.seed | 1;
	cgu_sigbus_catch();
	printf("iterations=%lu ops=%lu holes=%zu seed=%llu\n", o.race.iterations, o.ops,
	       o.race.holes, (unsigned long long)o.race.seed);
	for (i = 0; i < o.race.iterations && !bad; i++) {
		cgu_watchdog(120, "an iteration");
		bad = run_iteration(&o, i, &rng, &tot);
	}
	cgu_watchdog(0, "");
	printf("done=%lu collapses=%lu collapsed=%lu einval=%lu eagain=%lu enomem=%lu eof_sigbus=%lu eof_mapped=%lu result=%s\n",
	       i, tot.collapses, tot.collapsed, tot.einval, tot.eagain, tot.enomem,
	       tot.eof_sigbus, tot.eof_mapped, bad ? "FAIL" : "ok");
	return bad ? CG_EXIT_FAIL : CG_EXIT_OK;
}
