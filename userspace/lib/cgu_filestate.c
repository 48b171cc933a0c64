// SPDX-License-Identifier: GPL-2.0
/* cgu_filestate.c - the page cache as userspace sees it: holes, residency, file pages. */
#include "cgu.h"

#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

bool cgu_page_is_hole(int fd, size_t page)
{
	off_t off = (off_t)(page * CG_PAGE_SIZE);

	return lseek(fd, off, SEEK_HOLE) == off;
}

size_t cgu_resident_pages(void *addr, size_t len, unsigned char *vec)
{
	size_t npages = len / CG_PAGE_SIZE, i, n = 0;
	unsigned char *v = vec ? vec : malloc(npages);

	if (!v)
		cgu_setup_fail("out of memory");
	if (mincore(addr, len, v))
		cgu_setup_fail_errno("mincore");
	for (i = 0; i < npages; i++)
		n += v[i] & 1;
	if (!vec)
		free(v);
	return n;
}

long cgu_file_pages(int fd)
{
	struct stat st;

	if (fstat(fd, &st))
		cgu_setup_fail_errno("fstat");
	return (long)(st.st_blocks / (CG_PAGE_SIZE / 512));
}
