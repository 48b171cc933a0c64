// SPDX-License-Identifier: GPL-2.0
/* cgu_mem.c - PMD-aligned memfd, tmpfs and anonymous mappings, madvise and khugepaged. */
#include "cgu.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

size_t cgu_pmd_size(void)
{
	static size_t cached;
	unsigned long v = 0;
	FILE *f;

	if (cached)
		return cached;
	f = fopen("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size", "r");
	if (f) {
		if (fscanf(f, "%lu", &v) != 1)
			v = 0;
		fclose(f);
	}
	cached = v ? v : 2UL << 20;
	return cached;
}

int cgu_memfd(const char *name, size_t len)
{
	int fd = memfd_create(name, MFD_CLOEXEC);

	if (fd < 0)
		cgu_setup_fail_errno("memfd_create");
	if (ftruncate(fd, (off_t)len))
		cgu_setup_fail_errno("ftruncate memfd to %zu", len);
	return fd;
}

int cgu_shmem_file(const char *path, size_t len)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0)
		cgu_setup_fail_errno("open %s", path);
	/* gone when the program is: nothing to clean up on any exit */
	if (unlink(path))
		cgu_setup_fail_errno("unlink %s", path);
	if (ftruncate(fd, (off_t)len))
		cgu_setup_fail_errno("ftruncate %s to %zu", path, len);
	return fd;
}

unsigned char *cgu_map_aligned(size_t len, int prot, int flags, int fd)
{
	size_t align = cgu_pmd_size();
	size_t span = len + align;
	unsigned char *resv, *start, *p;

	resv = mmap(NULL, span, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (resv == MAP_FAILED)
		cgu_setup_fail_errno("reserve %zu bytes of address space", span);
	start = (unsigned char *)(((uintptr_t)resv + align - 1) & ~(uintptr_t)(align - 1));
	p = mmap(start, len, prot, flags | MAP_FIXED, fd, 0);
	if (p == MAP_FAILED)
		cgu_setup_fail_errno("mmap %zu bytes at %p", len, (void *)start);
	if (start > resv)
		munmap(resv, (size_t)(start - resv));
	if (resv + span > start + len)
		munmap(start + len, (size_t)(resv + span - (start + len)));
	return p;
}

unsigned char *cgu_map_shared(int fd, size_t len)
{
	return cgu_map_aligned(len, PROT_READ | PROT_WRITE, MAP_SHARED, fd);
}

unsigned char *cgu_map_anon(size_t len)
{
	return cgu_map_aligned(len, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1);
}

void cgu_madvise(void *addr, size_t len, int advice, const char *what)
{
	if (madvise(addr, len, advice))
		cgu_setup_fail_errno("madvise(%s)", what);
}

int cgu_collapse(void *addr, size_t len, int *err)
{
	int ret = madvise(addr, len, MADV_COLLAPSE);

	*err = ret ? errno : 0;
	return ret;
}

void cgu_khugepaged_register_mm(void)
{
	static unsigned char *area;
	size_t len = cgu_pmd_size();

	if (area)
		return;
	area = cgu_map_anon(len);
	cgu_madvise(area, len, MADV_HUGEPAGE, "MADV_HUGEPAGE (anon, khugepaged registration)");
	area[0] = 1;
}

/* The active value of a THP knob ("always [madvise] never" -> "madvise"). */
static void cgu_read_knob(const char *path, char *out, size_t len)
{
	char line[256] = "";
	const char *open, *close;
	FILE *f = fopen(path, "r");

	if (!f)
		cgu_setup_fail_errno("open %s", path);
	if (!fgets(line, sizeof(line), f))
		line[0] = '\0';
	fclose(f);
	open = strchr(line, '[');
	close = open ? strchr(open, ']') : NULL;
	if (!close || (size_t)(close - open) > len)
		cgu_setup_fail("no [active] value in %s", path);
	memcpy(out, open + 1, (size_t)(close - open - 1));
	out[close - open - 1] = '\0';
}

/* NULL if khugepaged may collapse this kind, else why not (in why). */
static const char *cgu_khugepaged_blocker(bool shmem, char *why, size_t len)
{
	static const char thp[] = "/sys/kernel/mm/transparent_hugepage/";
	char path[128], v[32];

	snprintf(path, sizeof(path), "%senabled", thp);
	cgu_read_knob(path, v, sizeof(v));
	if (!strcmp(v, "never")) {
		snprintf(why, len, "%s is never: khugepaged does not run", path);
		return why;
	}
	if (!shmem)
		return NULL;
	snprintf(path, sizeof(path), "%sshmem_enabled", thp);
	cgu_read_knob(path, v, sizeof(v));
	if (strcmp(v, "advise") && strcmp(v, "always") && strcmp(v, "within_size")) {
		snprintf(why, len, "%s is %s: khugepaged does not collapse shmem", path, v);
		return why;
	}
	return NULL;
}

void cgu_require_khugepaged(bool shmem)
{
	char why[256];

	if (cgu_khugepaged_blocker(shmem, why, sizeof(why)))
		cgu_setup_fail("%s", why);
}

bool cgu_khugepaged_may_collapse(bool shmem)
{
	char why[256];

	return !cgu_khugepaged_blocker(shmem, why, sizeof(why));
}
