// SPDX-License-Identifier: GPL-2.0
/*
 * collapse_path - collapse the first 2 MiB (or the 2 MiB at --offset) of an
 * existing shmem file.
 *
 * The file (on a tmpfs; at least offset + 2 MiB long) was written by another
 * process, in another memory cgroup or on another node: this one maps that
 * PMD-sized range shared, at a PMD-aligned address, touches its first page
 * only (a page table for the mapping; the other holes stay holes), and
 * collapses the range: with MADV_COLLAPSE, or with MADV_HUGEPAGE and a wait
 * (deadline) until khugepaged has done it (page 0 then faults in
 * PMD-mapped). The huge page is charged to this process's memory cgroup,
 * which is what memcg statistics tests need.
 *
 * --rounds N repeats the MADV_COLLAPSE N times (a range that stays small,
 * refused each time: memcg charge failures; or a file truncated and
 * rewritten meanwhile: a short file is skipped, not an error) and counts
 * the results by errno; --expect says what each round must give.
 *
 * Output: key=value lines. Exit 0 if every round gave what --expect says
 * (default: collapsed), 1 if not, 2 on a usage or setup error.
 */
#include "cgu.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage[] =
	"usage: collapse_path [options] PATH\n"
	"  --via V        madvise (MADV_COLLAPSE, default) or khugepaged\n"
	"  --timeout S    khugepaged deadline in seconds (default 60)\n"
	"  --offset B     the range at byte B of the file, a multiple of 2 MiB\n"
	"                 (default 0)\n"
	"  --rounds N     (madvise) collapse N times (default 1)\n"
	"  --expect WHAT  collapsed|refused|any: what every round gives (default\n"
	"                 collapsed; refused: MADV_COLLAPSE fails and the range\n"
	"                 is not PMD-mapped)\n";

enum via { VIA_MADVISE, VIA_KHUGEPAGED };
static const char *const via_names[] = { "madvise", "khugepaged", NULL };
enum expect { EXPECT_COLLAPSED, EXPECT_REFUSED, EXPECT_ANY };
static const char *const expect_names[] = { "collapsed", "refused", "any", NULL };

struct opts {
	enum via via;
	enum expect expect;
	unsigned long timeout_s, rounds;
	size_t offset;
	const char *path;
};

/* Results of the rounds: collapsed, refused by errno, skipped. */
struct tally {
	unsigned long collapsed, refused, skipped, unexpected;
	unsigned long by_errno[4];	/* EBUSY, EAGAIN, EINVAL, ENOMEM */
};

static struct opts parse_args(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "via", required_argument, NULL, 'v' },
		{ "timeout", required_argument, NULL, 't' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "offset", required_argument, NULL, 'o' },
		{ "expect", required_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = { .via = VIA_MADVISE, .timeout_s = 60, .rounds = 1 };
	int c;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'v': o.via = cgu_parse_word(optarg, "--via", via_names); break;
		case 't': o.timeout_s = cgu_parse_ulong(optarg, "--timeout", 1, 3600); break;
		case 'r': o.rounds = cgu_parse_ulong(optarg, "--rounds", 1, 100000000); break;
		case 'o': o.offset = cgu_parse_ulong(optarg, "--offset", 0, 1UL << 40); break;
		case 'e': o.expect = cgu_parse_word(optarg, "--expect", expect_names); break;
		case 'h': fputs(usage, stdout); exit(0);
		default: cgu_usage_fail(usage, "bad option");
		}
	}
	if (optind != argc - 1)
		cgu_usage_fail(usage, "one PATH expected");
	o.path = argv[optind];
	if (o.offset % cgu_pmd_size())
		cgu_usage_fail(usage, "--offset must be a multiple of %zu", cgu_pmd_size());
	if (o.via == VIA_KHUGEPAGED && (o.rounds != 1 || o.expect != EXPECT_COLLAPSED))
		cgu_usage_fail(usage, "--via khugepaged waits for one collapse");
	return o;
}

static bool pmd_mapped(unsigned char *map, size_t len)
{
	unsigned char byte;

	if (!cgu_try_read(map, &byte, 1))
		return false;
	return cgu_smaps_kb(map, "ShmemPmdMapped") >= (long)(len / 1024);
}

/* khugepaged: poll until page 0 faults in PMD-mapped, or the deadline. */
static bool wait_khugepaged(unsigned char *map, size_t len, unsigned long timeout_s)
{
	uint64_t deadline = cgu_deadline_ms(timeout_s * 1000);

	cgu_madvise(map, len, MADV_HUGEPAGE, "MADV_HUGEPAGE");
	cgu_khugepaged_register_mm();
	while (!pmd_mapped(map, len)) {
		if (cgu_deadline_passed(deadline))
			return false;
		cgu_sleep_ms(50);
	}
	return true;
}

/* Map the file's range at offset, alone in its VMA at a PMD-aligned address
 * (the file mapped from 0, the part before the range unmapped: a smaps count
 * is then the range's); NULL if the file is shorter than that now. */
static unsigned char *map_range(int fd, const char *path, size_t offset, size_t len)
{
	unsigned char *map;
	struct stat st;

	if (fstat(fd, &st))
		cgu_setup_fail_errno("fstat %s", path);
	if (st.st_size < (off_t)(offset + len))
		return NULL;
	map = cgu_map_shared(fd, offset + len);
	if (offset && munmap(map, offset))
		cgu_setup_fail_errno("munmap the %zu bytes before the range", offset);
	return map + offset;
}

static void count_errno(struct tally *t, int err)
{
	static const int errnos[] = { EBUSY, EAGAIN, EINVAL, ENOMEM };
	size_t i;

	for (i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (errnos[i] == err)
			t->by_errno[i]++;
}

/* One MADV_COLLAPSE round, judged by --expect. */
static void collapse_round(const struct opts *o, int fd, size_t len, struct tally *t)
{
	unsigned char *map = map_range(fd, o->path, o->offset, len), byte;
	bool collapsed;
	int err = 0;

	if (!map) {
		t->skipped++;
		return;
	}
	/* a page table for the mapping, which a 6.1 success needs; a file
	 * truncated since map_range() looked raises SIGBUS: skipped */
	if (!cgu_try_read(map, &byte, 1)) {
		t->skipped++;
		munmap(map, len);
		return;
	}
	collapsed = cgu_collapse(map, len, &err) == 0 && pmd_mapped(map, len);
	if (collapsed) {
		t->collapsed++;
	} else {
		t->refused++;
		count_errno(t, err);
	}
	if ((o->expect == EXPECT_COLLAPSED && !collapsed) ||
	    (o->expect == EXPECT_REFUSED && collapsed)) {
		if (!t->unexpected++)
			cgu_msg("FAIL: a round %s (%s)", collapsed ? "collapsed" : "was refused",
				cgu_errno_name(err));
	}
	munmap(map, len);
}

int main(int argc, char **argv)
{
	size_t len = cgu_pmd_size();
	struct tally t = { 0 };
	unsigned long i;
	struct opts o;
	int fd;

	cgu_init(argv[0]);
	o = parse_args(argc, argv);
	if (o.via == VIA_KHUGEPAGED)
		cgu_require_khugepaged(true);
	fd = open(o.path, O_RDWR);
	if (fd < 0)
		cgu_setup_fail_errno("open %s", o.path);
	cgu_sigbus_catch();
	if (o.via == VIA_KHUGEPAGED) {
		unsigned char *map = map_range(fd, o.path, o.offset, len);

		if (!map)
			cgu_setup_fail("%s is shorter than %zu bytes", o.path, o.offset + len);
		(void)*(volatile unsigned char *)map;
		if (wait_khugepaged(map, len, o.timeout_s))
			t.collapsed++;
		else
			t.unexpected++;
	} else {
		for (i = 0; i < o.rounds; i++)
			collapse_round(&o, fd, len, &t);
	}
	printf("path=%s offset=%zu via=%s rounds=%lu collapsed=%lu refused=%lu skipped=%lu "
	       "ebusy=%lu eagain=%lu einval=%lu enomem=%lu unexpected=%lu\n",
	       o.path, o.offset, via_names[o.via], o.rounds, t.collapsed, t.refused, t.skipped,
	       t.by_errno[0], t.by_errno[1], t.by_errno[2], t.by_errno[3], t.unexpected);
	return t.unexpected ? CG_EXIT_FAIL : CG_EXIT_OK;
}
