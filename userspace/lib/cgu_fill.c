// SPDX-License-Identifier: GPL-2.0
/* cgu_fill.c - fill modes of a range (full, partial, single, swapped) and their verification. */
#include "cgu.h"

#include <errno.h>

const char *const cgu_fill_names[] = { "full", "partial", "single", "swapped", NULL };

bool cgu_fill_writes(enum cgu_fill mode, size_t page_in_range)
{
	switch (mode) {
	case CG_FILL_PARTIAL:
		return page_in_range % 2 == 0;
	case CG_FILL_SINGLE:
		return page_in_range == 0;
	case CG_FILL_FULL:
	case CG_FILL_SWAPPED:
	default:
		return true;
	}
}

void cgu_fill_region(unsigned char *addr, size_t npages, enum cgu_fill mode,
		    uint64_t seed)
{
	size_t per_range = cgu_pmd_size() / CG_PAGE_SIZE, i;

	for (i = 0; i < npages; i++)
		if (cgu_fill_writes(mode, i % per_range))
			cgu_pattern_fill_page(addr + i * CG_PAGE_SIZE, seed, i);
}

static bool cgu_verify_one(int fd, const unsigned char *map, size_t page,
			  enum cgu_expect kind, uint64_t seed, unsigned int how,
			  struct cgu_mismatch *mm, const char **where)
{
	bool map_it = (how & CG_VERIFY_MAP_ALL) ||
		      ((how & CG_VERIFY_MAP_WRITTEN) && kind == CG_EXPECT_PATTERN);

	if ((how & CG_VERIFY_FILE) && !cgu_check_file_page(fd, kind, seed, page, mm)) {
		*where = "file";
		return false;
	}
	if (map_it && !cgu_check_page(map + page * CG_PAGE_SIZE, kind, seed, page, mm)) {
		*where = "mapping";
		return false;
	}
	return true;
}

bool cgu_verify_region(int fd, const unsigned char *map, size_t npages,
		      enum cgu_fill mode, uint64_t seed, unsigned int how,
		      struct cgu_mismatch *mm, const char **where)
{
	size_t per_range = cgu_pmd_size() / CG_PAGE_SIZE, i;

	for (i = 0; i < npages; i++) {
		enum cgu_expect kind = cgu_fill_writes(mode, i % per_range) ?
				      CG_EXPECT_PATTERN : CG_EXPECT_ZERO;

		if (!cgu_verify_one(fd, map, i, kind, seed, how, mm, where))
			return false;
	}
	return true;
}

const char *cgu_errno_name(int err)
{
	static __thread char buf[16];

	switch (err) {
	case 0: return "0";
	case EINVAL: return "EINVAL";
	case EAGAIN: return "EAGAIN";
	case ENOMEM: return "ENOMEM";
	case EBUSY: return "EBUSY";
	case EFAULT: return "EFAULT";
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EEXIST: return "EEXIST";
	case ETIMEDOUT: return "ETIMEDOUT";
	case ENXIO: return "ENXIO";
	default:
		snprintf(buf, sizeof(buf), "E%d", err);
		return buf;
	}
}
