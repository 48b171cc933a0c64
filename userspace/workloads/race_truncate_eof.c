// SPDX-License-Identifier: GPL-2.0
/*
 * race_truncate_eof - MADV_COLLAPSE racing one truncation, hole punch or
 * fallocate of the whole range, then a check that nothing outlived it.
 *
 * Each iteration: a 2 MiB memfd with only its last pages written (--holes K:
 * the first K pages are holes; default 511, one page written), mapped once
 * PMD-aligned (B) and touched there. One thread calls MADV_COLLAPSE on B;
 * the other, after a delay, applies --op to the whole range:
 *   truncate   ftruncate(fd, 0)                      (then back to 2 MiB)
 *   punch      fallocate(PUNCH_HOLE|KEEP_SIZE, 0, 2 MiB)
 *   fallocate  fallocate(KEEP_SIZE, 0, 2 MiB)
 * Whatever the interleaving, the collapse must end as stock 6.1's does
 * (given up, or a huge page the operation then removes), so after both
 * threads return the file is exactly what the operation alone makes it:
 *   truncate   st_size 0 and st_blocks 0 (no block charged past EOF); a
 *              write through B at offset 0 and a read of the last page
 *              raise SIGBUS (nothing mapped past EOF); grown back to 2 MiB,
 *              every byte reads zero (no data reappears);
 *   punch      st_blocks 0; every byte zero, through pread and through B;
 *   fallocate  st_blocks of 2 MiB; the written pages hold their pattern,
 *              the rest zero, through pread and through B.
 *
 * The delays sweep the collapse's duration (measured first, without a
 * racer), so the operation lands before, during and after it. An iteration
 * overlaps when the operation started before MADV_COLLAPSE returned and
 * returned after it started; fewer than --min-overlap overlapping iterations
 * fail the run (the race was not reached).
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
#include <sys/stat.h>
#include <unistd.h>

static const char usage[] =
	"usage: race_truncate_eof [--op truncate|punch|fallocate] [--iterations N]\n"
	"                         [--holes K] [--min-overlap N] [--seed N]\n"
	"  --op OP          what races the collapse (default truncate)\n"
	"  --iterations N   rounds (default 200)\n"
	"  --holes K        leading holes, 1..511 (default 511: one page written)\n"
	"  --min-overlap N  rounds that must overlap a collapse (default iterations/4)\n";

enum op { OP_TRUNCATE, OP_PUNCH, OP_FALLOCATE };
static const char *const op_names[] = { "truncate", "punch", "fallocate", NULL };

#define SEED	0xE0F5EEDULL

struct opts {
	struct cgu_race_opts race;	/* --iterations, --holes, --seed */
	enum op op;
	unsigned long min_overlap;
	bool min_overlap_set;
};

struct mutator {
	pthread_barrier_t *start;
	uint64_t delay_ns;
	enum op op;
	int fd;
	size_t len;
	uint64_t t0, t1;
};

struct totals {
	unsigned long overlapped, collapsed, refused, bad;
};

static bool parse_own_opt(int c, const char *arg, void *ctx)
{
	struct opts *o = ctx;

	switch (c) {
	case 'o': o->op = cgu_parse_word(arg, "--op", op_names); break;
	case 'm':
		o->min_overlap = cgu_parse_ulong(arg, "--min-overlap", 0, 1UL << 30);
		o->min_overlap_set = true;
		break;
	default: return false;
	}
	return true;
}

static struct opts parse_args(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "op", required_argument, NULL, 'o' },
		{ "min-overlap", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = {
		.race = { .iterations = 200, .holes = 511, .seed = cgu_race_default_seed() },
		.op = OP_TRUNCATE,
	};

	cgu_race_parse(argc, argv, longopts, usage, 511, &o.race, parse_own_opt, &o);
	if (!o.min_overlap_set)
		o.min_overlap = o.race.iterations / 4;
	return o;
}

/* A fresh memfd: holes first, the rest written and touched through B. */
static void build(int *fd, unsigned char **b, size_t len, size_t holes)
{
	size_t i;

	*fd = cgu_memfd("race_truncate_eof", len);
	*b = cgu_map_shared(*fd, len);
	cgu_madvise(*b, len, MADV_HUGEPAGE, "MADV_HUGEPAGE");
	for (i = holes; i < len / CG_PAGE_SIZE; i++)
		cgu_pattern_fill_page(*b + i * CG_PAGE_SIZE, SEED, i);
}

static void destroy(int fd, unsigned char *b, size_t len)
{
	munmap(b, len);
	close(fd);
}

static void apply(enum op op, int fd, size_t len)
{
	int ret = 0;

	switch (op) {
	case OP_TRUNCATE:
		ret = ftruncate(fd, 0);
		break;
	case OP_PUNCH:
		ret = fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, (off_t)len);
		break;
	case OP_FALLOCATE:
		ret = fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, (off_t)len);
		break;
	}
	if (ret)
		cgu_setup_fail_errno("%s", op_names[op]);
}

static void *mutator_thread(void *arg)
{
	struct mutator *m = arg;

	cgu_race_wait_start(m->start, m->delay_ns);
	m->t0 = cgu_now_ns();
	apply(m->op, m->fd, m->len);
	m->t1 = cgu_now_ns();
	return NULL;
}

/* The duration of one collapse of this setup with nobody racing it. */
static uint64_t collapse_duration_ns(size_t len, size_t holes)
{
	uint64_t best = ~0ULL;
	int i, fd, err;

	for (i = 0; i < 3; i++) {
		unsigned char *b;
		uint64_t t0;

		build(&fd, &b, len, holes);
		t0 = cgu_now_ns();
		(void)cgu_collapse(b, len, &err);
		if (cgu_now_ns() - t0 < best)
			best = cgu_now_ns() - t0;
		destroy(fd, b, len);
	}
	return best;
}

static bool fail_iter(unsigned long iter, const char *what, long long got)
{
	cgu_msg("FAIL: iteration=%lu %s (got %lld)", iter, what, got);
	return false;
}

/* Page i of the file as the operation alone leaves it. */
static enum cgu_expect expected_kind(enum op op, size_t page, size_t holes)
{
	return op == OP_FALLOCATE && page >= holes ? CG_EXPECT_PATTERN : CG_EXPECT_ZERO;
}

/* Every page, through pread and through B, is what the model says. */
static bool contents_ok(unsigned long iter, const struct opts *o, int fd,
			const unsigned char *b, size_t npages)
{
	struct cgu_mismatch mm;
	size_t i;

	for (i = 0; i < npages; i++) {
		enum cgu_expect kind = expected_kind(o->op, i, o->race.holes);

		if (!cgu_check_file_page(fd, kind, SEED, i, &mm) ||
		    !cgu_check_page(b + i * CG_PAGE_SIZE, kind, SEED, i, &mm)) {
			cgu_report_mismatch("file", &mm);
			return fail_iter(iter, "data differs from what the operation leaves",
					 (long long)i);
		}
	}
	return true;
}

static bool truncated_file_ok(unsigned long iter, const struct opts *o, int fd,
			      unsigned char *b, size_t len)
{
	unsigned char byte;
	struct stat st;

	if (fstat(fd, &st))
		cgu_setup_fail_errno("fstat");
	if (st.st_size != 0)
		return fail_iter(iter, "st_size after truncation", st.st_size);
	if (st.st_blocks != 0)
		return fail_iter(iter, "blocks charged past EOF: st_blocks", st.st_blocks);
	if (cgu_try_write_byte(b, 0x5a))
		return fail_iter(iter, "a write through B at offset 0 past EOF succeeded", 0);
	if (cgu_try_read(b + len - CG_PAGE_SIZE, &byte, 1))
		return fail_iter(iter, "a read of the last page past EOF succeeded", 0);
	if (ftruncate(fd, (off_t)len))
		cgu_setup_fail_errno("ftruncate back to %zu", len);
	return contents_ok(iter, o, fd, b, len / CG_PAGE_SIZE);
}

static bool file_ok(unsigned long iter, const struct opts *o, int fd,
		    unsigned char *b, size_t len)
{
	long long want_blocks = o->op == OP_FALLOCATE ? (long long)len / 512 : 0;
	struct stat st;

	if (o->op == OP_TRUNCATE)
		return truncated_file_ok(iter, o, fd, b, len);
	if (fstat(fd, &st))
		cgu_setup_fail_errno("fstat");
	if (st.st_blocks != want_blocks)
		return fail_iter(iter, "st_blocks differs from what the operation leaves",
				 st.st_blocks);
	return contents_ok(iter, o, fd, b, len / CG_PAGE_SIZE);
}

static void one_iteration(unsigned long iter, const struct opts *o, uint64_t delay_ns,
			  struct totals *tot)
{
	size_t len = cgu_pmd_size();
	pthread_barrier_t start;
	struct cgu_collapse_racer c = { .start = &start, .len = len };
	struct mutator m = { .start = &start, .delay_ns = delay_ns, .op = o->op, .len = len };
	int fd;

	build(&fd, &c.addr, len, o->race.holes);
	m.fd = fd;
	cgu_race_pair(&start, cgu_collapse_racer_thread, &c, mutator_thread, &m);
	if (m.t0 < c.start_ns + c.duration_ns && m.t1 > c.start_ns)
		tot->overlapped++;
	if (c.ret == 0)
		tot->collapsed++;
	else
		tot->refused++;
	if (c.ret && c.err != EINVAL && c.err != EAGAIN && c.err != EBUSY && c.err != ENOMEM)
		tot->bad += !fail_iter(iter, "MADV_COLLAPSE failed with an unexpected errno", c.err);
	if (!file_ok(iter, o, fd, c.addr, len))
		tot->bad++;
	destroy(fd, c.addr, len);
}

int main(int argc, char **argv)
{
	struct totals tot = { 0 };
	uint64_t span_ns, rng;
	unsigned long i;
	struct opts o;

	cgu_init(argv[0]);
	o = parse_args(argc, argv);
	cgu_sigbus_catch();
	rng = o.race.seed;
	span_ns = collapse_duration_ns(cgu_pmd_size(), o.race.holes);
	printf("op=%s iterations=%lu holes=%zu seed=%llu collapse_ns=%llu\n",
	       op_names[o.op], o.race.iterations, o.race.holes,
	       (unsigned long long)o.race.seed, (unsigned long long)span_ns);
	fflush(stdout);

	for (i = 0; i < o.race.iterations; i++) {
		/* sweep [0, 1.25 x the collapse's duration), jittered */
		uint64_t delay = span_ns * (i % 64) / 51 + cgu_rand(&rng) % (span_ns / 64 + 1);

		one_iteration(i, &o, delay, &tot);
	}
	printf("overlapped=%lu collapsed=%lu refused=%lu bad=%lu min_overlap=%lu\n",
	       tot.overlapped, tot.collapsed, tot.refused, tot.bad, o.min_overlap);
	if (tot.overlapped < o.min_overlap)
		cgu_msg("FAIL: only %lu iterations overlapped a collapse (need %lu)",
		       tot.overlapped, o.min_overlap);
	return tot.bad || tot.overlapped < o.min_overlap ? CG_EXIT_FAIL : CG_EXIT_OK;
}
