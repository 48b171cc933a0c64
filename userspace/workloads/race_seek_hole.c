// SPDX-License-Identifier: GPL-2.0
/*
 * race_seek_hole - lock-free page-cache readers against refused collapses.
 *
 * A 2 MiB memfd with holes is mapped twice; A is registered with
 * userfaultfd (MISSING) for the whole run, B is collapsed with MADV_COLLAPSE
 * again and again. Each of those collapses must be refused (the range has
 * holes and a MISSING-registered mapping). While they run, an observer
 * thread keeps asking where the holes are: lseek(SEEK_HOLE) and
 * lseek(SEEK_DATA) at every hole and mincore() over the memfd range (through
 * B, which has no page-table entries for the holes).
 *
 * A refused collapse seals the holes with retry entries for a moment and
 * then puts them back; lock-free lookups spin over the retry entries. So:
 *   - the observer never sees a hole reported as data (or not-resident),
 *     nor a written page reported as a hole;
 *   - every MADV_COLLAPSE fails (EINVAL/EBUSY = refused, EAGAIN = transient:
 *     the observer held a page reference), and at least one is refused;
 *   - after the run every hole is still a hole, touching it through A raises
 *     a missing-page event, and written pages kept their data.
 * "overlapped" counts the refused collapses during which the observer
 * completed at least one round: lookups that met the sealed range, or ran
 * right beside it.
 *
 * --late-register registers A only after the loop. With nothing registered,
 * the guard's early check (a registered range costs nothing to refuse) lets
 * each collapse through to the sealed section, where the test makes it veto
 * (debugfs inject uffd_veto): every refusal then sealed and unsealed the
 * holes under the observer, which a refusal at the early check never does.
 *
 * Output: key=value lines. Exit 0 if everything held, 1 if not, 2 on usage
 * or setup errors.
 */
#include "cgu.h"

#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/userfaultfd.h>

static const char usage[] =
	"usage: race_seek_hole [--iterations N] [--holes K] [--seed N] [--late-register]\n"
	"  --iterations N   MADV_COLLAPSE calls (default 1500)\n"
	"  --holes K        holes in the 2 MiB memfd (default 8)\n"
	"  --late-register  register A with userfaultfd only after the collapses\n";

#define COPY_SEED	0x5EE40000ULL

struct opts {
	struct cgu_race_opts race;	/* --iterations, --holes, --seed */
	bool late_register;
};

struct observer {
	const struct cgu_twin *t;
	const bool *hole;
	atomic_bool stop;
	atomic_ulong rounds;
	/* first violation (bad is read by the collapsing thread too) */
	atomic_bool bad;
	size_t bad_page;
	const char *bad_what;
};

static bool parse_own(int c, const char *arg, void *ctx)
{
	struct opts *o = ctx;

	(void)arg;
	if (c != 'L')
		return false;
	o->late_register = true;
	return true;
}

static struct opts parse_args(int argc, char **argv)
{
	struct opts o = {
		.race = { .iterations = 1500, .holes = 8, .seed = cgu_race_default_seed() },
	};

	static const struct option own[] = {
		{ "late-register", no_argument, NULL, 'L' },
		{ NULL, 0, NULL, 0 },
	};

	cgu_race_parse(argc, argv, own, usage, 256, &o.race, parse_own, &o);
	return o;
}

static void observer_fail(struct observer *ob, size_t page, const char *what)
{
	ob->bad_page = page;
	ob->bad_what = what;
	atomic_store(&ob->bad, true);
	atomic_store(&ob->stop, true);
}

/* lseek view of one page: a hole must be a hole, data must be data. */
static void check_seek(struct observer *ob, size_t page)
{
	off_t off = (off_t)(page * CG_PAGE_SIZE);
	off_t h = lseek(ob->t->fd, off, SEEK_HOLE);
	off_t d = lseek(ob->t->fd, off, SEEK_DATA);

	if (ob->hole[page]) {
		if (h != off)
			observer_fail(ob, page, "SEEK_HOLE does not stop at the hole");
		else if (d == off)
			observer_fail(ob, page, "SEEK_DATA reports the hole as data");
	} else if (d != off) {
		observer_fail(ob, page, "SEEK_DATA skips a written page");
	}
}

/* mincore view of the range: holes not resident, written pages resident. */
static void check_mincore(struct observer *ob, unsigned char *vec)
{
	size_t i;

	cgu_resident_pages(ob->t->b, ob->t->len, vec);
	for (i = 0; i < ob->t->npages; i++) {
		if (ob->hole[i] && (vec[i] & 1)) {
			observer_fail(ob, i, "mincore reports the hole resident");
			return;
		}
		if (!ob->hole[i] && !(vec[i] & 1)) {
			observer_fail(ob, i, "mincore reports a written page not resident");
			return;
		}
	}
}

/*
 * Lookups take short-lived references on present pages, and a collapse that
 * meets one gives up early (EAGAIN, page count) before it gets to sealing
 * the holes. So most rounds only ask SEEK_HOLE at each hole, every eighth
 * round also asks SEEK_DATA and mincore, and the observer pauses a random
 * 0-1 ms between rounds: collapses regularly reach the seal while it looks.
 */
static void *observe_thread(void *arg)
{
	struct observer *ob = arg;
	unsigned char vec[CG_MAX_RANGE_PAGES];
	uint64_t rng = (uint64_t)(uintptr_t)arg | 1;
	size_t i;

	while (!atomic_load(&ob->stop)) {
		bool full = atomic_load(&ob->rounds) % 8 == 0;
		struct timespec pause = { 0, (long)(cgu_rand(&rng) % 1000000) };

		for (i = 0; i < ob->t->npages && !atomic_load(&ob->bad); i++) {
			if (ob->hole[i] && !full &&
			    lseek(ob->t->fd, (off_t)(i * CG_PAGE_SIZE), SEEK_HOLE) != (off_t)(i * CG_PAGE_SIZE))
				observer_fail(ob, i, "SEEK_HOLE does not stop at the hole");
			else if (full && (ob->hole[i] || i % 64 == 0))
				check_seek(ob, i);
		}
		if (full && !atomic_load(&ob->bad))
			check_mincore(ob, vec);
		atomic_fetch_add(&ob->rounds, 1);
		nanosleep(&pause, NULL);
	}
	return NULL;
}

static int check_collapse_result(int ret, int err, unsigned long iter,
				 unsigned long *refused, unsigned long *transient)
{
	if (ret == 0) {
		cgu_msg("FAIL: iteration=%lu MADV_COLLAPSE succeeded over MISSING-registered holes", iter);
		return 1;
	}
	if (err == EINVAL || err == EBUSY) {
		(*refused)++;
		return 0;
	}
	if (err == EAGAIN) {
		(*transient)++;
		return 0;
	}
	cgu_msg("FAIL: iteration=%lu MADV_COLLAPSE failed with unexpected errno %s",
	       iter, cgu_errno_name(err));
	return 1;
}

/* After the run: holes are holes, raise events through A; data intact. */
static int check_final(const struct cgu_twin *t, int uffd, const bool *hole, uint64_t seed)
{
	static unsigned char src[CG_PAGE_SIZE] __attribute__((aligned(4096)));
	static struct cgu_probe res;
	struct cgu_mismatch mm;
	size_t i;

	for (i = 0; i < t->npages; i++) {
		if (!hole[i]) {
			if (!cgu_check_file_page(t->fd, CG_EXPECT_PATTERN, seed, i, &mm)) {
				cgu_report_mismatch("file", &mm);
				return 1;
			}
			continue;
		}
		if (!cgu_page_is_hole(t->fd, i)) {
			cgu_msg("FAIL: page %zu is no longer a hole after the run", i);
			return 1;
		}
		cgu_pattern_fill_page(src, COPY_SEED, i);
		if (cgu_uffd_probe(uffd, t->a + i * CG_PAGE_SIZE, CG_PROBE_MISSING, src, 0,
				  5000, &res) || !res.event || !res.event_ok ||
		    !cgu_check_page(res.data, CG_EXPECT_PATTERN, COPY_SEED, i, NULL)) {
			cgu_msg("FAIL: touching hole %zu through A: event=%d event_ok=%d value=0x%016llx",
			       i, res.event, res.event_ok, (unsigned long long)res.first_word);
			return 1;
		}
	}
	return 0;
}

static int register_a(int uffd, const struct cgu_twin *t)
{
	return cgu_uffd_register(uffd, t->a, t->len, UFFDIO_REGISTER_MODE_MISSING);
}

int main(int argc, char **argv)
{
	static bool hole[CG_MAX_RANGE_PAGES];
	unsigned long i, refused = 0, transient = 0, overlapped = 0;
	struct observer ob = { 0 };
	struct cgu_twin t;
	struct opts o;
	uint64_t rng;
	pthread_t tid;
	int uffd, bad = 0;

	cgu_init(argv[0]);
	o = parse_args(argc, argv);
	rng = o.race.seed | 1;
	printf("iterations=%lu holes=%zu seed=%llu\n", o.race.iterations, o.race.holes,
	       (unsigned long long)o.race.seed);
	cgu_twin_create(&t, "race_seek_hole");
	cgu_pick_holes(hole, t.npages, o.race.holes, &rng);
	cgu_twin_fill(&t, hole, o.race.seed);
	cgu_madvise(t.b, t.len, MADV_HUGEPAGE, "MADV_HUGEPAGE");
	uffd = cgu_uffd_open(0);
	if (!o.late_register && register_a(uffd, &t))
		cgu_setup_fail_errno("UFFDIO_REGISTER");
	ob.t = &t;
	ob.hole = hole;
	cgu_thread_start(&tid, observe_thread, &ob);
	cgu_watchdog(600, "the collapse loop");
	for (i = 0; i < o.race.iterations && !bad && !atomic_load(&ob.bad); i++) {
		unsigned long before = atomic_load(&ob.rounds), was_refused = refused;
		int err, ret = cgu_collapse(t.b, t.len, &err);

		bad = check_collapse_result(ret, err, i, &refused, &transient);
		if (refused != was_refused && atomic_load(&ob.rounds) != before)
			overlapped++;
	}
	atomic_store(&ob.stop, true);
	pthread_join(tid, NULL);
	cgu_watchdog(0, "");
	if (atomic_load(&ob.bad)) {
		cgu_msg("FAIL: observer: page %zu: %s", ob.bad_page, ob.bad_what);
		bad = 1;
	}
	if (!bad && !refused) {
		cgu_msg("FAIL: no MADV_COLLAPSE was refused (all %lu transient EAGAIN)", transient);
		bad = 1;
	}
	if (o.late_register && register_a(uffd, &t))
		cgu_setup_fail_errno("UFFDIO_REGISTER");
	if (!bad)
		bad = check_final(&t, uffd, hole, o.race.seed);
	printf("done=%lu refused=%lu transient=%lu overlapped=%lu observer_rounds=%lu result=%s\n",
	       i, refused, transient, overlapped, atomic_load(&ob.rounds), bad ? "FAIL" : "ok");
	return bad ? CG_EXIT_FAIL : CG_EXIT_OK;
}
