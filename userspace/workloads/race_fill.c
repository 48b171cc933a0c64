// SPDX-License-Identifier: GPL-2.0
/*
 * race_fill - MADV_COLLAPSE racing with writes into the holes.
 *
 * Each iteration: a 2 MiB memfd with holes is mapped (B; no userfaultfd).
 * One thread runs MADV_COLLAPSE on B while another fills a random subset of
 * the holes, each with pwrite() of a known page or fallocate() (which
 * allocates a zeroed page), in random order, after random delays.
 *
 * After both finish, nothing written may be lost and nothing may appear:
 *   - written pages hold the pattern, pwrite()n holes their page,
 *     fallocate()d holes and untouched holes read as zeros (pread and B);
 *   - MADV_COLLAPSE returned 0, or failed with EAGAIN (a hole got filled
 *     under it), EINVAL (a page busy, the range changing) or ENOMEM; never
 *     EBUSY: no userfaultfd is registered and no memory cgroup limit applies,
 *     so that would be a wrong veto;
 *   - the page cache agrees: filled holes are data; the holes nobody filled
 *     are all still holes (collapse failed) or all data (collapsed: a
 *     collapse is all or nothing), all data if MADV_COLLAPSE succeeded (then
 *     B is also PMD-mapped), and all holes if it failed while khugepaged
 *     cannot collapse shmem (with khugepaged running, it may have collapsed
 *     the range itself); st_blocks counts exactly the pages present.
 *
 * Output: key=value lines. Exit 0 if every iteration held, 1 if not, 2 on
 * usage or setup errors.
 */
#include "cgu.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static const char usage[] =
	"usage: race_fill [--iterations N] [--holes K] [--method pwrite|fallocate|both] [--seed N]\n"
	"  --iterations N   rounds (default 150)\n"
	"  --holes K        holes per 2 MiB memfd (default 16)\n"
	"  --method M       how holes are filled (default both: alternating)\n";

#define FILL_SEED	0xF111F111ULL

enum method { METHOD_PWRITE, METHOD_FALLOCATE, METHOD_BOTH };
static const char *const method_names[] = { "pwrite", "fallocate", "both", NULL };

/* What happened to each page. */
enum fate { FATE_DATA, FATE_HOLE, FATE_PWRITE, FATE_FALLOCATE };

struct opts {
	struct cgu_race_opts race;	/* --iterations, --holes, --seed */
	enum method method;
	bool others_collapse;	/* khugepaged may collapse shmem too */
};

/* The thread that fills holes while the collapse runs. */
struct filler {
	pthread_barrier_t *start;
	uint64_t delay_ns;
	int fd;
	enum fate *fate;
	size_t *order, norder;
};

struct totals {
	unsigned long collapsed, filled_under, refused, nomem, pwrites, fallocates;
};

/* --method M */
static bool parse_own_opt(int c, const char *arg, void *ctx)
{
	struct opts *o = ctx;

	if (c != 'm')
		return false;
	o->method = cgu_parse_word(arg, "--method", method_names);
	return true;
}

static struct opts parse_args(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "method", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = {
		.race = { .iterations = 150, .holes = 16, .seed = cgu_race_default_seed() },
		.method = METHOD_BOTH,
	};

	cgu_race_parse(argc, argv, longopts, usage, 256, &o.race, parse_own_opt, &o);
	return o;
}

static void fill_hole(int fd, size_t page, enum fate how)
{
	static __thread uint64_t buf[CG_PAGE_SIZE / 8];
	off_t off = (off_t)(page * CG_PAGE_SIZE);

	if (how == FATE_FALLOCATE) {
		if (fallocate(fd, 0, off, CG_PAGE_SIZE))
			cgu_setup_fail_errno("fallocate page %zu", page);
		return;
	}
	cgu_pattern_fill_page(buf, FILL_SEED, page);
	if (pwrite(fd, buf, CG_PAGE_SIZE, off) != (ssize_t)CG_PAGE_SIZE)
		cgu_setup_fail_errno("pwrite page %zu", page);
}

static void *fill_thread(void *arg)
{
	struct filler *r = arg;
	size_t i;

	cgu_race_wait_start(r->start, r->delay_ns);
	for (i = 0; i < r->norder; i++)
		fill_hole(r->fd, r->order[i], r->fate[r->order[i]]);
	return NULL;
}

/* Choose which holes get filled, how, and in which order. */
static size_t plan_fills(const struct opts *o, enum fate *fate, size_t npages,
			 size_t *order, uint64_t *rng)
{
	size_t i, n = 0;

	for (i = 0; i < npages; i++) {
		if (fate[i] != FATE_HOLE || cgu_rand(rng) % 3 == 0)
			continue;
		if (o->method == METHOD_BOTH)
			fate[i] = cgu_rand(rng) % 2 ? FATE_PWRITE : FATE_FALLOCATE;
		else
			fate[i] = o->method == METHOD_PWRITE ? FATE_PWRITE : FATE_FALLOCATE;
		order[n++] = i;
	}
	for (i = n; i > 1; i--) {	/* shuffle */
		size_t j = (size_t)(cgu_rand(rng) % i), tmp = order[i - 1];

		order[i - 1] = order[j];
		order[j] = tmp;
	}
	return n;
}

static bool page_ok(const struct cgu_twin *t, size_t page, enum fate f, uint64_t seed,
		    bool via_map, struct cgu_mismatch *mm)
{
	enum cgu_expect kind = f == FATE_DATA || f == FATE_PWRITE ?
			      CG_EXPECT_PATTERN : CG_EXPECT_ZERO;
	uint64_t s = f == FATE_PWRITE ? FILL_SEED : seed;

	if (!cgu_check_file_page(t->fd, kind, s, page, mm))
		return false;
	return !via_map || cgu_check_page(t->b + page * CG_PAGE_SIZE, kind, s, page, mm);
}

static int check_contents(const struct cgu_twin *t, const enum fate *fate, uint64_t seed,
			  unsigned long iter)
{
	struct cgu_mismatch mm;
	size_t i;

	for (i = 0; i < t->npages; i++) {
		/* Reading a hole through B would fill it: holes only with pread. */
		bool via_map = fate[i] != FATE_HOLE;

		if (!page_ok(t, i, fate[i], seed, via_map, &mm)) {
			cgu_msg("FAIL: iteration=%lu page %zu (fate %d) lost its contents",
			       iter, i, fate[i]);
			cgu_report_mismatch("file or B", &mm);
			return 1;
		}
	}
	return 0;
}

/* Whether the holes nobody filled were filled by a collapse: from the first
 * one; the others must agree (checked by the caller). When the filler
 * filled every hole there is nothing to tell: answer if_none. */
static bool unfilled_holes_collapsed(const struct cgu_twin *t, const enum fate *fate,
				     bool if_none)
{
	size_t i;

	for (i = 0; i < t->npages; i++)
		if (fate[i] == FATE_HOLE)
			return !cgu_page_is_hole(t->fd, i);
	return if_none;
}

/* One look at the page cache; with report false, a failure is silent. */
static int check_page_cache(const struct cgu_twin *t, const enum fate *fate,
			    bool collapsed, bool others_collapse, unsigned long iter,
			    bool report)
{
	bool filled = unfilled_holes_collapsed(t, fate, collapsed);
	long present = 0;
	size_t i;

	if (filled != collapsed && !(filled && others_collapse)) {
		if (report)
			cgu_msg("FAIL: iteration=%lu MADV_COLLAPSE %s, but the holes nobody wrote are %s",
			       iter, collapsed ? "succeeded" : "failed", filled ? "data" : "holes");
		return 1;
	}
	for (i = 0; i < t->npages; i++) {
		bool want_hole = !filled && fate[i] == FATE_HOLE;

		if (cgu_page_is_hole(t->fd, i) != want_hole) {
			if (report)
				cgu_msg("FAIL: iteration=%lu page %zu: hole=%d, expected %d (collapsed=%d fate=%d)",
				       iter, i, !want_hole, want_hole, filled, fate[i]);
			return 1;
		}
		present += !want_hole;
	}
	if (cgu_file_pages(t->fd) != present) {
		if (report)
			cgu_msg("FAIL: iteration=%lu st_blocks counts %ld pages, %ld are present",
			       iter, cgu_file_pages(t->fd), present);
		return 1;
	}
	if (collapsed && cgu_smaps_kb(t->b, "ShmemPmdMapped") < (long)(t->len / 1024)) {
		if (report)
			cgu_msg("FAIL: iteration=%lu MADV_COLLAPSE succeeded but B is not PMD-mapped", iter);
		return 1;
	}
	return 0;
}

/* After a failure: the state of every page that was a hole at the start. */
static void dump_page_cache(const struct cgu_twin *t, const enum fate *fate)
{
	size_t i;

	fprintf(stderr, "%s: state: st_blocks_pages=%ld ShmemPmdMapped(B)=%ld first_hole=%lld pages:",
		cgu_prog, cgu_file_pages(t->fd), cgu_smaps_kb(t->b, "ShmemPmdMapped"),
		(long long)lseek(t->fd, 0, SEEK_HOLE));
	for (i = 0; i < t->npages; i++)
		if (fate[i] != FATE_DATA)
			fprintf(stderr, " %zu:%s:%s", i,
				fate[i] == FATE_HOLE ? "unfilled" :
				fate[i] == FATE_PWRITE ? "pwrite" : "fallocate",
				cgu_page_is_hole(t->fd, i) ? "hole" : "data");
	fputc('\n', stderr);
}

/*
 * With khugepaged running, it may complete a collapse of the range while
 * the state above is being read page by page, which looks like a partial
 * fill. A collapse happens at most once and is quick: look again (up to 5
 * times, 100 ms apart); a real inconsistency persists.
 */
static int check_page_cache_settled(const struct cgu_twin *t, const enum fate *fate,
				    bool collapsed, bool others_collapse,
				    unsigned long iter)
{
	int tries = others_collapse ? 5 : 1;

	while (check_page_cache(t, fate, collapsed, others_collapse, iter, tries == 1)) {
		if (--tries == 0) {
			dump_page_cache(t, fate);
			return 1;
		}
		cgu_sleep_ms(100);
	}
	return 0;
}

static int check_result(const struct cgu_collapse_racer *c, unsigned long iter, struct totals *tot)
{
	if (!c->ret)
		tot->collapsed++;
	else if (c->err == EAGAIN)
		tot->filled_under++;
	else if (c->err == EINVAL)
		tot->refused++;
	else if (c->err == ENOMEM)
		tot->nomem++;
	else {
		cgu_msg("FAIL: iteration=%lu MADV_COLLAPSE failed with unexpected errno %s%s",
			iter, cgu_errno_name(c->err), c->err == EBUSY ?
			" (a userfaultfd veto, but none is registered)" : "");
		return 1;
	}
	return 0;
}

static void count_methods(const enum fate *fate, size_t npages, struct totals *tot)
{
	size_t i;

	for (i = 0; i < npages; i++) {
		tot->pwrites += fate[i] == FATE_PWRITE;
		tot->fallocates += fate[i] == FATE_FALLOCATE;
	}
}

static int run_iteration(const struct opts *o, unsigned long iter, uint64_t *rng,
			 uint64_t *collapse_ns, struct totals *tot)
{
	static bool hole[CG_MAX_RANGE_PAGES];
	static enum fate fate[CG_MAX_RANGE_PAGES];
	static size_t order[CG_MAX_RANGE_PAGES];
	pthread_barrier_t start;
	struct cgu_collapse_racer c = { .start = &start };
	struct filler f = { .start = &start };
	uint64_t seed = o->race.seed + iter, window = *collapse_ns + *collapse_ns / 4;
	struct cgu_twin t;
	size_t i;
	int bad;

	cgu_twin_create(&t, "race_fill");
	cgu_pick_holes(hole, t.npages, o->race.holes, rng);
	for (i = 0; i < t.npages; i++)
		fate[i] = hole[i] ? FATE_HOLE : FATE_DATA;
	cgu_twin_fill(&t, hole, seed);
	cgu_madvise(t.b, t.len, MADV_HUGEPAGE, "MADV_HUGEPAGE");
	f.fd = t.fd;
	f.fate = fate;
	f.order = order;
	f.norder = plan_fills(o, fate, t.npages, order, rng);
	c.addr = t.b;
	c.len = t.len;
	if (cgu_rand(rng) % 4 == 0)
		c.delay_ns = cgu_rand(rng) % (window / 4 + 1);
	else
		f.delay_ns = cgu_rand(rng) % (window + 1);
	cgu_race_pair(&start, cgu_collapse_racer_thread, &c, fill_thread, &f);
	if (!c.ret)
		*collapse_ns = c.duration_ns;
	count_methods(fate, t.npages, tot);
	bad = check_result(&c, iter, tot);
	if (!bad)
		bad = check_contents(&t, fate, seed, iter);
	if (!bad)
		bad = check_page_cache_settled(&t, fate, !c.ret, o->others_collapse, iter);
	cgu_twin_destroy(&t);
	return bad;
}

int main(int argc, char **argv)
{
	struct totals tot = { 0 };
	uint64_t rng, collapse_ns = 20000000;
	unsigned long i;
	struct opts o;
	int bad = 0;

	cgu_init(argv[0]);
	o = parse_args(argc, argv);
	rng = o.race.seed | 1;
	o.others_collapse = cgu_khugepaged_may_collapse(true);
	printf("iterations=%lu holes=%zu method=%s khugepaged=%d seed=%llu\n", o.race.iterations,
	       o.race.holes, method_names[o.method], o.others_collapse,
	       (unsigned long long)o.race.seed);
	for (i = 0; i < o.race.iterations && !bad; i++) {
		cgu_watchdog(60, "an iteration");
		bad = run_iteration(&o, i, &rng, &collapse_ns, &tot);
	}
	cgu_watchdog(0, "");
	printf("done=%lu collapsed=%lu eagain=%lu refused=%lu enomem=%lu pwrites=%lu fallocates=%lu result=%s\n",
	       i, tot.collapsed, tot.filled_under, tot.refused, tot.nomem, tot.pwrites,
	       tot.fallocates, bad ? "FAIL" : "ok");
	return bad ? CG_EXIT_FAIL : CG_EXIT_OK;
}
