// SPDX-License-Identifier: GPL-2.0
/*
 * race_last_hole - the last hole of a MISSING-registered range is filled
 * while MADV_COLLAPSE runs, as on a postcopy destination whose last page of
 * a 2 MiB range arrives while a backend collapses its own mapping.
 *
 * Each iteration: a 2 MiB memfd with every page written but one, mapped
 * twice (A registered with a MISSING-mode userfaultfd, B collapsed). A
 * thread reads the hole through A and blocks in the fault; once its event
 * is read, a collapser thread runs MADV_COLLAPSE on B over and over, and
 * this thread answers the event with UFFDIO_COPY: in even iterations once
 * the first attempt has returned (the hole outlived a whole collapse: stock
 * 6.1 has filled it by then, every time), in odd ones after a random delay
 * (scaled to the collapse attempts measured so far, so that the copy lands
 * before, inside and after attempts on a fast or a slow machine alike).
 *
 * Upstream's rule (6.4, ac492b9c70ca) and what is asserted:
 *   - while the hole is a hole, a collapse is refused (EBUSY: the veto;
 *     EAGAIN: the hole was filled under it, or a page was busy); one that
 *     succeeds before the copy filled the hole behind userfaultfd's back;
 *   - UFFDIO_COPY succeeds (EEXIST is the lost event: what QEMU logs as
 *     "postcopy_place_page: File exists"), and the reader sees its data;
 *   - once the range is full, it collapses under the registration:
 *     MADV_COLLAPSE returns 0 (retried while EAGAIN), B is PMD-mapped, and
 *     every page holds its data.
 * The attempts are classed by their time against the copy's (before,
 * overlapping, after) and by errno, and printed; --min-overlap N fails the
 * run as "coverage" (exit 3, not a correctness failure) if fewer than N
 * attempts overlapped a copy.
 *
 * Output: key=value lines. Exit 0 if every iteration held, 1 if not, 2 on a
 * usage or setup error, 3 on too little coverage.
 */
#include "cgu.h"

#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/userfaultfd.h>

static const char usage[] =
	"usage: race_last_hole [--iterations N] [--seed N] [--min-overlap N]\n"
	"  --iterations N   rounds (default 100)\n"
	"  --min-overlap N  collapse attempts that must overlap a copy (default 0)\n";

#define SEED		0x1A57401EULL
#define COPY_SEED	0xC0B1C0B1ULL
#define EVENT_TIMEOUT_MS 10000
#define ATTEMPTS_AFTER	 50	/* attempts after the copy before giving up */
#define EXIT_COVERAGE	 3

enum phase { PH_BEFORE, PH_OVERLAP, PH_AFTER, PH_COUNT };
static const char *const phase_names[] = { "before", "overlap", "after" };
enum outcome { OUT_OK, OUT_EBUSY, OUT_EAGAIN, OUT_OTHER, OUT_COUNT };
static const char *const outcome_names[] = { "ok", "ebusy", "eagain", "other" };

struct opts {
	unsigned long min_overlap;
	struct cgu_race_opts race;
};

struct attempt {
	uint64_t start_ns, end_ns;
	int ret, err;
};

/* One iteration's shared state. */
struct round {
	struct cgu_twin t;
	int uffd;
	size_t hole;
	unsigned char *hole_a;		/* the hole's address in A */
	uint64_t data[CG_PAGE_SIZE / 8];	/* what the reader saw */
	_Atomic uint64_t copy_start_ns, copy_end_ns;	/* 0: not yet */
	struct attempt attempts[4096];
	size_t nattempts;
	_Atomic size_t finished;	/* attempts returned */
	bool collapsed;			/* an attempt returned 0 */
};

/* Totals over the run. */
struct tally {
	unsigned long outcomes[PH_COUNT][OUT_COUNT];
	unsigned long copies_eexist, zero_reads, early_collapses, not_collapsed;
	unsigned long final_retries, bad_data, not_pmd_mapped;
	uint64_t attempt_ns_sum;
	unsigned long attempt_ns_n;
};

static bool parse_own(int c, const char *arg, void *ctx)
{
	struct opts *o = ctx;

	if (c != 'O')
		return false;
	o->min_overlap = cgu_parse_ulong(arg, "--min-overlap", 0, 1000000);
	return true;
}

static struct opts parse_args(int argc, char **argv)
{
	static const struct option own[] = {
		{ "min-overlap", required_argument, NULL, 'O' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = {
		.race = { .iterations = 100, .holes = 1, .seed = cgu_race_default_seed() },
	};

	cgu_race_parse(argc, argv, own, usage, 1, &o.race, parse_own, &o);
	return o;
}

static void *reader_thread(void *arg)
{
	struct round *r = arg;
	volatile uint64_t *w = (volatile uint64_t *)r->hole_a;
	size_t i;

	for (i = 0; i < CG_PAGE_SIZE / 8; i++)
		r->data[i] = w[i];
	return NULL;
}

static bool copy_done(const struct round *r)
{
	return atomic_load(&r->copy_end_ns) != 0;
}

static void *collapser_thread(void *arg)
{
	struct round *r = arg;
	size_t after = 0;	/* attempts begun after the copy finished */

	while (r->nattempts < sizeof(r->attempts) / sizeof(r->attempts[0])) {
		struct attempt *a = &r->attempts[r->nattempts++];

		a->start_ns = cgu_now_ns();
		a->ret = cgu_collapse(r->t.b, r->t.len, &a->err);
		a->end_ns = cgu_now_ns();
		atomic_fetch_add(&r->finished, 1);
		if (a->ret == 0) {
			r->collapsed = true;
			break;
		}
		if (copy_done(r) && a->start_ns > atomic_load(&r->copy_end_ns) &&
		    ++after >= ATTEMPTS_AFTER)
			break;
	}
	return NULL;
}

static void setup_round(struct round *r, uint64_t *rng)
{
	bool hole[512] = { false };

	cgu_twin_create(&r->t, "race_last_hole");
	if (r->t.npages > 512)
		cgu_setup_fail("a PMD of %zu pages is not supported", r->t.npages);
	r->hole = 1 + cgu_rand(rng) % (r->t.npages - 1);
	hole[r->hole] = true;
	cgu_twin_fill(&r->t, hole, SEED);
	r->hole_a = r->t.a + r->hole * CG_PAGE_SIZE;
	r->uffd = cgu_uffd_open(0);
	if (cgu_uffd_register(r->uffd, r->t.a, r->t.len, UFFDIO_REGISTER_MODE_MISSING))
		cgu_setup_fail_errno("UFFDIO_REGISTER missing on A");
}

/* The reader's fault on the hole, reported: the hole was a hole. */
static void wait_reader_event(const struct round *r)
{
	struct uffd_msg msg;

	if (cgu_uffd_wait_msg(r->uffd, EVENT_TIMEOUT_MS, &msg) != 1)
		cgu_assert_fail("no missing-page event for the hole at page %zu", r->hole);
	if (msg.event != UFFD_EVENT_PAGEFAULT ||
	    (msg.arg.pagefault.address & ~(uint64_t)(CG_PAGE_SIZE - 1)) != (uintptr_t)r->hole_a)
		cgu_assert_fail("unexpected userfaultfd message (event %u)", msg.event);
}

/* A delay in [0, 2 * the mean attempt so far]: the copy lands anywhere. */
static uint64_t copy_delay_ns(const struct tally *tl, uint64_t *rng)
{
	uint64_t mean = tl->attempt_ns_n ? tl->attempt_ns_sum / tl->attempt_ns_n : 50000;

	return cgu_rand(rng) % (2 * mean + 1);
}

/* Answer the event; EEXIST means the hole was filled by someone else (the
 * library's cgu_uffd_copy() accepts that: here it is the failure). */
static void copy_hole(struct round *r, struct tally *tl)
{
	static unsigned char src[CG_PAGE_SIZE] __attribute__((aligned(4096)));
	struct uffdio_copy copy = {
		.dst = (uintptr_t)r->hole_a, .src = (uintptr_t)src, .len = CG_PAGE_SIZE,
	};
	struct uffdio_range wake = { .start = (uintptr_t)r->hole_a, .len = CG_PAGE_SIZE };

	cgu_pattern_fill_page(src, COPY_SEED, r->hole);
	atomic_store(&r->copy_start_ns, cgu_now_ns());
	if (ioctl(r->uffd, UFFDIO_COPY, &copy)) {
		if (errno != EEXIST)
			cgu_setup_fail_errno("UFFDIO_COPY");
		tl->copies_eexist++;
		cgu_msg("FAIL: UFFDIO_COPY of page %zu: EEXIST (the hole was filled)", r->hole);
		if (ioctl(r->uffd, UFFDIO_WAKE, &wake))
			cgu_setup_fail_errno("UFFDIO_WAKE");
	}
	atomic_store(&r->copy_end_ns, cgu_now_ns());
}

static enum phase attempt_phase(const struct round *r, const struct attempt *a)
{
	if (a->end_ns < atomic_load(&r->copy_start_ns))
		return PH_BEFORE;
	if (a->start_ns > atomic_load(&r->copy_end_ns))
		return PH_AFTER;
	return PH_OVERLAP;
}

static enum outcome attempt_outcome(const struct attempt *a)
{
	if (a->ret == 0)
		return OUT_OK;
	if (a->err == EBUSY)
		return OUT_EBUSY;
	if (a->err == EAGAIN)
		return OUT_EAGAIN;
	return OUT_OTHER;
}

static void tally_attempts(const struct round *r, struct tally *tl)
{
	size_t i;

	for (i = 0; i < r->nattempts; i++) {
		const struct attempt *a = &r->attempts[i];
		enum phase ph = attempt_phase(r, a);
		enum outcome out = attempt_outcome(a);

		tl->outcomes[ph][out]++;
		tl->attempt_ns_sum += a->end_ns - a->start_ns;
		tl->attempt_ns_n++;
		if (ph == PH_BEFORE && out == OUT_OK) {
			tl->early_collapses++;
			cgu_msg("FAIL: MADV_COLLAPSE succeeded while page %zu was a hole", r->hole);
		}
		if (out == OUT_OTHER)
			cgu_msg("note: MADV_COLLAPSE failed with %s (%s)", cgu_errno_name(a->err),
				phase_names[ph]);
	}
}

/* The full range must collapse under the registration (EAGAIN retried). */
static void collapse_full_range(struct round *r, struct tally *tl)
{
	int tries, err = 0;

	for (tries = 0; !r->collapsed && tries < 20; tries++) {
		if (cgu_collapse(r->t.b, r->t.len, &err) == 0)
			r->collapsed = true;
		else if (err != EAGAIN)
			break;
		tl->final_retries++;
	}
	if (!r->collapsed) {
		tl->not_collapsed++;
		cgu_msg("FAIL: the full range did not collapse under MISSING (%s)",
			cgu_errno_name(err));
	}
}

static void check_round(struct round *r, struct tally *tl)
{
	struct cgu_mismatch mm;
	size_t i;

	if (!cgu_check_page(r->data, CG_EXPECT_PATTERN, COPY_SEED, r->hole, NULL)) {
		tl->zero_reads++;
		cgu_msg("FAIL: the reader of page %zu did not see the UFFDIO_COPY data", r->hole);
	}
	collapse_full_range(r, tl);
	(void)*(volatile unsigned char *)r->t.b;
	if (r->collapsed && cgu_smaps_kb(r->t.b, "ShmemPmdMapped") < (long)(r->t.len / 1024)) {
		tl->not_pmd_mapped++;
		cgu_msg("FAIL: MADV_COLLAPSE returned 0 but B is not PMD-mapped");
	}
	for (i = 0; i < r->t.npages; i++) {
		uint64_t seed = i == r->hole ? COPY_SEED : SEED;

		if (!cgu_check_file_page(r->t.fd, CG_EXPECT_PATTERN, seed, i, &mm)) {
			tl->bad_data++;
			cgu_report_mismatch("file", &mm);
			break;
		}
	}
}

/* Even iterations: until the first attempt returned; odd: a random delay. */
static void wait_to_copy(const struct round *r, const struct tally *tl,
			 unsigned long iteration, uint64_t *rng)
{
	uint64_t deadline = cgu_deadline_ms(EVENT_TIMEOUT_MS);

	if (iteration % 2) {
		cgu_spin_ns(copy_delay_ns(tl, rng));
		return;
	}
	while (!atomic_load(&r->finished)) {
		if (cgu_deadline_passed(deadline))
			cgu_setup_fail("MADV_COLLAPSE did not return within %d ms",
				       EVENT_TIMEOUT_MS);
		sched_yield();
	}
}

static void run_round(struct tally *tl, unsigned long iteration, uint64_t *rng)
{
	struct round *r = calloc(1, sizeof(*r));
	pthread_t reader, collapser;

	if (!r)
		cgu_setup_fail("out of memory");
	setup_round(r, rng);
	cgu_thread_start(&reader, reader_thread, r);
	wait_reader_event(r);
	cgu_thread_start(&collapser, collapser_thread, r);
	wait_to_copy(r, tl, iteration, rng);
	copy_hole(r, tl);
	pthread_join(reader, NULL);
	pthread_join(collapser, NULL);
	tally_attempts(r, tl);
	check_round(r, tl);
	close(r->uffd);
	cgu_twin_destroy(&r->t);
	free(r);
}

static unsigned long failures(const struct tally *tl)
{
	return tl->copies_eexist + tl->zero_reads + tl->early_collapses +
	       tl->not_collapsed + tl->bad_data + tl->not_pmd_mapped;
}

static void print_tally(const struct opts *o, const struct tally *tl)
{
	int ph, out;

	printf("iterations=%lu seed=%llu mean_attempt_us=%llu\n", o->race.iterations,
	       (unsigned long long)o->race.seed,
	       (unsigned long long)(tl->attempt_ns_n ? tl->attempt_ns_sum / tl->attempt_ns_n / 1000 : 0));
	for (ph = 0; ph < PH_COUNT; ph++) {
		printf("attempts_%s:", phase_names[ph]);
		for (out = 0; out < OUT_COUNT; out++)
			printf(" %s=%lu", outcome_names[out], tl->outcomes[ph][out]);
		printf("\n");
	}
	printf("copies_eexist=%lu zero_reads=%lu early_collapses=%lu not_collapsed=%lu "
	       "not_pmd_mapped=%lu bad_data=%lu final_retries=%lu\n",
	       tl->copies_eexist, tl->zero_reads, tl->early_collapses, tl->not_collapsed,
	       tl->not_pmd_mapped, tl->bad_data, tl->final_retries);
}

static unsigned long overlaps(const struct tally *tl)
{
	unsigned long n = 0;
	int out;

	for (out = 0; out < OUT_COUNT; out++)
		n += tl->outcomes[PH_OVERLAP][out];
	return n;
}

int main(int argc, char **argv)
{
	struct tally tl = { 0 };
	uint64_t rng;
	struct opts o;
	unsigned long i;

	cgu_init(argv[0]);
	o = parse_args(argc, argv);
	rng = o.race.seed;
	for (i = 0; i < o.race.iterations; i++)
		run_round(&tl, i, &rng);
	print_tally(&o, &tl);
	if (failures(&tl))
		return CG_EXIT_FAIL;
	if (overlaps(&tl) < o.min_overlap) {
		cgu_msg("COVERAGE: %lu attempts overlapped a copy, fewer than %lu",
			overlaps(&tl), o.min_overlap);
		return EXIT_COVERAGE;
	}
	return CG_EXIT_OK;
}
