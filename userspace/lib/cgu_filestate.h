/* SPDX-License-Identifier: GPL-2.0 */
/* cgu_filestate.h - the page cache as userspace sees it: holes, residency, file pages. */
#ifndef CGU_FILESTATE_H
#define CGU_FILESTATE_H

#include "cgu_base.h"

/* True if lseek(SEEK_HOLE) from the page's offset returns that offset. */
bool cgu_page_is_hole(int fd, size_t page);
/* Pages of [addr, addr+len) that mincore() reports resident; fills vec
 * (one byte per page) when vec is not NULL. Exits 2 if mincore fails. */
size_t cgu_resident_pages(void *addr, size_t len, unsigned char *vec);
/* Number of 4 KiB pages the inode holds (st_blocks / 8). */
long cgu_file_pages(int fd);

#endif /* CGU_FILESTATE_H */
