/* SPDX-License-Identifier: GPL-2.0 */
/* cgu_fill.h - fill modes of a range (full, partial, single, swapped) and their verification. */
#ifndef CGU_FILL_H
#define CGU_FILL_H

#include "cgu_base.h"
#include "cgu_pattern.h"

enum cgu_fill { CG_FILL_FULL, CG_FILL_PARTIAL, CG_FILL_SINGLE, CG_FILL_SWAPPED };
extern const char *const cgu_fill_names[];	/* NULL-terminated */
/* Whether page index page_in_range (0..511) of a range is written in mode. */
bool cgu_fill_writes(enum cgu_fill mode, size_t page_in_range);

/* Write the pattern into every page of [addr, addr + npages pages) that mode
 * writes (per 2 MiB range position); the other pages are left untouched. */
void cgu_fill_region(unsigned char *addr, size_t npages, enum cgu_fill mode,
		    uint64_t seed);
/* Where cgu_verify_region reads the pages from. */
#define CG_VERIFY_FILE		0x1	/* every page with pread(fd) */
#define CG_VERIFY_MAP_WRITTEN	0x2	/* written pages through map */
#define CG_VERIFY_MAP_ALL	0x4	/* every page through map */
/* Check that written pages hold the pattern and the others read as zeros.
 * Returns true if all match; otherwise fills *mm and where. */
bool cgu_verify_region(int fd, const unsigned char *map, size_t npages,
		      enum cgu_fill mode, uint64_t seed, unsigned int how,
		      struct cgu_mismatch *mm, const char **where);

/* "EINVAL" for EINVAL, "0" for 0, "E<n>" for others not in the table. */
const char *cgu_errno_name(int err);

#endif /* CGU_FILL_H */
