// SPDX-License-Identifier: GPL-2.0
/*
 * race_uffd_register - MADV_COLLAPSE racing with UFFDIO_REGISTER.
 *
 * Each iteration: a 2 MiB memfd with some holes is mapped twice (A, B).
 * Thread "collapser" runs MADV_COLLAPSE on B while the main thread registers
 * A with userfaultfd in MISSING mode; both start from a barrier, each after
 * a random delay so the registration lands before, during or after the
 * collapse. Right after UFFDIO_REGISTER returns, the main thread looks at
 * every hole with lseek(SEEK_HOLE), then touches every hole through A
 * (answering missing-page events with UFFDIO_COPY of a known page).
 *
 * The invariant (what the fix guarantees, see the 2023 thread "mm/khugepaged:
 * skip shmem with userfaultfd"): a registration cannot order itself against
 * a collapse already in flight, so userspace must look at the memory after
 * UFFDIO_REGISTER returns. What the kernel does guarantee is that a hole
 * userspace *observed* after registering is never filled by the collapse:
 * the collapse fills holes only inside one xarray-locked section in which
 * the holes hold retry entries (lookups spin) and in which it checks for
 * MISSING-registered VMAs. So, with H = the holes lseek reported as holes
 * after UFFDIO_REGISTER returned:
 *   1. every hole in H raises exactly one missing-page event when touched
 *      through A, and afterwards holds the UFFDIO_COPY data;
 *   2. every other hole (already data after registering: the collapse
 *      filled it) raises no event and reads as zeros;
 *   3. pages that were written keep their data;
 *   4. a failed MADV_COLLAPSE reports EINVAL/EBUSY (refused: MISSING
 *      registration) or EAGAIN (a hole got filled meanwhile).
 * (A successful collapse with H non-empty is fine: the holes of H may have
 * been filled by our UFFDIO_COPY before the collapse started; 1 and the
 * final contents still tell whether the collapse filled one of them.)
 * Stock 6.1 breaks 1 whenever the registration comes first.
 *
 * Output: key=value lines. Exit 0 if every iteration held, 1 if one did
 * not, 2 on usage or setup errors.
 */
#include "cgu.h"

#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/userfaultfd.h>

static const char usage[] =
	"usage: race_uffd_register [--iterations N] [--holes K] [--seed N]\n"
	"  --iterations N   rounds (default 200)\n"
	"  --holes K        holes per 2 MiB memfd (default 8)\n"
	"  --event-timeout S  deadline for each userfaultfd event (default 5)\n";

#define COPY_SEED	0xC0FFEEULL

struct opts {
	struct cgu_race_opts race;	/* --iterations, --holes, --seed */
	unsigned long event_timeout_ms;
};

struct totals {
	unsigned long collapsed, refused, filled, observed_holes, events;
};

/* --event-timeout S */
static bool parse_own_opt(int c, const char *arg, void *ctx)
{
	struct opts *o = ctx;

	if (c != 'E')
		return false;
	o->event_timeout_ms = 1000 * cgu_parse_ulong(arg, "--event-timeout", 1, 600);
	return true;
}

static struct opts parse_args(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "event-timeout", required_argument, NULL, 'E' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = {
		.race = { .iterations = 200, .holes = 8, .seed = cgu_race_default_seed() },
		.event_timeout_ms = 5000,
	};

	cgu_race_parse(argc, argv, longopts, usage, 64, &o.race, parse_own_opt, &o);
	return o;
}

static bool page_is(const unsigned char *data, enum cgu_expect kind, uint64_t seed,
		    size_t page)
{
	return cgu_check_page(data, kind, seed, page, NULL);
}

/* Check invariants 1 and 2 for one hole. */
static int check_hole(const struct cgu_twin *t, int uffd, size_t page, bool observed,
		      const struct opts *o, unsigned long iter, struct totals *tot)
{
	static unsigned char src[CG_PAGE_SIZE] __attribute__((aligned(4096)));
	static struct cgu_probe res;

	cgu_pattern_fill_page(src, COPY_SEED, page);
	if (cgu_uffd_probe(uffd, t->a + page * CG_PAGE_SIZE, CG_PROBE_MISSING, src, 0,
			  o->event_timeout_ms, &res))
		cgu_assert_fail("iteration=%lu page=%zu: reader blocked with no event", iter, page);
	tot->events += res.event;
	if (observed && !(res.event && res.event_ok && page_is(res.data, CG_EXPECT_PATTERN, COPY_SEED, page))) {
		cgu_msg("FAIL: iteration=%lu page=%zu was a hole after UFFDIO_REGISTER but event=%d event_ok=%d, reader saw 0x%016llx",
		       iter, page, res.event, res.event_ok, (unsigned long long)res.first_word);
		return 1;
	}
	if (!observed && (res.event || !page_is(res.data, CG_EXPECT_ZERO, 0, page))) {
		cgu_msg("FAIL: iteration=%lu page=%zu was data after UFFDIO_REGISTER but event=%d, reader saw 0x%016llx",
		       iter, page, res.event, (unsigned long long)res.first_word);
		return 1;
	}
	return 0;
}

/* Invariant 3 (and the final state of the holes), read back with pread. */
static int check_file(const struct cgu_twin *t, const bool *hole, const bool *observed,
		      uint64_t seed, unsigned long iter)
{
	struct cgu_mismatch mm;
	size_t i;

	for (i = 0; i < t->npages; i++) {
		bool ok;

		if (!hole[i])
			ok = cgu_check_file_page(t->fd, CG_EXPECT_PATTERN, seed, i, &mm);
		else if (observed[i])
			ok = cgu_check_file_page(t->fd, CG_EXPECT_PATTERN, COPY_SEED, i, &mm);
		else
			ok = cgu_check_file_page(t->fd, CG_EXPECT_ZERO, 0, i, &mm);
		if (!ok) {
			cgu_msg("FAIL: iteration=%lu final contents", iter);
			cgu_report_mismatch("file", &mm);
			return 1;
		}
	}
	return 0;
}

/* Invariant 4. */
static int check_collapse(const struct cgu_collapse_racer *c, unsigned long iter,
			  struct totals *tot)
{
	if (!c->ret) {
		tot->collapsed++;
		return 0;
	}
	if (c->err == EINVAL || c->err == EBUSY) {
		tot->refused++;
		return 0;
	}
	if (c->err == EAGAIN) {
		tot->filled++;
		return 0;
	}
	cgu_msg("FAIL: iteration=%lu MADV_COLLAPSE failed with unexpected errno %s",
	       iter, cgu_errno_name(c->err));
	return 1;
}

/* Register A, then record which holes are still holes (the set H). */
static size_t register_and_observe(const struct cgu_twin *t, int uffd, const bool *hole,
				   bool *observed)
{
	size_t i, n = 0;

	if (cgu_uffd_register(uffd, t->a, t->len, UFFDIO_REGISTER_MODE_MISSING))
		cgu_setup_fail_errno("UFFDIO_REGISTER");
	for (i = 0; i < t->npages; i++) {
		observed[i] = hole[i] && cgu_page_is_hole(t->fd, i);
		n += observed[i];
	}
	return n;
}

static int run_iteration(const struct opts *o, unsigned long iter, uint64_t *rng,
			 uint64_t *collapse_ns, struct totals *tot)
{
	static bool hole[CG_MAX_RANGE_PAGES], observed[CG_MAX_RANGE_PAGES];
	pthread_barrier_t start;
	struct cgu_collapse_racer c = { .start = &start };
	struct cgu_twin t;
	pthread_t tid;
	uint64_t seed = o->race.seed + iter, window = *collapse_ns + *collapse_ns / 4;
	size_t i, nobserved;
	int uffd, bad = 0;

	cgu_twin_create(&t, "race_uffd_register");
	cgu_pick_holes(hole, t.npages, o->race.holes, rng);
	cgu_twin_fill(&t, hole, seed);
	cgu_madvise(t.b, t.len, MADV_HUGEPAGE, "MADV_HUGEPAGE");
	uffd = cgu_uffd_open(0);
	c.addr = t.b;
	c.len = t.len;
	/* Mostly: registration somewhere inside the collapse; sometimes first. */
	c.delay_ns = cgu_rand(rng) % 4 == 0 ? cgu_rand(rng) % (window / 2 + 1) : 0;
	pthread_barrier_init(&start, NULL, 2);
	cgu_thread_start(&tid, cgu_collapse_racer_thread, &c);
	pthread_barrier_wait(&start);
	cgu_spin_ns(c.delay_ns ? 0 : cgu_rand(rng) % (window + 1));
	nobserved = register_and_observe(&t, uffd, hole, observed);
	tot->observed_holes += nobserved;
	for (i = 0; i < t.npages && !bad; i++)
		if (hole[i])
			bad += check_hole(&t, uffd, i, observed[i], o, iter, tot);
	pthread_join(tid, NULL);
	pthread_barrier_destroy(&start);
	if (!c.ret && c.duration_ns)
		*collapse_ns = c.duration_ns;
	bad += check_collapse(&c, iter, tot);
	if (!bad)
		bad += check_file(&t, hole, observed, seed, iter);
	close(uffd);
	cgu_twin_destroy(&t);
	return bad;
}

int main(int argc, char **argv)
{
	struct totals tot = { 0 };
	uint64_t rng, collapse_ns = 20000000;	/* adapted to the measured collapse */
	unsigned long i;
	struct opts o;
	int bad = 0;

	cgu_init(argv[0]);
	o = parse_args(argc, argv);
	rng = o.race.seed | 1;
	printf("iterations=%lu holes=%zu seed=%llu\n", o.race.iterations, o.race.holes,
	       (unsigned long long)o.race.seed);
	for (i = 0; i < o.race.iterations && !bad; i++) {
		cgu_watchdog(60, "an iteration");	/* a hang fails here, not at the test timeout */
		bad = run_iteration(&o, i, &rng, &collapse_ns, &tot);
	}
	cgu_watchdog(0, "");
	printf("done=%lu collapsed=%lu refused=%lu filled=%lu holes_seen_after_register=%lu events=%lu result=%s\n",
	       i, tot.collapsed, tot.refused, tot.filled, tot.observed_holes, tot.events,
	       bad ? "FAIL" : "ok");
	return bad ? CG_EXIT_FAIL : CG_EXIT_OK;
}
