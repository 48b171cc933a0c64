/* SPDX-License-Identifier: GPL-2.0 */
/* cgu_pattern.h - the verifiable page pattern: fill and check. */
#ifndef CGU_PATTERN_H
#define CGU_PATTERN_H

#include "cgu_base.h"

/* The 64-bit word number word of page page for a given seed; never zero. */
uint64_t cgu_pattern_word(uint64_t seed, size_t page, size_t word);
void cgu_pattern_fill_page(void *dst, uint64_t seed, size_t page);
/* Kinds of content a page is expected to hold. */
enum cgu_expect { CG_EXPECT_ZERO, CG_EXPECT_PATTERN };
struct cgu_mismatch {
	size_t page;		/* page index in the region */
	size_t offset;		/* byte offset inside the page */
	uint64_t expected;
	uint64_t found;
};
/* Check one page image; returns true if it matches. */
bool cgu_check_page(const void *data, enum cgu_expect kind, uint64_t seed,
		   size_t page, struct cgu_mismatch *mm);
/* Read page page of fd with pread and check it. Exits 2 if pread fails. */
bool cgu_check_file_page(int fd, enum cgu_expect kind, uint64_t seed,
			size_t page, struct cgu_mismatch *mm);
void cgu_report_mismatch(const char *where, const struct cgu_mismatch *mm);

#endif /* CGU_PATTERN_H */
