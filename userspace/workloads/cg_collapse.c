// SPDX-License-Identifier: GPL-2.0
/*
 * cg_collapse - collapse workloads for collapse_guard tests.
 *
 * Builds N PMD-sized ranges of shmem (a memfd mapped MAP_SHARED) or private
 * anonymous memory, fills them with a position-dependent pattern (all pages,
 * every other page, or a single page per range; optionally pushed to swap),
 * collapses them with MADV_COLLAPSE or waits (with a deadline) for khugepaged
 * to do it, then checks every byte and whether each range ended PMD-mapped.
 *
 * Output: key=value lines; the summary line carries
 *   collapse_ret= errno= pmd_mapped_kb= collapsed= verified=
 * Exit: 0 when --expect and every check held, 1 on a failed check, 2 on a
 * usage or setup error.
 */
#include "cgu.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/userfaultfd.h>

static const char usage[] =
	"usage: cg_collapse shmem|anon [options]\n"
	"  --ranges N              number of 2 MiB ranges (default 1)\n"
	"  --fill MODE             full|partial|single|swapped (default full)\n"
	"                          partial: even pages only; single: page 0 only;\n"
	"                          swapped: full, then MADV_PAGEOUT of every other\n"
	"                          page (needs swap)\n"
	"  --khugepaged            wait for khugepaged instead of MADV_COLLAPSE\n"
	"  --timeout S             khugepaged deadline in seconds (default 60)\n"
	"  --uffd-missing          (shmem) also map the memfd a second time and\n"
	"                          register that mapping MISSING with userfaultfd\n"
	"                          (the guard refuses only ranges with holes)\n"
	"  --expect WHAT           collapsed|refused|any (default any)\n"
	"  --check-accounting      assert that file pages (st_blocks), Rss, Swap,\n"
	"                          meminfo Shmem and ShmemHugePages moved as\n"
	"                          expected (collapsed: range fully resident and\n"
	"                          huge; refused: unchanged, Rss may only drop)\n"
	"  --tolerance-kb N        slack for meminfo Shmem (default 256)\n"
	"  --seed N                pattern seed (default: from pid and time)\n"
	"  --file PATH             (shmem) use a new file at PATH, on a tmpfs,\n"
	"                          instead of a memfd\n";

enum kind { KIND_SHMEM, KIND_ANON };
enum expect { EXPECT_COLLAPSED, EXPECT_REFUSED, EXPECT_ANY };
static const char *const kind_names[] = { "shmem", "anon", NULL };
static const char *const expect_names[] = { "collapsed", "refused", "any", NULL };

struct opts {
	enum kind kind;
	size_t ranges;
	enum cgu_fill fill;
	bool khugepaged;
	unsigned long timeout_s;
	bool uffd_missing;
	enum expect expect;
	bool check_accounting;
	long tolerance_kb;
	uint64_t seed;
	const char *path;
};

struct region {
	int fd;			/* memfd, -1 for anon */
	unsigned char *addr;
	unsigned char *uffd_map;	/* second, uffd-registered mapping */
	int uffd;
	size_t len, npages;
};

struct snapshot {
	long file_pages;	/* shmem: st_blocks / 8 */
	long rss_kb;		/* Rss of the collapsing mapping */
	long pmd_kb;		/* PMD-mapped kB of the collapsing mapping */
	long swap_kb;		/* Swap of the mapping */
	long resident;		/* mincore-resident pages */
	long shmem_kb, shmem_huge_kb;	/* /proc/meminfo */
};

struct outcome {
	int ret, err;
	uint64_t collapse_us, wait_ms;
	long pmd_kb;
	bool collapsed;
	size_t ranges_collapsed;
};

static struct opts parse_args(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "ranges", required_argument, NULL, 'r' },
		{ "fill", required_argument, NULL, 'f' },
		{ "khugepaged", no_argument, NULL, 'k' },
		{ "timeout", required_argument, NULL, 't' },
		{ "uffd-missing", no_argument, NULL, 'u' },
		{ "expect", required_argument, NULL, 'e' },
		{ "check-accounting", no_argument, NULL, 'a' },
		{ "tolerance-kb", required_argument, NULL, 'T' },
		{ "seed", required_argument, NULL, 's' },
		{ "file", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = {
		.ranges = 1, .fill = CG_FILL_FULL, .timeout_s = 60,
		.expect = EXPECT_ANY, .tolerance_kb = 256,
		.seed = ((uint64_t)getpid() << 32) ^ cgu_now_ns(),
	};
	int c;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': o.ranges = cgu_parse_ulong(optarg, "--ranges", 1, 256); break;
		case 'f': o.fill = cgu_parse_word(optarg, "--fill", cgu_fill_names); break;
		case 'k': o.khugepaged = true; break;
		case 't': o.timeout_s = cgu_parse_ulong(optarg, "--timeout", 1, 3600); break;
		case 'u': o.uffd_missing = true; break;
		case 'e': o.expect = cgu_parse_word(optarg, "--expect", expect_names); break;
		case 'a': o.check_accounting = true; break;
		case 'T': o.tolerance_kb = (long)cgu_parse_ulong(optarg, "--tolerance-kb", 0, 1 << 30); break;
		case 's': o.seed = cgu_parse_ulong(optarg, "--seed", 0, ~0UL); break;
		case 'F': o.path = optarg; break;
		case 'h': fputs(usage, stdout); exit(0);
		default: cgu_usage_fail(usage, "bad option");
		}
	}
	if (optind != argc - 1)
		cgu_usage_fail(usage, "expected exactly one of shmem|anon");
	o.kind = cgu_parse_word(argv[optind], "kind", kind_names);
	if (o.uffd_missing && o.kind != KIND_SHMEM)
		cgu_usage_fail(usage, "--uffd-missing needs shmem");
	if (o.path && o.kind != KIND_SHMEM)
		cgu_usage_fail(usage, "--file needs shmem");
	return o;
}

static const char *pmd_field(enum kind kind)
{
	return kind == KIND_SHMEM ? "ShmemPmdMapped" : "AnonHugePages";
}

static long pmd_mapped_kb(const struct region *r, enum kind kind)
{
	long kb = cgu_smaps_kb(r->addr, pmd_field(kind));
	long file_kb = kind == KIND_SHMEM ? cgu_smaps_kb(r->addr, "FilePmdMapped") : -1;

	if (kb < 0)
		cgu_setup_fail("no %s in /proc/self/smaps", pmd_field(kind));
	return kb + (file_kb > 0 ? file_kb : 0);
}

static size_t written_pages(const struct opts *o, size_t npages)
{
	size_t per_range = cgu_pmd_size() / CG_PAGE_SIZE, i, n = 0;

	for (i = 0; i < npages; i++)
		n += cgu_fill_writes(o->fill, i % per_range);
	return n;
}

static void register_uffd_twin(struct region *r)
{
	r->uffd_map = cgu_map_shared(r->fd, r->len);
	r->uffd = cgu_uffd_open(0);
	if (cgu_uffd_register(r->uffd, r->uffd_map, r->len, UFFDIO_REGISTER_MODE_MISSING))
		cgu_setup_fail_errno("UFFDIO_REGISTER MISSING");
}

/*
 * Page out every other page: a range with some pages present and some in
 * swap (a fully swapped anonymous range has no writable PTE, and 6.1
 * refuses to collapse it: SCAN_PAGE_RO).
 */
static void push_to_swap(const struct region *r, enum kind kind)
{
	long swap_kb;
	size_t i;

	for (i = 1; i < r->npages; i += 2)
		cgu_madvise(r->addr + i * CG_PAGE_SIZE, CG_PAGE_SIZE, MADV_PAGEOUT, "MADV_PAGEOUT");
	swap_kb = cgu_smaps_kb(r->addr, "Swap");
	if (swap_kb <= 0)
		cgu_setup_fail("MADV_PAGEOUT swapped nothing out of the %s range (Swap=%ld kB): is swap on?",
			      kind_names[kind], swap_kb);
}

/*
 * Fill with small pages: the pattern is written before MADV_HUGEPAGE (and
 * anon under MADV_NOHUGEPAGE), so faults do not allocate huge pages and the
 * collapse has work to do.
 */
static struct region setup_region(const struct opts *o)
{
	struct region r = { .fd = -1, .uffd = -1 };

	r.len = o->ranges * cgu_pmd_size();
	r.npages = r.len / CG_PAGE_SIZE;
	if (o->kind == KIND_SHMEM) {
		r.fd = o->path ? cgu_shmem_file(o->path, r.len) :
				 cgu_memfd("cg_collapse", r.len);
		r.addr = cgu_map_shared(r.fd, r.len);
	} else {
		r.addr = cgu_map_anon(r.len);
		cgu_madvise(r.addr, r.len, MADV_NOHUGEPAGE, "MADV_NOHUGEPAGE");
	}
	cgu_fill_region(r.addr, r.npages, o->fill, o->seed);
	if (o->fill == CG_FILL_SWAPPED)
		push_to_swap(&r, o->kind);
	if (pmd_mapped_kb(&r, o->kind))
		cgu_setup_fail("range already PMD-mapped before the collapse (THP knob always/force?)");
	if (o->uffd_missing)
		register_uffd_twin(&r);
	return r;
}

/* MADV_HUGEPAGE last: from here on khugepaged may collapse the range. */
static void arm_region(const struct region *r)
{
	cgu_madvise(r->addr, r->len, MADV_HUGEPAGE, "MADV_HUGEPAGE");
}

static struct snapshot take_snapshot(const struct region *r, enum kind kind)
{
	struct snapshot s = { .file_pages = -1 };

	if (kind == KIND_SHMEM)
		s.file_pages = cgu_file_pages(r->fd);
	s.rss_kb = cgu_smaps_kb(r->addr, "Rss");
	s.pmd_kb = pmd_mapped_kb(r, kind);
	s.swap_kb = cgu_smaps_kb(r->addr, "Swap");
	s.resident = (long)cgu_resident_pages(r->addr, r->len, NULL);
	s.shmem_kb = cgu_meminfo_kb("Shmem");
	s.shmem_huge_kb = cgu_meminfo_kb("ShmemHugePages");
	return s;
}

static void print_snapshot(const char *when, const struct snapshot *s)
{
	printf("snapshot=%s file_pages=%ld rss_kb=%ld pmd_mapped_kb=%ld swap_kb=%ld resident_pages=%ld meminfo_shmem_kb=%ld meminfo_shmem_huge_kb=%ld\n",
	       when, s->file_pages, s->rss_kb, s->pmd_kb, s->swap_kb, s->resident,
	       s->shmem_kb, s->shmem_huge_kb);
}

/* Read page 0 of every range (written in every fill mode): after khugepaged
 * retracted the page table, this fault maps the huge page with a PMD. */
static void touch_ranges(const struct region *r, size_t ranges)
{
	size_t i;

	for (i = 0; i < ranges; i++)
		(void)*(volatile unsigned char *)(r->addr + i * cgu_pmd_size());
}

static void collapse_by_madvise(const struct region *r, struct outcome *out)
{
	uint64_t t0 = cgu_now_ns();

	out->ret = cgu_collapse(r->addr, r->len, &out->err);
	out->collapse_us = (cgu_now_ns() - t0) / 1000;
}

static void collapse_by_khugepaged(const struct opts *o, const struct region *r,
				   struct outcome *out)
{
	long want = (long)(r->len / 1024);
	uint64_t t0 = cgu_now_ns(), deadline = cgu_deadline_ms(o->timeout_s * 1000);

	if (o->kind == KIND_SHMEM)
		cgu_khugepaged_register_mm();
	out->ret = -1;
	out->err = ETIMEDOUT;
	while (!cgu_deadline_passed(deadline)) {
		touch_ranges(r, o->ranges);
		if (pmd_mapped_kb(r, o->kind) >= want) {
			out->ret = 0;
			out->err = 0;
			break;
		}
		cgu_sleep_ms(50);
	}
	out->wait_ms = (cgu_now_ns() - t0) / 1000000;
}

static bool verify_contents(const struct opts *o, const struct region *r,
			    const struct outcome *out)
{
	unsigned int how;
	struct cgu_mismatch mm;
	const char *where = "";

	if (o->kind == KIND_ANON)
		how = CG_VERIFY_MAP_ALL;
	else if (out->collapsed)
		how = CG_VERIFY_FILE | CG_VERIFY_MAP_ALL;
	else	/* reading a hole through the mapping would allocate it */
		how = CG_VERIFY_FILE | CG_VERIFY_MAP_WRITTEN;
	if (cgu_verify_region(r->fd, r->addr, r->npages, o->fill, o->seed, how, &mm, &where))
		return true;
	cgu_report_mismatch(where, &mm);
	return false;
}

static int check_eq(const char *what, long got, long want)
{
	if (got == want)
		return 0;
	cgu_msg("FAIL: accounting: %s is %ld, expected %ld", what, got, want);
	return 1;
}

static int check_near(const char *what, long got, long want, long tol)
{
	if (got >= want - tol && got <= want + tol)
		return 0;
	cgu_msg("FAIL: accounting: %s is %ld, expected %ld +- %ld", what, got, want, tol);
	return 1;
}

static int check_shmem_accounting(const struct opts *o, const struct region *r,
				  const struct snapshot *b, const struct snapshot *a,
				  bool collapsed)
{
	long range_kb = (long)(cgu_pmd_size() / 1024);
	long full_kb = (long)(r->len / 1024);
	int bad = 0;

	bad += check_eq("file pages before", b->file_pages, (long)written_pages(o, r->npages));
	if (!collapsed) {
		bad += check_eq("file pages after refused collapse", a->file_pages, b->file_pages);
		bad += check_eq("ShmemHugePages delta", a->shmem_huge_kb - b->shmem_huge_kb, 0);
		/* A refused collapse may leave pages unmapped: Rss cannot grow. */
		if (a->rss_kb > b->rss_kb)
			bad += check_eq("Rss after refused collapse", a->rss_kb, b->rss_kb);
		bad += check_near("meminfo Shmem delta", a->shmem_kb - b->shmem_kb, 0,
				  o->tolerance_kb);
		return bad;
	}
	bad += check_eq("file pages after collapse", a->file_pages, (long)r->npages);
	bad += check_eq("ShmemHugePages delta", a->shmem_huge_kb - b->shmem_huge_kb,
			(long)o->ranges * range_kb);
	bad += check_eq("Rss after collapse", a->rss_kb, full_kb);
	bad += check_eq("Swap after collapse", a->swap_kb, 0);
	if (o->fill != CG_FILL_SWAPPED)	/* swap cache pages blur NR_SHMEM */
		bad += check_near("meminfo Shmem delta", a->shmem_kb - b->shmem_kb,
				  full_kb - b->resident * 4, o->tolerance_kb);
	return bad;
}

static int check_anon_accounting(const struct region *r, const struct snapshot *b,
				 const struct snapshot *a, bool collapsed)
{
	long full_kb = (long)(r->len / 1024);
	int bad = 0;

	if (!collapsed)	/* nothing to free or fill: Rss stays */
		return check_eq("Rss after refused collapse", a->rss_kb, b->rss_kb);
	bad += check_eq("AnonHugePages after collapse", a->pmd_kb, full_kb);
	bad += check_eq("Rss after collapse", a->rss_kb, full_kb);
	return bad;
}

static int check_accounting(const struct opts *o, const struct region *r,
			    const struct snapshot *b, const struct snapshot *a,
			    const struct outcome *out)
{
	int bad;

	if (out->ranges_collapsed && out->ranges_collapsed != o->ranges) {
		printf("accounting=skipped reason=partial_collapse\n");
		return 0;
	}
	bad = o->kind == KIND_SHMEM ?
	      check_shmem_accounting(o, r, b, a, out->collapsed) :
	      check_anon_accounting(r, b, a, out->collapsed);
	printf("accounting=%s\n", bad ? "bad" : "ok");
	return bad;
}

static int check_expectation(const struct opts *o, const struct outcome *out)
{
	switch (o->expect) {
	case EXPECT_COLLAPSED:
		if (out->ret || !out->collapsed) {
			cgu_msg("FAIL: expected a collapse: collapse_ret=%d errno=%s pmd_mapped_kb=%ld",
			       out->ret, cgu_errno_name(out->err), out->pmd_kb);
			return 1;
		}
		return 0;
	case EXPECT_REFUSED:
		if (!out->ret || out->pmd_kb) {
			cgu_msg("FAIL: expected a refused collapse: collapse_ret=%d pmd_mapped_kb=%ld",
			       out->ret, out->pmd_kb);
			return 1;
		}
		return 0;
	case EXPECT_ANY:
	default:
		return 0;
	}
}

int main(int argc, char **argv)
{
	struct outcome out = { 0 };
	struct snapshot before, after;
	struct opts o;
	struct region r;
	bool verified;
	int bad = 0;

	cgu_init(argv[0]);
	o = parse_args(argc, argv);
	if (o.khugepaged)
		cgu_require_khugepaged(o.kind == KIND_SHMEM);
	printf("kind=%s ranges=%zu fill=%s method=%s seed=%llu\n", kind_names[o.kind],
	       o.ranges, cgu_fill_names[o.fill], o.khugepaged ? "khugepaged" : "madvise",
	       (unsigned long long)o.seed);
	r = setup_region(&o);
	before = take_snapshot(&r, o.kind);
	print_snapshot("before", &before);
	arm_region(&r);
	if (o.khugepaged)
		collapse_by_khugepaged(&o, &r, &out);
	else
		collapse_by_madvise(&r, &out);
	after = take_snapshot(&r, o.kind);
	print_snapshot("after", &after);
	out.pmd_kb = after.pmd_kb;
	out.ranges_collapsed = (size_t)out.pmd_kb / (cgu_pmd_size() / 1024);
	out.collapsed = out.ranges_collapsed == o.ranges;
	if (o.check_accounting)
		bad += check_accounting(&o, &r, &before, &after, &out);
	verified = verify_contents(&o, &r, &out);
	printf("collapse_ret=%d errno=%s collapse_us=%llu wait_ms=%llu pmd_mapped_kb=%ld collapsed=%d ranges_collapsed=%zu verified=%d\n",
	       out.ret, cgu_errno_name(out.err), (unsigned long long)out.collapse_us,
	       (unsigned long long)out.wait_ms, out.pmd_kb, out.collapsed,
	       out.ranges_collapsed, verified);
	if (!verified)
		bad++;
	bad += check_expectation(&o, &out);
	return bad ? CG_EXIT_FAIL : CG_EXIT_OK;
}
