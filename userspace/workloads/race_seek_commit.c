// SPDX-License-Identifier: GPL-2.0
/*
 * race_seek_commit - lock-free page-cache readers against collapses that
 * commit (upstream a2e17cc2efc7, "mm/khugepaged: maintain page cache
 * uptodate flag").
 *
 * A 2 MiB memfd is written but for a few holes, through a mapping B, and B
 * is collapsed with MADV_COLLAPSE; nothing is registered with userfaultfd,
 * so the collapses may commit. After each call the data is checked, the
 * range is punched out and written again, and the next call collapses it
 * again. While a call runs, an observer thread asks where the data is:
 * lseek(SEEK_DATA) and lseek(SEEK_HOLE) at written pages, and every fourth
 * round mincore() over B.
 *
 * A written page never stops being data: before the collapse it is the
 * small page, after it the huge page. Stock 6.1 replaces each present page
 * by the new huge page during its scan, long before the huge page is
 * uptodate, and a lock-free lookup takes a page that is not uptodate for a
 * hole (SEEK_DATA skips it, mincore calls it not resident). Since 6.4 the
 * present pages stay in the page cache until the huge page, uptodate, takes
 * their place at once. So:
 *   - the observer never sees a written page as a hole or not resident while
 *     a collapse runs (holes may turn into data: the huge page fills them);
 *   - after each call every written page holds its data and every hole
 *     reads zeros.
 * "overlapped" counts the calls that returned 0 (collapsed) during which the
 * observer completed at least one round; the run ends after --overlaps of
 * them, or after --iterations calls. The range must stay in memory: a page
 * swapped out is rightly not resident to mincore, so run it without swap
 * pressure (2 MiB).
 *
 * Output: key=value lines. Exit 0 if everything held, 1 if not, 2 on usage
 * or setup errors.
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
#include <time.h>
#include <unistd.h>

static const char usage[] =
	"usage: race_seek_commit [--iterations N] [--overlaps N] [--holes K] [--seed N]\n"
	"  --iterations N   MADV_COLLAPSE calls at most (default 2000)\n"
	"  --overlaps N     stop after N collapses the observer ran through (default 100)\n"
	"  --holes K        holes in the 2 MiB memfd (default 8)\n";

struct opts {
	struct cgu_race_opts race;	/* --iterations, --holes, --seed */
	unsigned long overlaps;
};

struct observer {
	const struct cgu_twin *t;
	const bool *hole;
	/* odd while a collapse runs over the fully written range */
	atomic_ulong seq;
	atomic_bool stop;
	/* rounds completed inside one collapse, and that collapse's seq */
	atomic_ulong rounds;
	atomic_ulong last_round_seq;
	uint64_t seed;
	/* first violation (bad is read by the collapsing thread too) */
	atomic_bool bad;
	size_t bad_page;
	const char *bad_what;
};

static bool parse_own(int c, const char *arg, void *ctx)
{
	struct opts *o = ctx;

	if (c != 'O')
		return false;
	o->overlaps = cgu_parse_ulong(arg, "--overlaps", 1, 1UL << 30);
	return true;
}

static struct opts parse_args(int argc, char **argv)
{
	struct opts o = {
		.race = { .iterations = 2000, .holes = 8, .seed = cgu_race_default_seed() },
		.overlaps = 100,
	};

	static const struct option own[] = {
		{ "overlaps", required_argument, NULL, 'O' },
		{ NULL, 0, NULL, 0 },
	};

	cgu_race_parse(argc, argv, own, usage, 256, &o.race, parse_own, &o);
	return o;
}

/* A written page, seen by lseek: the first data at or after it is itself. */
static const char *seek_view(const struct observer *ob, size_t page)
{
	off_t off = (off_t)(page * CG_PAGE_SIZE);

	if (lseek(ob->t->fd, off, SEEK_DATA) != off)
		return "SEEK_DATA skips a written page during a collapse";
	if (lseek(ob->t->fd, off, SEEK_HOLE) == off)
		return "SEEK_HOLE stops at a written page during a collapse";
	return NULL;
}

/* mincore view of B: every written page resident; *page gets the first not. */
static const char *mincore_view(const struct observer *ob, unsigned char *vec,
				size_t *page)
{
	size_t i;

	cgu_resident_pages(ob->t->b, ob->t->len, vec);
	for (i = 0; i < ob->t->npages; i++) {
		if (!ob->hole[i] && !(vec[i] & 1)) {
			*page = i;
			return "mincore reports a written page not resident during a collapse";
		}
	}
	return NULL;
}

/* One round of lookups: page 0 (the first a scan takes) and one at random. */
static const char *observe_round(struct observer *ob, uint64_t *rng,
				 unsigned char *vec, size_t *page)
{
	size_t p = cgu_rand(rng) % ob->t->npages;
	const char *what;

	*page = 0;
	what = seek_view(ob, 0);
	if (!what && !ob->hole[p]) {
		*page = p;
		what = seek_view(ob, p);
	}
	if (!what && atomic_load(&ob->rounds) % 4 == 0)
		what = mincore_view(ob, vec, page);
	return what;
}

/*
 * Looks only while a collapse runs (seq odd), and counts what it saw only if
 * the same collapse was still running when it finished: the range is being
 * punched and written again between two calls. Lookups take short-lived
 * page references, which make a collapse give up (EAGAIN), so the observer
 * pauses a random 0-200 us between rounds.
 */
static void *observe_thread(void *arg)
{
	struct observer *ob = arg;
	unsigned char vec[CG_MAX_RANGE_PAGES];
	uint64_t rng = ob->seed ^ 0x0B5E7ULL;

	while (!atomic_load(&ob->stop)) {
		struct timespec pause = { 0, (long)(cgu_rand(&rng) % 200000) };
		unsigned long s = atomic_load(&ob->seq);
		const char *what;
		size_t page;

		if (s & 1) {
			what = observe_round(ob, &rng, vec, &page);
			/* the lookups before the re-check (not only on x86) */
			atomic_thread_fence(memory_order_acquire);
			if (atomic_load(&ob->seq) == s) {
				if (what) {
					ob->bad_page = page;
					ob->bad_what = what;
					atomic_store(&ob->bad, true);
					break;
				}
				atomic_fetch_add(&ob->rounds, 1);
				atomic_store(&ob->last_round_seq, s);
			}
		}
		nanosleep(&pause, NULL);
	}
	return NULL;
}

/* After a call: written pages hold their data, holes read zeros. */
static int check_data(const struct cgu_twin *t, const bool *hole, uint64_t seed,
		      unsigned long iter)
{
	struct cgu_mismatch mm;
	size_t i;

	for (i = 0; i < t->npages; i++) {
		if (!cgu_check_file_page(t->fd, hole[i] ? CG_EXPECT_ZERO : CG_EXPECT_PATTERN,
					 seed, i, &mm)) {
			cgu_msg("FAIL: iteration=%lu", iter);
			cgu_report_mismatch("file", &mm);
			return 1;
		}
	}
	return 0;
}

/* Punch the range out (the huge page with it) and write it again. */
static void rewrite(const struct cgu_twin *t, const bool *hole, uint64_t seed)
{
	if (fallocate(t->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, (off_t)t->len))
		cgu_setup_fail_errno("fallocate(PUNCH_HOLE)");
	cgu_twin_fill(t, hole, seed);
}

int main(int argc, char **argv)
{
	static bool hole[CG_MAX_RANGE_PAGES];
	unsigned long i, collapsed = 0, failed = 0, overlapped = 0;
	struct observer ob = { 0 };
	struct cgu_twin t;
	struct opts o;
	uint64_t rng;
	pthread_t tid;
	int bad = 0;

	cgu_init(argv[0]);
	o = parse_args(argc, argv);
	rng = o.race.seed | 1;
	printf("iterations=%lu overlaps=%lu holes=%zu seed=%llu\n", o.race.iterations,
	       o.overlaps, o.race.holes, (unsigned long long)o.race.seed);
	cgu_twin_create(&t, "race_seek_commit");
	cgu_pick_holes(hole, t.npages, o.race.holes, &rng);
	cgu_twin_fill(&t, hole, o.race.seed);
	cgu_madvise(t.b, t.len, MADV_HUGEPAGE, "MADV_HUGEPAGE");
	ob.t = &t;
	ob.hole = hole;
	ob.seed = o.race.seed;
	cgu_thread_start(&tid, observe_thread, &ob);
	cgu_watchdog(600, "the collapse loop");
	for (i = 0; i < o.race.iterations && overlapped < o.overlaps; i++) {
		unsigned long seq = atomic_fetch_add(&ob.seq, 1) + 1;
		int err, ret;

		ret = cgu_collapse(t.b, t.len, &err);
		atomic_fetch_add(&ob.seq, 1);
		if (atomic_load(&ob.bad))
			break;
		if (ret == 0) {
			collapsed++;
			/* a round the observer finished inside this very call */
			if (atomic_load(&ob.last_round_seq) == seq)
				overlapped++;
		} else {
			failed++;
		}
		bad = check_data(&t, hole, o.race.seed, i);
		if (bad)
			break;
		rewrite(&t, hole, o.race.seed);
	}
	atomic_store(&ob.stop, true);
	pthread_join(tid, NULL);
	cgu_watchdog(0, "");
	if (atomic_load(&ob.bad)) {
		cgu_msg("FAIL: iteration=%lu observer: page %zu: %s", i, ob.bad_page, ob.bad_what);
		bad = 1;
	}
	printf("done=%lu collapsed=%lu failed=%lu overlapped=%lu observer_rounds=%lu result=%s\n",
	       i, collapsed, failed, overlapped, atomic_load(&ob.rounds), bad ? "FAIL" : "ok");
	return bad ? CG_EXIT_FAIL : CG_EXIT_OK;
}
