/* SPDX-License-Identifier: GPL-2.0 */
/* cgu_mem.h - PMD-aligned memfd, tmpfs and anonymous mappings, madvise and khugepaged. */
#ifndef CGU_MEM_H
#define CGU_MEM_H

#include "cgu_base.h"

size_t cgu_pmd_size(void);
/* memfd of len bytes (ftruncated). Exits 2 on failure. */
int cgu_memfd(const char *name, size_t len);
/* A file of @len bytes at @path (on a tmpfs), already unlinked. */
int cgu_shmem_file(const char *path, size_t len);
/* mmap len bytes at a PMD-aligned address. Exits 2 on failure. */
unsigned char *cgu_map_aligned(size_t len, int prot, int flags, int fd);
/* MAP_SHARED read/write mapping of fd at a PMD-aligned address. */
unsigned char *cgu_map_shared(int fd, size_t len);
/* Private anonymous read/write mapping at a PMD-aligned address. */
unsigned char *cgu_map_anon(size_t len);
/* madvise() that exits 2 on failure (for setup steps). */
void cgu_madvise(void *addr, size_t len, int advice, const char *what);
/* MADV_COLLAPSE: returns 0 or -1; *err receives errno (0 on success). */
int cgu_collapse(void *addr, size_t len, int *err);
/* Fault in an anonymous MADV_HUGEPAGE area so that khugepaged knows this mm
 * (on 6.1 MADV_HUGEPAGE on shmem alone may not register the mm). The area is
 * left mapped for the life of the process. */
void cgu_khugepaged_register_mm(void);
/* Exit 2 unless khugepaged can collapse this kind of memory: the THP
 * "enabled" knob must not be never (else khugepaged does not run) and, for
 * shmem, shmem_enabled must be advise, always or within_size. */
void cgu_require_khugepaged(bool shmem);
/* Whether khugepaged may currently collapse shmem (knobs as above). */
bool cgu_khugepaged_may_collapse(bool shmem);

#endif /* CGU_MEM_H */
