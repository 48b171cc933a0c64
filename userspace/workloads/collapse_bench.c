// SPDX-License-Identifier: GPL-2.0
/*
 * collapse_bench - the measurements of "make bench", timed one operation at
 * a time in the guest, modes interleaved sample by sample (in the order
 * A B B A, so that neither mode always runs first).
 *
 *   collapse_bench latency --fill full|half|one --samples N [--memcpy] --out FILE
 *       MADV_COLLAPSE of one fresh 2 MiB memfd range: "off/FILL" and
 *       "guard/FILL" samples in ns, modes switched by blocks of 10 in the
 *       order A B B A, so that the i-th off and the i-th guard sample come
 *       from adjacent blocks (the pairs of compare --paired; N a multiple
 *       of 20 keeps as many off-first pairs as guard-first ones over calls
 *       appended to one file) (--label L: one series named L/FILL, the mode
 *       left alone, for the module-not-loaded comparison); --memcpy: each
 *       recorded collapse is followed by a timed 2 MiB memcpy between
 *       faulted-in buffers, "MODE/FILL-memcpy", so that the i-th memcpy
 *       pairs with the i-th collapse of the same mode, timed right after it
 *   collapse_bench refusal --samples N --out FILE
 *       the same half-populated range, registered MISSING through a second
 *       mapping: the stock collapse (off) against the guard's refusal
 *       (guard), one sample each in the order A B B A (the i-th of each
 *       side adjacent; N even keeps the order over calls appended to one
 *       file); also "unmapped" (pages of the registered mapping the
 *       refusal unmapped)
 *   collapse_bench readers --blocks B --block-ms MS [--fill half|full]
 *                          [--min-collapses C] --out FILE
 *       one thread collapses (punch, refill half, or all with --fill full,
 *       MADV_COLLAPSE) over and over, another times pread, SEEK_HOLE and
 *       page faults; per block of MS ms, modes alternating, the p99 of each:
 *       "MODE/pread-p99" ..., and the faults' p50, p90 and p99.9
 *       ("MODE/fault-p50"); with --fill full the labels name it
 *       ("MODE/full-fault-p99"). Blocks run in pairs (off and guard,
 *       adjacent); "MODE/[FILL-]collapses" gives each block's committed
 *       collapses. --min-collapses C: a pair in which a block committed
 *       fewer than C collapses measured no collapses to speak of (a
 *       collapse that keeps failing, as when the guest cannot get a huge
 *       page); neither block of it is recorded, "readers/pair-kept 0"
 *       (1 for a pair recorded) says so
 *   collapse_bench khugepaged --ranges K --rounds R [--trace DIR] --out FILE
 *       K half-populated MADV_HUGEPAGE ranges left to khugepaged, rounds in
 *       the order A B B A: ranges collapsed per second of khugepaged CPU
 *       (/proc/PID/schedstat), "MODE/khugepaged-ranges-per-cpu-s"; with
 *       --trace (tracefs, the module's events enabled by the caller) A is
 *       observe instead of off, and each round also gives the median
 *       duration of its ranges' committed collapses (256 holes each), from
 *       the module's events, guard_collapse in guard and stock_collapse in
 *       observe (duration_ns: the stock collapse_file() call alone, the
 *       detector's looks before and after it outside):
 *       "MODE/khugepaged-collapse-ns"
 *   collapse_bench memcpy --samples N --out FILE
 *       a 2 MiB memcpy between faulted-in buffers: "memcpy" (unpaired;
 *       make bench pairs it through latency --memcpy)
 *   collapse_bench compare FILE A B [--stat median|p99] [--paired] [--title T]
 *       one table row: B against A, medians (or p99s), the ratio and its 95%
 *       bootstrap interval, p10-p90 of each, the samples, spread and
 *       outliers; --paired: the i-th A and the i-th B were measured side by
 *       side (blocks, rounds; the columns describe the paired samples
 *       only), the ratio is exp() of the 20% trimmed mean
 *       of the per-pair log-ratios, its interval from resampled pairs
 *       (cgu_bench.h), and the last column gives the pairs and their
 *       ratios' spread; --estimator median: the median of the per-pair
 *       ratios instead (the bench's runs before 2026-12-03's fifth)
 *   collapse_bench resolved FILE A B --within PCT [--stat ..] [--paired]
 *       [--estimator trimmed|median]
 *       exit 0 when the 95% interval of B/A (as compare computes it) lies
 *       within PCT percent of the ratio, 1 when not yet (the benchmark
 *       measures on until it does or reaches its cap)
 *   collapse_bench summary FILE LABEL [--title T]
 *       one row: median, p10, p90, p99, max, spread, outliers of LABEL
 *
 * Samples are lines "LABEL VALUE" appended to FILE. Exit 0, 1 if a
 * measurement went wrong (a collapse failed, a refusal unmapped pages), 2
 * on usage or setup errors.
 */
#include "cgu.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/falloc.h>
#include <linux/userfaultfd.h>

static const char usage[] =
	"usage: collapse_bench latency --fill full|half|one --samples N --out FILE [--label L] [--memcpy]\n"
	"       collapse_bench refusal --samples N --out FILE\n"
	"       collapse_bench readers --blocks B --block-ms MS [--fill half|full] [--min-collapses C]\n"
	"                              --out FILE\n"
	"       collapse_bench khugepaged --ranges K --rounds R [--trace DIR] --out FILE\n"
	"       collapse_bench memcpy --samples N --out FILE\n"
	"       collapse_bench compare FILE A B [--stat median|p99] [--paired [--estimator trimmed|median]]\n"
	"                              [--title T]\n"
	"       collapse_bench resolved FILE A B --within PCT [--stat median|p99]\n"
	"                              [--paired [--estimator trimmed|median]]\n"
	"       collapse_bench summary FILE LABEL [--title T]\n";

#define MODE_PARAM	"/sys/module/collapse_guard/parameters/mode"
#define BOOT_RESAMPLES	2000

/* --fill's names, for the library's fill modes (half: every other page) */
enum fill { FILL_FULL, FILL_HALF, FILL_ONE };
static const char *const fill_names[] = { "full", "half", "one", NULL };
static const enum cgu_fill fill_modes[] = {
	[FILL_FULL] = CG_FILL_FULL,
	[FILL_HALF] = CG_FILL_PARTIAL,
	[FILL_ONE] = CG_FILL_SINGLE,
};
static const char *const modes[2] = { "off", "guard" };

struct opts {
	enum fill fill;
	unsigned long samples, blocks, block_ms, ranges, rounds, min_collapses;
	const char *out, *label, *stat, *title, *trace;
	enum cgu_centre centre;	/* --estimator, for --paired */
	bool paired, fill_set, memcpy, centre_set;
	unsigned long within;
};

static FILE *out;

static void write_knob(const char *path, const char *value)
{
	FILE *f = fopen(path, "w");

	if (!f || fprintf(f, "%s\n", value) < 0 || fclose(f))
		cgu_setup_fail_errno("cannot write %s to %s", value, path);
}

/* The mode, through the module parameter (the module must be loaded). */
static void set_mode(const char *mode)
{
	write_knob(MODE_PARAM, mode);
}

static void record(const char *label, const char *what, double v)
{
	fprintf(out, "%s%s%s %.0f\n", label, what ? "/" : "", what ? what : "", v);
}

/* Mode index of sample i in the order A B B A. */
static int abba(unsigned long i)
{
	return (int)((i & 1) ^ ((i >> 1) & 1));
}

/* ---- one range ------------------------------------------------------------- */

struct range {
	int fd;
	unsigned char *map;
	size_t len;
};

static void range_fill(struct range *r, enum fill f)
{
	cgu_fill_region(r->map, r->len / CG_PAGE_SIZE, fill_modes[f], 1);
}

static void range_open(struct range *r, enum fill f)
{
	r->len = cgu_pmd_size();
	r->fd = cgu_memfd("collapse_bench", r->len);
	r->map = cgu_map_shared(r->fd, r->len);
	range_fill(r, f);
}

static void range_close(struct range *r)
{
	munmap(r->map, r->len);
	close(r->fd);
}

/* One timed MADV_COLLAPSE; exits 1 unless it ended as @want_ok says. */
static double timed_collapse(struct range *r, bool want_ok, const char *what)
{
	uint64_t t0 = cgu_now_ns();
	int err, ret = cgu_collapse(r->map, r->len, &err);
	uint64_t t1 = cgu_now_ns();

	if ((ret == 0) != want_ok)
		cgu_assert_fail("%s: MADV_COLLAPSE returned %d (%s), expected %s", what,
				ret, cgu_errno_name(err), want_ok ? "success" : "a refusal");
	return (double)(t1 - t0);
}

/* ---- latency, refusal ---------------------------------------------------- */

/* One fresh range of @fill, collapsed; its time in ns. */
static double one_collapse(enum fill fill)
{
	struct range r;
	double ns;

	range_open(&r, fill);
	ns = timed_collapse(&r, true, fill_names[fill]);
	range_close(&r);
	return ns;
}

/*
 * Blocks of LATENCY_BLOCK samples, the modes in the order A B B A block by
 * block; after each switch one collapse runs unrecorded, so that what the
 * switch left behind (ftrace and kprobe work, freed trampolines) is not
 * charged to the first sample.
 */
#define LATENCY_BLOCK	10

/* Two faulted-in 2 MiB buffers for timed_memcpy. */
struct copy_bufs {
	unsigned char *a, *b;
	size_t len;
};

static void copy_bufs_open(struct copy_bufs *c)
{
	c->len = cgu_pmd_size();
	c->a = cgu_map_anon(c->len);
	c->b = cgu_map_anon(c->len);
	memset(c->a, 1, c->len);
	memset(c->b, 2, c->len);
}

static void copy_bufs_close(struct copy_bufs *c)
{
	munmap(c->a, c->len);
	munmap(c->b, c->len);
}

/* One timed 2 MiB memcpy, in ns. */
static double timed_memcpy(const struct copy_bufs *c)
{
	uint64_t t0 = cgu_now_ns();

	memcpy(c->b, c->a, c->len);
	__asm__ volatile("" : : "r"(c->b) : "memory");
	return (double)(cgu_now_ns() - t0);
}

static int bench_latency(const struct opts *o)
{
	const char *fill = fill_names[o->fill];
	unsigned long blocks = (o->samples + LATENCY_BLOCK - 1) / LATENCY_BLOCK;
	struct copy_bufs c;
	char copy_what[32];
	unsigned long b, i;

	snprintf(copy_what, sizeof(copy_what), "%s-memcpy", fill);
	if (o->memcpy)
		copy_bufs_open(&c);
	for (b = 0; b < blocks * (o->label ? 1 : 2); b++) {
		const char *label = o->label ? o->label : modes[abba(b)];

		if (!o->label)
			set_mode(label);
		one_collapse(o->fill);
		for (i = 0; i < LATENCY_BLOCK; i++) {
			record(label, fill, one_collapse(o->fill));
			if (o->memcpy)
				record(label, copy_what, timed_memcpy(&c));
		}
	}
	if (o->memcpy)
		copy_bufs_close(&c);
	return CG_EXIT_OK;
}

/* A half-populated range with a second mapping registered MISSING. */
static double one_refusal(int mode, int *unmapped)
{
	struct range r;
	unsigned char *a;
	long rss_before, rss_after;
	size_t p;
	int uffd;

	range_open(&r, FILL_HALF);
	a = cgu_map_shared(r.fd, r.len);
	uffd = cgu_uffd_open(0);
	if (cgu_uffd_register(uffd, a, r.len, UFFDIO_REGISTER_MODE_MISSING))
		cgu_setup_fail_errno("UFFDIO_REGISTER");
	for (p = 0; p < r.len / CG_PAGE_SIZE; p += 2)
		(void)*(volatile unsigned char *)(a + p * CG_PAGE_SIZE);
	rss_before = cgu_smaps_kb(a, "Rss");
	set_mode(modes[mode]);
	{
		double ns = timed_collapse(&r, mode == 0, modes[mode]);

		rss_after = cgu_smaps_kb(a, "Rss");
		*unmapped = (int)((rss_before - rss_after) * 1024 / (long)CG_PAGE_SIZE);
		close(uffd);
		munmap(a, r.len);
		range_close(&r);
		return ns;
	}
}

static int bench_refusal(const struct opts *o)
{
	unsigned long i;
	int bad = 0;

	for (i = 0; i < 2 * o->samples; i++) {
		int mode = abba(i), unmapped;
		double ns = one_refusal(mode, &unmapped);

		record(mode ? "guard" : "off", mode ? "refused" : "collapsed", ns);
		if (mode) {
			record("guard", "unmapped", unmapped);
			bad |= unmapped != 0;
		}
	}
	if (bad)
		cgu_msg("FAIL: a refusal unmapped pages of the registered mapping");
	return bad ? CG_EXIT_FAIL : CG_EXIT_OK;
}

/* ---- readers during collapses -------------------------------------------------- */

enum op { OP_PREAD, OP_SEEK, OP_FAULT, OP_COUNT };
static const char *const op_names[OP_COUNT] = { "pread", "seek_hole", "fault" };

struct readers {
	struct range r;
	enum fill fill;		/* what the collapser writes before each collapse */
	atomic_bool stop;
	struct cgu_sample lat[OP_COUNT];
	unsigned long collapses, failed;
	int last_err;		/* errno of the last failed collapse */
};

/* Punch the range, refill every other page, collapse; again until stopped. */
static void *collapser(void *arg)
{
	struct readers *rd = arg;
	int err;

	while (!atomic_load(&rd->stop)) {
		if (fallocate(rd->r.fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0,
			      (off_t)rd->r.len))
			cgu_setup_fail_errno("punch");
		range_fill(&rd->r, rd->fill);
		if (cgu_collapse(rd->r.map, rd->r.len, &err) == 0) {
			rd->collapses++;
		} else {
			rd->failed++;
			rd->last_err = err;
		}
	}
	return NULL;
}

static void timed_op(struct readers *rd, enum op op, uint64_t *rng)
{
	size_t page = cgu_rand(rng) % (rd->r.len / CG_PAGE_SIZE);
	unsigned char buf[64];
	uint64_t t0, t1;

	if (op == OP_FAULT) {
		page &= ~(size_t)1;	/* a present page: a fault never fills a hole */
		madvise(rd->r.map + page * CG_PAGE_SIZE, CG_PAGE_SIZE, MADV_DONTNEED);
	}
	t0 = cgu_now_ns();
	switch (op) {
	case OP_PREAD:
		if (pread(rd->r.fd, buf, sizeof(buf), (off_t)(page * CG_PAGE_SIZE)) < 0)
			cgu_setup_fail_errno("pread");
		break;
	case OP_SEEK:
		lseek(rd->r.fd, (off_t)(page * CG_PAGE_SIZE), SEEK_HOLE);
		break;
	default:
		(void)*(volatile unsigned char *)(rd->r.map + page * CG_PAGE_SIZE);
		break;
	}
	t1 = cgu_now_ns();
	cgu_sample_add(&rd->lat[op], (double)(t1 - t0));
}

/* One block's percentile of an operation: "MODE/[FILL-]OP-pNN". */
static void record_op(const char *mode, enum fill fill, enum op op,
		      struct cgu_sample *lat, double p, const char *suffix)
{
	char what[64];

	snprintf(what, sizeof(what), "%s%s%s%s", fill == FILL_HALF ? "" : fill_names[fill],
		 fill == FILL_HALF ? "" : "-", op_names[op], suffix);
	record(mode, what, cgu_percentile(lat, p));
}

/* One block; its samples go to out. Return: the collapses it committed. */
static unsigned long readers_block(const char *mode, enum fill fill, unsigned long ms,
				   FILE *log)
{
	struct readers rd = { .fill = fill };
	uint64_t rng = 0x7eade75ULL, deadline;
	pthread_t tid;
	int op;

	set_mode(mode);
	range_open(&rd.r, FILL_HALF);
	cgu_thread_start(&tid, collapser, &rd);
	deadline = cgu_now_ns() + ms * 1000000ULL;
	for (op = 0; cgu_now_ns() < deadline; op = (op + 1) % OP_COUNT)
		timed_op(&rd, op, &rng);
	atomic_store(&rd.stop, true);
	pthread_join(tid, NULL);
	for (op = 0; op < OP_COUNT; op++) {
		record_op(mode, fill, op, &rd.lat[op], 99, "-p99");
		if (op == OP_FAULT) {
			/* where in the distribution a difference starts */
			record_op(mode, fill, op, &rd.lat[op], 50, "-p50");
			record_op(mode, fill, op, &rd.lat[op], 90, "-p90");
			record_op(mode, fill, op, &rd.lat[op], 99.9, "-p999");
		}
		cgu_sample_free(&rd.lat[op]);
	}
	fprintf(log, "readers: mode %s: %lu collapses in the block", mode, rd.collapses);
	if (rd.failed)
		fprintf(log, ", %lu failed (the last %s)", rd.failed, cgu_errno_name(rd.last_err));
	fputc('\n', log);
	range_close(&rd.r);
	return rd.collapses;
}

/*
 * Blocks 2k and 2k+1 (off guard, then guard off: A B B A) are the k-th
 * pair; each block's samples are held in memory until the pair is known
 * to be kept, so that the i-th off and guard samples of the file still
 * come from one pair.
 */
static int bench_readers(const struct opts *o)
{
	enum fill fill = o->fill_set ? o->fill : FILL_HALF;
	FILE *file = out;
	unsigned long i;

	for (i = 0; i < o->blocks; i++) {
		unsigned long c[2];
		char *buf[2];
		size_t len[2];
		bool keep;
		int j;

		for (j = 0; j < 2; j++) {
			out = open_memstream(&buf[j], &len[j]);
			if (!out)
				cgu_setup_fail_errno("open_memstream");
			c[j] = readers_block(modes[abba(2 * i + j)], fill, o->block_ms, stdout);
			if (fclose(out))
				cgu_setup_fail_errno("open_memstream");
		}
		out = file;
		keep = c[0] >= o->min_collapses && c[1] >= o->min_collapses;
		for (j = 0; j < 2; j++) {
			if (keep && fwrite(buf[j], 1, len[j], out) != len[j])
				cgu_setup_fail_errno("cannot write the samples");
			record(modes[abba(2 * i + j)], fill == FILL_HALF ? "collapses" :
			       "full-collapses", (double)c[j]);
			free(buf[j]);
		}
		record("readers", "pair-kept", keep);
		if (!keep)
			printf("readers: pair dropped: %lu and %lu collapses, fewer than %lu\n",
			       c[0], c[1], o->min_collapses);
	}
	return CG_EXIT_OK;
}

/* ---- khugepaged ------------------------------------------------------------------ */

static bool is_khugepaged(const char *pid)
{
	char path[300], comm[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%s/comm", pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	if (!fgets(comm, sizeof(comm), f))
		comm[0] = '\0';
	fclose(f);
	return !strcmp(comm, "khugepaged\n");
}

/* khugepaged's pid; it is (re)started when THP is turned on: wait for it. */
static int khugepaged_pid(void)
{
	uint64_t deadline = cgu_deadline_ms(10000);

	do {
		DIR *proc = opendir("/proc");
		struct dirent *d;

		if (!proc)
			cgu_setup_fail_errno("/proc");
		while ((d = readdir(proc))) {
			if (d->d_name[0] >= '0' && d->d_name[0] <= '9' &&
			    is_khugepaged(d->d_name)) {
				int pid = atoi(d->d_name);

				closedir(proc);
				return pid;
			}
		}
		closedir(proc);
		cgu_sleep_ms(100);
	} while (!cgu_deadline_passed(deadline));
	cgu_setup_fail("no khugepaged thread (is THP enabled?)");
}

/* Nanoseconds khugepaged has run (/proc/PID/schedstat, first field). */
static uint64_t khugepaged_cpu_ns(int pid)
{
	char path[64];
	unsigned long long ns = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/schedstat", pid);
	f = fopen(path, "r");
	if (!f || fscanf(f, "%llu", &ns) != 1)
		cgu_setup_fail_errno("%s", path);
	fclose(f);
	return ns;
}

static bool range_collapsed(const struct range *r)
{
	return lseek(r->fd, 0, SEEK_HOLE) >= (off_t)r->len;
}

static size_t ranges_collapsed(const struct range *rs, size_t k)
{
	size_t i, n = 0;

	for (i = 0; i < k; i++)
		n += range_collapsed(&rs[i]);
	return n;
}

#define SCAN_SLEEP "/sys/kernel/mm/transparent_hugepage/khugepaged/scan_sleep_millisecs"

/*
 * Switches the mode with khugepaged paused, and leaves it paused: switching
 * to off waits for an RCU-tasks grace period, which needs every task to
 * sleep once, and khugepaged at scan_sleep_millisecs=0 with work to do
 * never sleeps. khugepaged_release() lets it go again.
 */
static void set_mode_khugepaged_paused(const char *mode)
{
	write_knob(SCAN_SLEEP, "100000");
	set_mode(mode);
}

/* Writing the knob wakes khugepaged, which then scans without a pause. */
static void khugepaged_release(void)
{
	write_knob(SCAN_SLEEP, "0");
}

/* ---- khugepaged's collapses, timed by the module's trace events ---------------- */

/* Empties the trace buffer (the events stay enabled). */
static void trace_clear(const char *dir)
{
	char path[300];
	int fd;

	snprintf(path, sizeof(path), "%s/trace", dir);
	fd = open(path, O_WRONLY | O_TRUNC);
	if (fd < 0)
		cgu_setup_fail_errno("%s", path);
	close(fd);
}

/* The number after " NAME=" in an event line; false if it has none. */
static bool event_field(const char *line, const char *name, unsigned long long *v)
{
	char key[40];
	const char *p;

	snprintf(key, sizeof(key), " %s=", name);
	p = strstr(line, key);
	return p && sscanf(p + strlen(key), "%llu", v) == 1;
}

/* Is @ino one of the round's @k inodes? */
static bool round_inode(const unsigned long *inos, size_t k, unsigned long long ino)
{
	size_t i;

	for (i = 0; i < k; i++)
		if (inos[i] == ino)
			return true;
	return false;
}

#define KHUGEPAGED_HOLES	256	/* FILL_HALF: every other page of 512 */

/*
 * The durations of the committed collapses of the round's ranges (inodes
 * @inos), as the trace holds them: @event lines (guard_collapse or
 * stock_collapse) with committed=1 and the fill's holes, whatever the
 * result (once the huge page is in, both return what the retraction of
 * the page tables made of khugepaged's mapping). Return: how many.
 */
static size_t round_durations(const char *dir, const char *event,
			      const unsigned long *inos, size_t k,
			      struct cgu_sample *d)
{
	char path[300], line[768], tag[48];
	unsigned long long ino, holes, committed, ns;
	FILE *f;

	snprintf(path, sizeof(path), "%s/trace", dir);
	snprintf(tag, sizeof(tag), " %s: ", event);
	f = fopen(path, "r");
	if (!f)
		cgu_setup_fail_errno("%s", path);
	while (fgets(line, sizeof(line), f)) {
		if (!strstr(line, tag) || !event_field(line, "ino", &ino) ||
		    !event_field(line, "holes", &holes) ||
		    !event_field(line, "committed", &committed) ||
		    !event_field(line, "duration_ns", &ns))
			continue;
		if (!round_inode(inos, k, ino) || holes != KHUGEPAGED_HOLES || !committed)
			continue;
		cgu_sample_add(d, (double)ns);
	}
	fclose(f);
	return d->n;
}

/*
 * The median duration of the round's committed collapses. A range reads
 * as collapsed (SEEK_HOLE) a little before its collapse's event is
 * written: wait for all @k, 2 s at most, then take those seen.
 */
static double round_median_duration(const char *dir, int mode,
				    const unsigned long *inos, size_t k)
{
	const char *event = mode ? "guard_collapse" : "stock_collapse";
	uint64_t deadline = cgu_deadline_ms(2000);
	struct cgu_sample d = { 0 };
	double median;

	while (round_durations(dir, event, inos, k, &d) < k &&
	       !cgu_deadline_passed(deadline)) {
		cgu_sample_free(&d);
		cgu_sleep_ms(50);
	}
	if (!d.n)
		cgu_assert_fail("no committed %s event for the round's %zu ranges in %s/trace",
				event, k, dir);
	median = cgu_percentile(&d, 50);
	printf("khugepaged: mode %s: %zu of %zu collapses timed (%s), median %.0f ns\n",
	       mode ? "guard" : "observe", d.n, k, event, median);
	cgu_sample_free(&d);
	return median;
}

/* One round in mode @mode (0: off, or observe with --trace; 1: guard). */
static void khugepaged_round(int mode, size_t k, int pid, const struct opts *o)
{
	const char *name = mode ? "guard" : o->trace ? "observe" : "off";
	struct range *rs = calloc(k, sizeof(*rs));
	unsigned long *inos = calloc(k, sizeof(*inos));
	uint64_t cpu0, deadline = cgu_deadline_ms(120000);
	size_t i, done;
	double rate;

	if (!rs || !inos)
		cgu_setup_fail("out of memory");
	set_mode_khugepaged_paused(name);
	if (o->trace)
		trace_clear(o->trace);
	for (i = 0; i < k; i++) {
		struct stat st;

		range_open(&rs[i], FILL_HALF);
		if (fstat(rs[i].fd, &st))
			cgu_setup_fail_errno("fstat");
		inos[i] = st.st_ino;
		cgu_madvise(rs[i].map, rs[i].len, MADV_HUGEPAGE, "MADV_HUGEPAGE");
	}
	/*
	 * Its CPU time counts from here: released before the ranges were
	 * made, it collapsed most of them before this reading (until
	 * 2026-12-03, when the row spread ±60%).
	 */
	cpu0 = khugepaged_cpu_ns(pid);
	khugepaged_release();
	while ((done = ranges_collapsed(rs, k)) < k && !cgu_deadline_passed(deadline))
		cgu_sleep_ms(20);
	if (done < k)
		cgu_assert_fail("khugepaged collapsed %zu of %zu ranges in 120 s (mode %s)",
				done, k, name);
	rate = (double)k / ((double)(khugepaged_cpu_ns(pid) - cpu0) / 1e9);
	record(name, "khugepaged-ranges-per-cpu-s", rate);
	if (o->trace)
		record(name, "khugepaged-collapse-ns",
		       round_median_duration(o->trace, mode, inos, k));
	for (i = 0; i < k; i++)
		range_close(&rs[i]);
	free(rs);
	free(inos);
}

static int bench_khugepaged(const struct opts *o)
{
	int pid = khugepaged_pid();
	unsigned long i;

	cgu_khugepaged_register_mm();
	cgu_require_khugepaged(true);
	for (i = 0; i < 2 * o->rounds; i++)
		khugepaged_round(abba(i), o->ranges, pid, o);
	return CG_EXIT_OK;
}

/* ---- memcpy ---------------------------------------------------------------------- */

static int bench_memcpy(const struct opts *o)
{
	struct copy_bufs c;
	unsigned long i;

	copy_bufs_open(&c);
	for (i = 0; i < o->samples; i++)
		record("memcpy", NULL, timed_memcpy(&c));
	copy_bufs_close(&c);
	return CG_EXIT_OK;
}

/* ---- analysis --------------------------------------------------------------------- */

static void load_label(const char *path, const char *label, struct cgu_sample *s)
{
	char line[256], name[128];
	double v;
	FILE *f = fopen(path, "r");

	if (!f)
		cgu_setup_fail_errno("%s", path);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%127s %lf", name, &v) == 2 && !strcmp(name, label))
			cgu_sample_add(s, v);
	fclose(f);
	if (!s->n)
		cgu_setup_fail("no samples of %s in %s", label, path);
}

/* The interval's wider side, in percent of the ratio. */
static double half_width_pct(double ratio, double lo, double hi)
{
	double w = ratio - lo > hi - ratio ? ratio - lo : hi - ratio;

	return ratio > 0 ? 100 * w / ratio : 0;
}

/* B/A of two labels of a samples file, as compare and resolved report it. */
struct bench_ratio {
	struct cgu_sample a, b;
	double p, ratio, lo, hi, pair_spread;
	size_t pairs;
};

static void bench_ratio_load(struct bench_ratio *r, const char *path,
			     const char *la, const char *lb, const struct opts *o)
{
	memset(r, 0, sizeof(*r));
	r->p = o->stat && !strcmp(o->stat, "p99") ? 99 : 50;
	load_label(path, la, &r->a);
	load_label(path, lb, &r->b);
	/*
	 * Paired, the i-th A goes with the i-th B: A's samples beyond B's (a
	 * side the bench stopped measuring while A went on for another) are in
	 * no pair, and the columns must not describe them either.
	 */
	if (o->paired && r->a.n != r->b.n)
		r->a.n = r->b.n = r->a.n < r->b.n ? r->a.n : r->b.n;
	if (!o->paired)
		cgu_ratio_ci(&r->a, &r->b, r->p, BOOT_RESAMPLES, &r->ratio, &r->lo, &r->hi);
	else if (!cgu_paired_ratio_ci(&r->a, &r->b, o->centre, BOOT_RESAMPLES,
				      &r->ratio, &r->lo, &r->hi, &r->pair_spread,
				      &r->pairs))
		cgu_setup_fail("no pair of %s and %s in %s", la, lb, path);
}

static void bench_ratio_free(struct bench_ratio *r)
{
	cgu_sample_free(&r->a);
	cgu_sample_free(&r->b);
}

static int bench_compare(const char *path, const char *la, const char *lb,
			 const struct opts *o)
{
	struct cgu_summary sa, sb;
	struct bench_ratio r;
	char pairs[48] = "-";

	bench_ratio_load(&r, path, la, lb, o);
	cgu_summarize(&r.a, &sa);
	cgu_summarize(&r.b, &sb);
	if (o->paired)
		snprintf(pairs, sizeof(pairs), "%zu, %.2f", r.pairs, r.pair_spread);
	printf("| %s | %.0f | %.0f | %.3f | [%.3f, %.3f] | ±%.1f%% | %.0f-%.0f / %.0f-%.0f | %zu+%zu | %.2f / %.2f | %zu / %zu | %s |\n",
	       o->title ? o->title : lb, r.p == 99 ? sa.p99 : sa.median,
	       r.p == 99 ? sb.p99 : sb.median, r.ratio, r.lo, r.hi,
	       half_width_pct(r.ratio, r.lo, r.hi), sa.p10, sa.p90, sb.p10, sb.p90,
	       sa.n, sb.n, sa.spread, sb.spread, sa.outliers, sb.outliers, pairs);
	bench_ratio_free(&r);
	return CG_EXIT_OK;
}

/*
 * Exit 0 when the 95% interval of B/A lies within PCT percent of the ratio
 * (both ends), 1 when it does not yet: the benchmark measures more until it
 * does, or until its cap.
 */
static int bench_resolved(const char *path, const char *la, const char *lb,
			  const struct opts *o)
{
	struct bench_ratio r;
	bool ok;

	bench_ratio_load(&r, path, la, lb, o);
	ok = half_width_pct(r.ratio, r.lo, r.hi) <= (double)o->within;
	printf("%s / %s: %.3f [%.3f, %.3f] %s within %lu%%\n", lb, la, r.ratio,
	       r.lo, r.hi, ok ? "is" : "is not yet", o->within);
	bench_ratio_free(&r);
	return ok ? CG_EXIT_OK : CG_EXIT_FAIL;
}

static int bench_summary(const char *path, const char *label, const struct opts *o)
{
	struct cgu_sample s = { 0 };
	struct cgu_summary sum;

	load_label(path, label, &s);
	cgu_summarize(&s, &sum);
	printf("| %s | %.0f | %.0f | %.0f | %.0f | %.0f | %zu | %.2f | %zu |\n",
	       o->title ? o->title : label, sum.median, sum.p10, sum.p90, sum.p99,
	       sum.max, sum.n, sum.spread, sum.outliers);
	cgu_sample_free(&s);
	return CG_EXIT_OK;
}

/* ---- main ---------------------------------------------------------------------------- */

static void parse(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "fill", required_argument, NULL, 'f' },
		{ "samples", required_argument, NULL, 'n' },
		{ "blocks", required_argument, NULL, 'b' },
		{ "block-ms", required_argument, NULL, 'm' },
		{ "ranges", required_argument, NULL, 'k' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "out", required_argument, NULL, 'o' },
		{ "label", required_argument, NULL, 'l' },
		{ "stat", required_argument, NULL, 's' },
		{ "title", required_argument, NULL, 't' },
		{ "paired", no_argument, NULL, 'p' },
		{ "estimator", required_argument, NULL, 'e' },
		{ "within", required_argument, NULL, 'w' },
		{ "trace", required_argument, NULL, 'T' },
		{ "memcpy", no_argument, NULL, 'M' },
		{ "min-collapses", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const stats[] = { "median", "p99", NULL };
	/* in the order of enum cgu_centre */
	static const char *const estimators[] = { "trimmed", "median", NULL };
	int c;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			o->fill = cgu_parse_word(optarg, "--fill", fill_names);
			o->fill_set = true;
			break;
		case 'n': o->samples = cgu_parse_ulong(optarg, "--samples", 1, 100000); break;
		case 'b': o->blocks = cgu_parse_ulong(optarg, "--blocks", 1, 1000); break;
		case 'm': o->block_ms = cgu_parse_ulong(optarg, "--block-ms", 10, 600000); break;
		case 'k': o->ranges = cgu_parse_ulong(optarg, "--ranges", 1, 256); break;
		case 'r': o->rounds = cgu_parse_ulong(optarg, "--rounds", 1, 1000); break;
		case 'o': o->out = optarg; break;
		case 'l': o->label = optarg; break;
		case 's': o->stat = stats[cgu_parse_word(optarg, "--stat", stats)]; break;
		case 't': o->title = optarg; break;
		case 'p': o->paired = true; break;
		case 'e':
			o->centre = cgu_parse_word(optarg, "--estimator", estimators);
			o->centre_set = true;
			break;
		case 'T': o->trace = optarg; break;
		case 'M': o->memcpy = true; break;
		case 'C': o->min_collapses = cgu_parse_ulong(optarg, "--min-collapses", 0, 100000); break;
		case 'w': o->within = cgu_parse_ulong(optarg, "--within", 1, 100); break;
		case 'h': fputs(usage, stdout); exit(CG_EXIT_OK);
		default: cgu_usage_fail(usage, "bad option");
		}
	}
	if (o->centre_set && !o->paired)
		cgu_usage_fail(usage, "--estimator is for --paired ratios");
}

static int run_measure(const char *cmd, const struct opts *o)
{
	if (!o->out)
		cgu_usage_fail(usage, "%s needs --out FILE", cmd);
	out = fopen(o->out, "a");
	if (!out)
		cgu_setup_fail_errno("%s", o->out);
	setvbuf(out, NULL, _IOLBF, 0);
	if (!strcmp(cmd, "latency") && o->samples)
		return bench_latency(o);
	if (!strcmp(cmd, "refusal") && o->samples)
		return bench_refusal(o);
	if (!strcmp(cmd, "readers") && o->fill_set && o->fill == FILL_ONE)
		cgu_usage_fail(usage, "readers --fill half|full (their faults meet present pages)");
	if (!strcmp(cmd, "readers") && o->blocks && o->block_ms)
		return bench_readers(o);
	if (!strcmp(cmd, "khugepaged") && o->ranges && o->rounds)
		return bench_khugepaged(o);
	if (!strcmp(cmd, "memcpy") && o->samples)
		return bench_memcpy(o);
	cgu_usage_fail(usage, "%s: missing or unknown options", cmd);
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	const char *cmd;

	cgu_init(argv[0]);
	if (argc < 2)
		cgu_usage_fail(usage, "missing command");
	cmd = argv[1];
	parse(argc - 1, argv + 1, &o);
	if (!strcmp(cmd, "compare")) {
		if (argc - 1 - optind != 3)
			cgu_usage_fail(usage, "compare FILE A B");
		return bench_compare(argv[optind + 1], argv[optind + 2],
				     argv[optind + 3], &o);
	}
	if (!strcmp(cmd, "resolved")) {
		if (argc - 1 - optind != 3 || !o.within)
			cgu_usage_fail(usage, "resolved FILE A B --within PCT");
		return bench_resolved(argv[optind + 1], argv[optind + 2],
				      argv[optind + 3], &o);
	}
	if (!strcmp(cmd, "summary")) {
		if (argc - 1 - optind != 2)
			cgu_usage_fail(usage, "summary FILE LABEL");
		return bench_summary(argv[optind + 1], argv[optind + 2], &o);
	}
	if (optind != argc - 1)
		cgu_usage_fail(usage, "unexpected argument '%s'", argv[optind + 1]);
	return run_measure(cmd, &o);
}
