// SPDX-License-Identifier: GPL-2.0
/*
 * uffd_collapse_repro - reproducer for the shmem collapse / userfaultfd bug.
 *
 * A 2 MiB memfd has every page written except one hole (index --hole). It
 * is mapped twice at PMD-aligned addresses: A is registered with
 * userfaultfd (MISSING by default, or MINOR / WP), B is collapsed, with
 * MADV_COLLAPSE or by khugepaged. Then:
 *   - did the collapse happen (return value, errno; for khugepaged: did the
 *     hole vanish, or did the module's statistic --wait-stat move)?
 *   - is the hole still a hole (lseek SEEK_HOLE from 0 == hole offset)?
 *   - does touching the hole through A raise a missing-page event? A thread
 *     reads the page while this one waits for the event (with a deadline),
 *     answers it with UFFDIO_COPY of a known page and checks that the
 *     reader sees exactly that page.
 *
 * On stock 6.1 MADV_COLLAPSE fills the hole behind userfaultfd's back: the
 * collapse succeeds, the hole is gone, no event arrives and the page reads
 * as zeros (--expect lost). With the fix (or collapse_guard in mode guard)
 * the collapse is refused, the hole stays, the event arrives, and every
 * page of A and B that was mapped before stays mapped (--expect guarded).
 * MINOR and WP registrations do not block a collapse (--expect collapsed):
 * B ends PMD-mapped, and A still reports minor / WP faults on the collapsed
 * page.
 *
 * --hole none writes every page: a full range loses no missing-page event,
 * and upstream collapses it under a MISSING registration too (the veto of
 * ac492b9c70ca applies only when there are holes). With --expect collapsed,
 * B ends PMD-mapped and a page read through A raises no event and holds
 * its data.
 *
 * --wp-b also registers B with a write-protect userfaultfd. 6.1 then
 * commits the collapse (the hole is filled) but cannot map B huge:
 * retract_page_tables() skips a uffd-wp VMA, and collapse_file() returns
 * SCAN_PTE_UFFD_WP (or SCAN_PTE_MAPPED_HUGEPAGE when B's mmap lock was
 * busy), not SCAN_SUCCEED; MADV_COLLAPSE says EINVAL although the hole is
 * gone. A detector that trusts the return value misses that loss.
 *
 * Output: key=value lines. Exit 0 if the expectation held, 1 if not, 2 on
 * a usage or setup error.
 */
#include "cgu.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <linux/userfaultfd.h>

static const char usage[] =
	"usage: uffd_collapse_repro [options]\n"
	"  --mode missing|minor|wp     userfaultfd mode registered on A (default missing)\n"
	"  --via madvise|khugepaged    how B is collapsed (default madvise)\n"
	"  --hole N|none               page index of the hole, 0..511 (default 7);\n"
	"                              none: every page written (a full range)\n"
	"  --expect guarded|lost|collapsed|any   what to assert (default any)\n"
	"  --guard-errno NAME          errno of a refused MADV_COLLAPSE (default EBUSY,\n"
	"                              as Linux >= 6.6; 6.4 and 6.5 report EINVAL)\n"
	"  --allow-unmap               (guarded) a refused collapse may unmap pages\n"
	"                              first, as upstream's does (default: A's and\n"
	"                              B's Rss must not change)\n"
	"  --wait-stat NAME            (khugepaged) also stop waiting when this\n"
	"                              collapse_guard statistic moves\n"
	"  --timeout S                 khugepaged deadline (default 60)\n"
	"  --event-timeout S           wait for the userfaultfd event (default 5)\n"
	"  --wp-b                      also register B with a WP userfaultfd: a stock\n"
	"                              collapse then commits but returns SCAN_PTE_UFFD_WP\n"
	"                              (or SCAN_PTE_MAPPED_HUGEPAGE if B's mmap lock was\n"
	"                              busy; MADV_COLLAPSE: EINVAL); not with --expect\n"
	"                              collapsed\n";

enum mode { MODE_MISSING, MODE_MINOR, MODE_WP };
enum via { VIA_MADVISE, VIA_KHUGEPAGED };
enum expect { EXPECT_GUARDED, EXPECT_LOST, EXPECT_COLLAPSED, EXPECT_ANY };
static const char *const mode_names[] = { "missing", "minor", "wp", NULL };
static const char *const via_names[] = { "madvise", "khugepaged", NULL };
static const char *const expect_names[] = { "guarded", "lost", "collapsed", "any", NULL };
static const char *const errno_names[] = { "EINVAL", "EBUSY", "EAGAIN", NULL };
static const int errno_values[] = { EINVAL, EBUSY, EAGAIN };

#define SEED		0xC011A95EULL
#define COPY_SEED	0x0FFD0C0FULL
#define WP_VALUE	0x5757575757575757ULL
#define NO_HOLE		((size_t)-1)	/* --hole none */

struct opts {
	enum mode mode;
	enum via via;
	size_t hole;
	enum expect expect;
	int guard_errno;
	bool allow_unmap;
	bool wp_b;		/* B registered WP too: B is never mapped huge */
	const char *wait_stat;
	unsigned long timeout_s, event_timeout_s;
};

struct setup {
	struct cgu_twin t;	/* t.a: registered, t.b: collapsed */
	int uffd;
	long rss_a, rss_b;	/* Rss (kB) of A and B before the collapse */
};

/* What the collapse step observed. */
struct collapse_result {
	int ret, err;		/* MADV_COLLAPSE; khugepaged: 0 = collapsed */
	bool hole_gone;		/* khugepaged: the hole vanished */
	bool stat_moved;	/* khugepaged: --wait-stat moved */
	long long stat_delta;
	unsigned long wait_ms;
};

/* What was observed after the collapse. */
struct observation {
	bool hole_intact;
	long pmd_kb;		/* ShmemPmdMapped of B */
	bool probed, probe_done, event, event_ok;
	uint64_t value;
	const char *page_state;	/* zero | uffd_copy | pattern | wp_value | other */
	bool data_ok;		/* every written page still holds the pattern */
	long rss_a, rss_b;	/* Rss (kB) of A and B after the collapse */
};

static size_t parse_hole(const char *text)
{
	if (!strcmp(text, "none"))
		return NO_HOLE;
	return cgu_parse_ulong(text, "--hole", 0, cgu_pmd_size() / CG_PAGE_SIZE - 1);
}

static struct opts parse_args(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "mode", required_argument, NULL, 'm' },
		{ "via", required_argument, NULL, 'v' },
		{ "hole", required_argument, NULL, 'H' },
		{ "expect", required_argument, NULL, 'e' },
		{ "guard-errno", required_argument, NULL, 'g' },
		{ "allow-unmap", no_argument, NULL, 'u' },
		{ "wait-stat", required_argument, NULL, 's' },
		{ "timeout", required_argument, NULL, 't' },
		{ "event-timeout", required_argument, NULL, 'E' },
		{ "wp-b", no_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = {
		.hole = 7, .expect = EXPECT_ANY, .guard_errno = EBUSY,
		.timeout_s = 60, .event_timeout_s = 5,
	};
	int c;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'm': o.mode = cgu_parse_word(optarg, "--mode", mode_names); break;
		case 'v': o.via = cgu_parse_word(optarg, "--via", via_names); break;
		case 'H': o.hole = parse_hole(optarg); break;
		case 'e': o.expect = cgu_parse_word(optarg, "--expect", expect_names); break;
		case 'u': o.allow_unmap = true; break;
		case 'w': o.wp_b = true; break;
		case 'g': o.guard_errno = errno_values[cgu_parse_word(optarg, "--guard-errno", errno_names)]; break;
		case 's': o.wait_stat = optarg; break;
		case 't': o.timeout_s = cgu_parse_ulong(optarg, "--timeout", 1, 3600); break;
		case 'E': o.event_timeout_s = cgu_parse_ulong(optarg, "--event-timeout", 1, 600); break;
		case 'h': fputs(usage, stdout); exit(0);
		default: cgu_usage_fail(usage, "bad option");
		}
	}
	if (optind != argc)
		cgu_usage_fail(usage, "unexpected argument '%s'", argv[optind]);
	if (o.expect == EXPECT_GUARDED && o.mode != MODE_MISSING)
		cgu_usage_fail(usage, "--expect guarded needs --mode missing");
	if (o.expect == EXPECT_LOST && o.mode != MODE_MISSING)
		cgu_usage_fail(usage, "--expect lost needs --mode missing");
	if (o.wp_b && o.expect == EXPECT_COLLAPSED)
		cgu_usage_fail(usage, "--wp-b: B is never PMD-mapped, --expect collapsed cannot hold");
	if (o.hole == NO_HOLE && (o.expect == EXPECT_GUARDED || o.expect == EXPECT_LOST))
		cgu_usage_fail(usage, "--hole none: no event can be lost, expect collapsed or any");
	if (o.wait_stat && o.via != VIA_KHUGEPAGED)
		cgu_usage_fail(usage, "--wait-stat needs --via khugepaged");
	return o;
}

static uint64_t uffd_features(enum mode mode)
{
	switch (mode) {
	case MODE_MINOR: return UFFD_FEATURE_MINOR_SHMEM;
	case MODE_WP: return UFFD_FEATURE_WP_HUGETLBFS_SHMEM;
	case MODE_MISSING:
	default: return 0;
	}
}

static uint64_t register_mode(enum mode mode)
{
	switch (mode) {
	case MODE_MINOR: return UFFDIO_REGISTER_MODE_MINOR;
	case MODE_WP: return UFFDIO_REGISTER_MODE_WP;
	case MODE_MISSING:
	default: return UFFDIO_REGISTER_MODE_MISSING;
	}
}

/* Where SEEK_HOLE from 0 stops when only the hole is one: the file's end
 * (its implicit hole) for a full range. */
static off_t hole_offset(const struct setup *s, size_t hole)
{
	return hole == NO_HOLE ? (off_t)s->t.len : (off_t)(hole * CG_PAGE_SIZE);
}

/* Fill every page but the hole through B, so that B has a page table (the
 * 6.1 MADV_COLLAPSE reports success only when it can map the target). */
static void fill_all_but_hole(const struct setup *s, size_t hole)
{
	size_t i;

	for (i = 0; i < s->t.npages; i++)
		if (i != hole)
			cgu_pattern_fill_page(s->t.b + i * CG_PAGE_SIZE, SEED, i);
	if (lseek(s->t.fd, 0, SEEK_HOLE) != hole_offset(s, hole))
		cgu_setup_fail("the hole at page %zu is not the first hole after filling", hole);
	if (cgu_smaps_kb(s->t.b, "ShmemPmdMapped") > 0)
		cgu_setup_fail("B is PMD-mapped before the collapse (shmem_enabled always/force?)");
}

/* Map A's written pages: a refused collapse must leave them mapped. */
static void fault_in_a(const struct setup *s, size_t hole)
{
	size_t i;

	for (i = 0; i < s->t.npages; i++)
		if (i != hole)
			(void)*(volatile unsigned char *)(s->t.a + i * CG_PAGE_SIZE);
}

/* Write-protect all of A (its written pages mapped) through userfaultfd. */
static void write_protect_a(const struct setup *s, size_t hole)
{
	fault_in_a(s, hole);
	if (cgu_uffd_writeprotect(s->uffd, s->t.a, s->t.len, true))
		cgu_setup_fail_errno("UFFDIO_WRITEPROTECT");
}

/* --wp-b: register B for write-protect faults (nothing write-protected);
 * the userfaultfd stays open, and B registered, until the process exits. */
static void register_b_wp(const struct setup *s)
{
	int uffd = cgu_uffd_open(UFFD_FEATURE_WP_HUGETLBFS_SHMEM);

	if (cgu_uffd_register(uffd, s->t.b, s->t.len, UFFDIO_REGISTER_MODE_WP))
		cgu_setup_fail_errno("UFFDIO_REGISTER wp on B");
}

static struct setup build(const struct opts *o)
{
	struct setup s;

	cgu_twin_create(&s.t, "uffd_collapse_repro");
	fill_all_but_hole(&s, o->hole);
	s.uffd = cgu_uffd_open(uffd_features(o->mode));
	if (cgu_uffd_register(s.uffd, s.t.a, s.t.len, register_mode(o->mode)))
		cgu_setup_fail_errno("UFFDIO_REGISTER %s on A", mode_names[o->mode]);
	if (o->mode == MODE_WP)
		write_protect_a(&s, o->hole);
	else if (o->mode == MODE_MISSING)
		fault_in_a(&s, o->hole);
	if (o->wp_b)
		register_b_wp(&s);
	/*
	 * MADV_HUGEPAGE last: from here on khugepaged may collapse B. Before
	 * the registration, a collapse would be one that promised no event, and
	 * the hole it filled would be reported lost (or "not guarded") wrongly:
	 * khugepaged at scan_sleep 0 did that once, its scan of this mm already
	 * under way (mm registered by an earlier mapping).
	 */
	cgu_madvise(s.t.b, s.t.len, MADV_HUGEPAGE, "MADV_HUGEPAGE on B");
	s.rss_a = cgu_smaps_kb(s.t.a, "Rss");
	s.rss_b = cgu_smaps_kb(s.t.b, "Rss");
	return s;
}

static long long read_stat_or_fail(const char *name)
{
	long long v;

	if (cgu_stat_read(name, &v))
		cgu_setup_fail_errno("read collapse_guard statistic %s in %s", name,
				    cgu_debugfs_dir());
	return v;
}

static struct collapse_result collapse_madvise(const struct setup *s)
{
	struct collapse_result r = { 0 };

	r.ret = cgu_collapse(s->t.b, s->t.len, &r.err);
	return r;
}

/* Did khugepaged collapse B's range? The hole is gone, or, for a full
 * range, B gets PMD-mapped when touched (after the page table's retraction,
 * a fault maps the huge page). */
static bool range_collapsed(const struct opts *o, const struct setup *s)
{
	if (o->hole != NO_HOLE)
		return !cgu_page_is_hole(s->t.fd, o->hole);
	(void)*(volatile unsigned char *)s->t.b;
	return cgu_smaps_kb(s->t.b, "ShmemPmdMapped") >= (long)(s->t.len / 1024);
}

/* Poll, with a deadline, until the range is collapsed or the module's
 * statistic moves (khugepaged tried and was refused). */
static struct collapse_result collapse_khugepaged(const struct opts *o,
						  const struct setup *s)
{
	struct collapse_result r = { .ret = -1, .err = ETIMEDOUT };
	uint64_t t0 = cgu_now_ns(), deadline = cgu_deadline_ms(o->timeout_s * 1000);
	long long base = o->wait_stat ? read_stat_or_fail(o->wait_stat) : 0;

	cgu_khugepaged_register_mm();
	for (;;) {
		if (range_collapsed(o, s)) {
			r.hole_gone = true;
			r.ret = 0;
			r.err = 0;
			break;
		}
		if (o->wait_stat) {
			r.stat_delta = read_stat_or_fail(o->wait_stat) - base;
			if (r.stat_delta > 0) {
				r.stat_moved = true;
				r.err = 0;
				break;
			}
		}
		if (cgu_deadline_passed(deadline))
			break;
		cgu_sleep_ms(50);
	}
	r.wait_ms = (unsigned long)((cgu_now_ns() - t0) / 1000000);
	return r;
}

/* After khugepaged collapsed and retracted B's page table, a fault maps the
 * huge page: touch a written page of B until it is PMD-mapped (deadline). */
static long wait_b_pmd_mapped(const struct opts *o, const struct setup *s)
{
	uint64_t deadline = cgu_deadline_ms(o->timeout_s * 1000);
	size_t page = o->hole == 0 ? 1 : 0;
	long kb;

	for (;;) {
		(void)*(volatile unsigned char *)(s->t.b + page * CG_PAGE_SIZE);
		kb = cgu_smaps_kb(s->t.b, "ShmemPmdMapped");
		if (kb >= (long)(s->t.len / 1024) || cgu_deadline_passed(deadline))
			return kb;
		cgu_sleep_ms(50);
	}
}

static bool data_pages_intact(const struct setup *s, size_t hole)
{
	struct cgu_mismatch mm;
	size_t i;

	for (i = 0; i < s->t.npages; i++) {
		if (i == hole)
			continue;
		if (!cgu_check_file_page(s->t.fd, CG_EXPECT_PATTERN, SEED, i, &mm)) {
			cgu_report_mismatch("file", &mm);
			return false;
		}
	}
	return true;
}

static const char *classify_page(const unsigned char *data, size_t page)
{
	if (cgu_check_page(data, CG_EXPECT_ZERO, 0, page, NULL))
		return "zero";
	if (cgu_check_page(data, CG_EXPECT_PATTERN, COPY_SEED, page, NULL))
		return "uffd_copy";
	if (cgu_check_page(data, CG_EXPECT_PATTERN, SEED, page, NULL))
		return "pattern";
	if (*(const uint64_t *)data == WP_VALUE)
		return "wp_value";
	return "other";
}

/* The page probed through A: the hole for MISSING, a written page otherwise
 * (MINOR: a page-cache page with no PTE in A; WP: a write-protected page;
 * MISSING over a full range: page 7, which must raise no event). */
static size_t probe_page(const struct opts *o)
{
	if (o->hole == NO_HOLE)
		return 7;
	if (o->mode == MODE_MISSING)
		return o->hole;
	return o->hole + 1 < cgu_pmd_size() / CG_PAGE_SIZE ? o->hole + 1 : 0;
}

static void probe_through_a(const struct opts *o, const struct setup *s,
			    struct observation *obs)
{
	static const enum cgu_probe_kind kinds[] = {
		[MODE_MISSING] = CG_PROBE_MISSING,
		[MODE_MINOR] = CG_PROBE_MINOR,
		[MODE_WP] = CG_PROBE_WP,
	};
	static unsigned char copy_src[CG_PAGE_SIZE] __attribute__((aligned(4096)));
	static struct cgu_probe res;
	size_t page = probe_page(o);

	cgu_pattern_fill_page(copy_src, COPY_SEED, page);
	obs->probed = true;
	if (cgu_uffd_probe(s->uffd, s->t.a + page * CG_PAGE_SIZE, kinds[o->mode], copy_src,
			  WP_VALUE, o->event_timeout_s * 1000, &res)) {
		obs->probe_done = false;
		obs->event = res.event;
		obs->page_state = "blocked";
		return;
	}
	obs->probe_done = true;
	obs->event = res.event;
	obs->event_ok = res.event_ok;
	obs->value = res.first_word;
	obs->page_state = classify_page(res.data, page);
}

static struct observation observe(const struct opts *o, const struct setup *s)
{
	struct observation obs = { .page_state = "none" };

	obs.rss_a = cgu_smaps_kb(s->t.a, "Rss");
	obs.rss_b = cgu_smaps_kb(s->t.b, "Rss");
	obs.hole_intact = o->hole != NO_HOLE &&
			  lseek(s->t.fd, 0, SEEK_HOLE) == hole_offset(s, o->hole);
	obs.pmd_kb = o->via == VIA_KHUGEPAGED && !obs.hole_intact && !o->wp_b ?
		     wait_b_pmd_mapped(o, s) : cgu_smaps_kb(s->t.b, "ShmemPmdMapped");
	obs.data_ok = data_pages_intact(s, o->hole);
	probe_through_a(o, s, &obs);
	return obs;
}

static void print_result(const struct opts *o, const struct setup *s,
			 const struct collapse_result *c,
			 const struct observation *obs)
{
	struct stat st;

	if (fstat(s->t.fd, &st))
		cgu_setup_fail_errno("fstat memfd");
	printf("mode=%s via=%s wp_b=%d hole=%ld probe_page=%zu dev=%u:%u ino=%lu\n",
	       mode_names[o->mode], via_names[o->via], o->wp_b,
	       o->hole == NO_HOLE ? -1L : (long)o->hole, probe_page(o),
	       major(st.st_dev), minor(st.st_dev), (unsigned long)st.st_ino);
	if (o->via == VIA_KHUGEPAGED)
		printf("khugepaged_wait_ms=%lu hole_gone=%d stat=%s stat_delta=%lld\n",
		       c->wait_ms, c->hole_gone, o->wait_stat ? o->wait_stat : "none",
		       c->stat_delta);
	printf("collapse_ret=%d errno=%s hole_intact=%d event=%d event_ok=%d value=0x%016llx page=%s pmd_mapped_kb=%ld data_ok=%d\n",
	       c->ret, cgu_errno_name(c->err), obs->hole_intact, obs->event,
	       obs->event_ok, (unsigned long long)obs->value, obs->page_state,
	       obs->pmd_kb, obs->data_ok);
	printf("rss_a_kb=%ld->%ld rss_b_kb=%ld->%ld\n", s->rss_a, obs->rss_a,
	       s->rss_b, obs->rss_b);
}

static int check(bool ok, const char *what)
{
	if (ok)
		return 0;
	cgu_msg("FAIL: %s", what);
	return 1;
}

static int check_guarded(const struct opts *o, const struct setup *s,
			 const struct collapse_result *c,
			 const struct observation *obs)
{
	int bad = 0;

	bad += check(o->allow_unmap || (obs->rss_a == s->rss_a && obs->rss_b == s->rss_b),
		     "the refused collapse unmapped pages (Rss of A or B changed)");
	if (o->via == VIA_MADVISE) {
		bad += check(c->ret == -1, "MADV_COLLAPSE should have been refused");
		bad += check(c->ret == 0 || c->err == o->guard_errno,
			     "refused MADV_COLLAPSE has the wrong errno");
	} else {
		bad += check(!c->hole_gone, "khugepaged collapsed the registered range");
		bad += check(!o->wait_stat || c->stat_moved,
			     "the --wait-stat statistic did not move before the deadline");
	}
	bad += check(obs->hole_intact, "the hole was filled");
	bad += check(obs->event && obs->event_ok, "no missing-page event for the hole");
	bad += check(!strcmp(obs->page_state, "uffd_copy"),
		     "the reader did not see the UFFDIO_COPY data");
	return bad;
}

static int check_lost(const struct opts *o, const struct collapse_result *c,
		      const struct observation *obs)
{
	int bad = 0;

	if (o->via == VIA_MADVISE && o->wp_b)
		bad += check(c->ret == -1 && c->err == EINVAL,
			     "MADV_COLLAPSE should have failed with EINVAL (6.1: B is uffd-wp)");
	else if (o->via == VIA_MADVISE)
		bad += check(c->ret == 0, "MADV_COLLAPSE should have succeeded (stock bug)");
	else
		bad += check(c->hole_gone, "khugepaged did not collapse before the deadline");
	bad += check(!obs->hole_intact, "the hole is still there");
	bad += check(!obs->event, "a missing-page event arrived");
	bad += check(!strcmp(obs->page_state, "zero"), "the hole does not read as zeros");
	return bad;
}

static int check_collapsed(const struct opts *o, const struct collapse_result *c,
			   const struct observation *obs)
{
	int bad = 0;

	bad += check(c->ret == 0, "the collapse did not happen");
	bad += check(!obs->hole_intact, "the hole is still there");
	bad += check(obs->pmd_kb >= (long)(cgu_pmd_size() / 1024), "B is not PMD-mapped");
	if (o->mode == MODE_MISSING) {
		bad += check(!obs->event, "a full range raised a missing-page event");
		bad += check(!strcmp(obs->page_state, "pattern"),
			     "A does not see the collapsed data");
	} else if (o->mode == MODE_MINOR) {
		bad += check(obs->event && obs->event_ok, "no minor fault through A");
		bad += check(!strcmp(obs->page_state, "pattern"),
			     "A does not see the collapsed data");
	} else if (o->mode == MODE_WP) {
		bad += check(obs->event && obs->event_ok,
			     "write through A raised no write-protect fault");
		bad += check(!strcmp(obs->page_state, "wp_value"),
			     "A does not see its own write");
	}
	return bad;
}

static int check_expectation(const struct opts *o, const struct setup *s,
			     const struct collapse_result *c,
			     const struct observation *obs)
{
	int bad = check(obs->data_ok, "written pages changed");

	bad += check(obs->probe_done, "the reader is stuck in a fault nobody reported");
	switch (o->expect) {
	case EXPECT_GUARDED: return bad + check_guarded(o, s, c, obs);
	case EXPECT_LOST: return bad + check_lost(o, c, obs);
	case EXPECT_COLLAPSED: return bad + check_collapsed(o, c, obs);
	case EXPECT_ANY:
	default: return bad;
	}
}

int main(int argc, char **argv)
{
	struct collapse_result c;
	struct observation obs;
	struct setup s;
	struct opts o;

	cgu_init(argv[0]);
	o = parse_args(argc, argv);
	if (o.via == VIA_KHUGEPAGED)
		cgu_require_khugepaged(true);
	s = build(&o);
	c = o.via == VIA_MADVISE ? collapse_madvise(&s) : collapse_khugepaged(&o, &s);
	obs = observe(&o, &s);
	print_result(&o, &s, &c, &obs);
	return check_expectation(&o, &s, &c, &obs) ? CG_EXIT_FAIL : CG_EXIT_OK;
}
