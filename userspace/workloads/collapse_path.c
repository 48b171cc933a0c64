// SPDX-License-Identifier: GPL-2.0
/*
 * collapse_path - collapse the first 2 MiB of an existing shmem file.
 *
 * The file (on a tmpfs; at least 2 MiB long) was written by another
 * process, in another memory cgroup or on another node: this one maps its
 * first PMD-sized range shared, at a PMD-aligned address, touches page 0
 * only (a page table for the mapping; the other holes stay holes), and
 * collapses the range: with MADV_COLLAPSE, or with MADV_HUGEPAGE and a wait
 * (deadline) until khugepaged has done it (page 0 then faults in
 * PMD-mapped). The huge page is charged to this process's memory cgroup,
 * which is what memcg statistics tests need.
 *
 * Output: key=value lines. Exit 0 if the range was collapsed, 1 if not, 2
 * on a usage or setup error.
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
	"usage: collapse_path [--via madvise|khugepaged] [--timeout S] PATH\n"
	"  --via        MADV_COLLAPSE (default) or khugepaged\n"
	"  --timeout S  khugepaged deadline in seconds (default 60)\n";

enum via { VIA_MADVISE, VIA_KHUGEPAGED };
static const char *const via_names[] = { "madvise", "khugepaged", NULL };

struct opts {
	enum via via;
	unsigned long timeout_s;
	const char *path;
};

static struct opts parse_args(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "via", required_argument, NULL, 'v' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = { .via = VIA_MADVISE, .timeout_s = 60 };
	int c;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'v': o.via = cgu_parse_word(optarg, "--via", via_names); break;
		case 't': o.timeout_s = cgu_parse_ulong(optarg, "--timeout", 1, 3600); break;
		case 'h': fputs(usage, stdout); exit(0);
		default: cgu_usage_fail(usage, "bad option");
		}
	}
	if (optind != argc - 1)
		cgu_usage_fail(usage, "one PATH expected");
	o.path = argv[optind];
	return o;
}

static bool pmd_mapped(unsigned char *map, size_t len)
{
	(void)*(volatile unsigned char *)map;
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

int main(int argc, char **argv)
{
	size_t len = cgu_pmd_size();
	unsigned char *map;
	struct stat st;
	bool collapsed;
	int fd, err = 0;
	struct opts o;

	cgu_init(argv[0]);
	o = parse_args(argc, argv);
	if (o.via == VIA_KHUGEPAGED)
		cgu_require_khugepaged(true);
	fd = open(o.path, O_RDWR);
	if (fd < 0)
		cgu_setup_fail_errno("open %s", o.path);
	if (fstat(fd, &st))
		cgu_setup_fail_errno("fstat %s", o.path);
	if (st.st_size < (off_t)len)
		cgu_setup_fail("%s is shorter than %zu bytes", o.path, len);
	map = cgu_map_shared(fd, len);
	(void)*(volatile unsigned char *)map;
	if (o.via == VIA_MADVISE)
		collapsed = cgu_collapse(map, len, &err) == 0 && pmd_mapped(map, len);
	else
		collapsed = wait_khugepaged(map, len, o.timeout_s);
	printf("path=%s via=%s collapsed=%d errno=%s pmd_mapped_kb=%ld\n", o.path,
	       via_names[o.via], collapsed, cgu_errno_name(err),
	       cgu_smaps_kb(map, "ShmemPmdMapped"));
	return collapsed ? CG_EXIT_OK : CG_EXIT_FAIL;
}
