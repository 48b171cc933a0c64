// SPDX-License-Identifier: GPL-2.0
/*
 * collapse_devzero - MADV_COLLAPSE of a MAP_PRIVATE /dev/zero mapping.
 *
 * Such a VMA is anonymous but keeps /dev/zero as its vm_file, and 6.1's
 * MADV_COLLAPSE then takes the file path: collapse_file() is called for a
 * file that is not shmem, at a page-cache index that need not be PMD
 * aligned (syzkaller found it; upstream fixed the caller in 6.14). Here the
 * mapping is PMD-aligned in memory but starts at file offset --offset-pages
 * (default 1), so the index is not aligned, and one page is written so the
 * VMA has an anon_vma.
 *
 * Asserts (--expect refused) that MADV_COLLAPSE fails with EINVAL and that
 * the written page still holds its data. Output: key=value lines. Exit 0 if
 * the expectation held, 1 if not, 2 on usage or setup errors.
 */
#include "cgu.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

static const char usage[] =
	"usage: collapse_devzero [--offset-pages N] [--expect refused|any]\n";

#define SEED	0xDE5E0ULL

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "offset-pages", required_argument, NULL, 'o' },
		{ "expect", required_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const expects[] = { "refused", "any", NULL };
	size_t len = cgu_pmd_size(), offset = 1;
	unsigned char *res, *map;
	int c, fd, ret, err = 0;
	bool refused = true;
	bool data_ok;

	cgu_init(argv[0]);
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': offset = cgu_parse_ulong(optarg, "--offset-pages", 0, 511); break;
		case 'e': refused = cgu_parse_word(optarg, "--expect", expects) == 0; break;
		case 'h': fputs(usage, stdout); return 0;
		default: cgu_usage_fail(usage, "bad option");
		}
	}
	fd = open("/dev/zero", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		cgu_setup_fail_errno("open /dev/zero");
	res = cgu_map_anon(len);	/* a PMD-aligned place for the mapping */
	map = mmap(res, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, fd,
		   (off_t)(offset * CG_PAGE_SIZE));
	if (map == MAP_FAILED)
		cgu_setup_fail_errno("mmap /dev/zero");
	cgu_pattern_fill_page(map, SEED, 0);

	ret = cgu_collapse(map, len, &err);
	data_ok = cgu_check_page(map, CG_EXPECT_PATTERN, SEED, 0, NULL);
	printf("offset_pages=%zu collapse_ret=%d errno=%s data_ok=%d\n", offset, ret,
	       cgu_errno_name(err), data_ok);
	if (!data_ok) {
		cgu_msg("FAIL: the written page changed");
		return CG_EXIT_FAIL;
	}
	if (refused && (ret != -1 || err != EINVAL)) {
		cgu_msg("FAIL: MADV_COLLAPSE of /dev/zero should fail with EINVAL");
		return CG_EXIT_FAIL;
	}
	return CG_EXIT_OK;
}
