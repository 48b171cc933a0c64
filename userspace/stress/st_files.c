// SPDX-License-Identifier: GPL-2.0
/*
 * st_files.c - cg_stress: the files (memfds and tmpfs files), their second
 * paths, the final check of every page and the leak check.
 */
#include "st.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const st_kind_names[] = {
	[ST_DATA] = "data", [ST_MISSING] = "missing",
	[ST_MINOR] = "minor", [ST_WP] = "wp",
};

/* A memfd, re-openable by others through /proc/<this pid>/fd/<fd>. */
static void st_file_memfd(struct st_file *f, size_t len)
{
	char name[32];

	snprintf(name, sizeof(name), "cg_stress.%llu", (unsigned long long)f->id);
	f->fd = cgu_memfd(name, len);
	snprintf(f->alias, sizeof(f->alias), "/proc/%d/fd/%d", (int)getpid(), f->fd);
}

/* A file on the tmpfs at dir, kept linked: its path is the second name. */
static void st_file_tmpfs(struct st_file *f, const char *dir, size_t len)
{
	snprintf(f->alias, sizeof(f->alias), "%s/cg_stress.%llu", dir,
		 (unsigned long long)f->id);
	f->fd = open(f->alias, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (f->fd < 0)
		cgu_setup_fail_errno("create %s", f->alias);
	if (ftruncate(f->fd, (off_t)len))
		cgu_setup_fail_errno("ftruncate %s", f->alias);
}

static struct st_file *st_file_add(struct st_ctx *c, enum st_file_kind kind,
				   size_t *page_cursor)
{
	size_t len = c->o.file_mb << 20;
	struct st_file *f;

	if (c->nfiles == ST_MAX_FILES)
		cgu_setup_fail("more than %d files", ST_MAX_FILES);
	f = &c->files[c->nfiles];
	f->kind = kind;
	f->id = ++c->nfiles;
	f->npages = len / CG_PAGE_SIZE;
	f->first_page = *page_cursor;
	*page_cursor += f->npages;
	if (kind == ST_MISSING)
		st_file_tmpfs(f, c->o.uffd_dir, len);
	else if (f->id & 1)
		st_file_memfd(f, len);
	else
		st_file_tmpfs(f, c->o.data_dir, len);
	return f;
}

void st_files_create(struct st_ctx *c)
{
	size_t pages = 0, i, total;

	total = (c->o.data_files + c->o.missing_files + c->o.minor + c->o.wp) *
		((c->o.file_mb << 20) / CG_PAGE_SIZE);
	st_shared_init(c, total);
	for (i = 0; i < c->o.data_files; i++)
		st_file_add(c, ST_DATA, &pages);
	for (i = 0; i < c->o.missing_files; i++)
		st_file_add(c, ST_MISSING, &pages);
	if (c->o.minor)
		st_file_add(c, ST_MINOR, &pages);
	if (c->o.wp)
		st_file_add(c, ST_WP, &pages);
	for (i = 0; i < c->nfiles; i++)
		printf("file %llu kind=%s pages=%zu path=%s\n",
		       (unsigned long long)c->files[i].id,
		       st_kind_names[c->files[i].kind], c->files[i].npages,
		       c->files[i].alias);
	fflush(stdout);
}

unsigned char *st_map_file(const struct st_file *f, bool alias)
{
	size_t len = f->npages * CG_PAGE_SIZE;
	unsigned char *map;
	int fd = f->fd;

	if (alias) {
		fd = open(f->alias, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			cgu_setup_fail_errno("open %s", f->alias);
	}
	map = cgu_map_shared(fd, len);
	cgu_madvise(map, len, MADV_HUGEPAGE, "MADV_HUGEPAGE");
	if (alias)
		close(fd);
	return map;
}

/* Every page of every file, read with pread, against its generation. */
void st_files_verify(struct st_ctx *c)
{
	unsigned char img[CG_PAGE_SIZE];
	size_t i, p;

	for (i = 0; i < c->nfiles; i++) {
		const struct st_file *f = &c->files[i];

		for (p = 0; p < f->npages; p++) {
			struct st_page *sp = st_page(c, f, p);
			uint32_t seq, gen;

			if (!st_page_read_begin(sp, &seq, &gen)) {
				st_fail(c, "final: file %llu page %zu left mid-change",
					(unsigned long long)f->id, p);
				continue;
			}
			if (pread(f->fd, img, sizeof(img), (off_t)(p * CG_PAGE_SIZE)) !=
			    (ssize_t)sizeof(img)) {
				st_fail(c, "final: short pread of file %llu page %zu",
					(unsigned long long)f->id, p);
				continue;
			}
			st_check_image(c, f, p, gen, img, "final");
		}
	}
}

/* Truncate to 0; a collapse khugepaged began before the workers stopped
 * may still hold blocks for a moment: up to 10 s for st_blocks to reach 0. */
static bool st_truncate_empty(const struct st_file *f, struct stat *st)
{
	uint64_t deadline = cgu_deadline_ms(10000);

	for (;;) {
		if (ftruncate(f->fd, 0) || fstat(f->fd, st))
			return false;
		if (!st->st_blocks || cgu_deadline_passed(deadline))
			return true;
		usleep(20000);
	}
}

/*
 * Truncate every file to 0 and require st_blocks 0: a page the collapse path
 * leaked in the page cache, or an accounting (shmem alloced/nrpages) left
 * off by a rollback, keeps blocks. Then close and unlink.
 */
void st_files_release(struct st_ctx *c)
{
	size_t i;

	for (i = 0; i < c->nfiles; i++) {
		struct st_file *f = &c->files[i];
		struct stat st;

		if (!st_truncate_empty(f, &st))
			cgu_setup_fail_errno("truncate file %llu", (unsigned long long)f->id);
		printf("file %llu blocks_after_truncate=%lld\n",
		       (unsigned long long)f->id, (long long)st.st_blocks);
		if (st.st_blocks)
			st_fail(c, "leak: file %llu keeps %lld blocks after truncation to 0",
				(unsigned long long)f->id, (long long)st.st_blocks);
		close(f->fd);
		if (f->alias[0] == '/' && strncmp(f->alias, "/proc/", 6) &&
		    unlink(f->alias))
			cgu_setup_fail_errno("unlink %s", f->alias);
	}
}
