// SPDX-License-Identifier: GPL-2.0
/* cgu_pattern.c - the verifiable page pattern: fill and check. */
#include "cgu.h"

#include <unistd.h>

uint64_t cgu_pattern_word(uint64_t seed, size_t page, size_t word)
{
	uint64_t x = seed * 0x9E3779B97F4A7C15ULL;

	x ^= ((uint64_t)page << 20) | (uint64_t)word;
	x ^= x >> 31;
	x *= 0xBF58476D1CE4E5B9ULL;
	x ^= x >> 29;
	return x | 1;
}

void cgu_pattern_fill_page(void *dst, uint64_t seed, size_t page)
{
	uint64_t *w = dst;
	size_t i;

	for (i = 0; i < CG_PAGE_SIZE / 8; i++)
		w[i] = cgu_pattern_word(seed, page, i);
}

bool cgu_check_page(const void *data, enum cgu_expect kind, uint64_t seed,
		   size_t page, struct cgu_mismatch *mm)
{
	const volatile uint64_t *w = data;
	size_t i;

	for (i = 0; i < CG_PAGE_SIZE / 8; i++) {
		uint64_t want = kind == CG_EXPECT_ZERO ? 0 :
				cgu_pattern_word(seed, page, i);
		uint64_t got = w[i];

		if (got != want) {
			if (mm) {
				mm->page = page;
				mm->offset = i * 8;
				mm->expected = want;
				mm->found = got;
			}
			return false;
		}
	}
	return true;
}

bool cgu_check_file_page(int fd, enum cgu_expect kind, uint64_t seed,
			size_t page, struct cgu_mismatch *mm)
{
	uint64_t buf[CG_PAGE_SIZE / 8];
	ssize_t n = pread(fd, buf, sizeof(buf), (off_t)(page * CG_PAGE_SIZE));

	if (n != (ssize_t)sizeof(buf))
		cgu_setup_fail_errno("pread page %zu (got %zd)", page, n);
	return cgu_check_page(buf, kind, seed, page, mm);
}

void cgu_report_mismatch(const char *where, const struct cgu_mismatch *mm)
{
	fprintf(stderr, "%s: mismatch where=%s page=%zu offset=%zu expected=0x%016llx found=0x%016llx\n",
		cgu_prog, where, mm->page, mm->offset,
		(unsigned long long)mm->expected, (unsigned long long)mm->found);
}
