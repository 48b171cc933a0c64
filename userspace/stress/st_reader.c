// SPDX-License-Identifier: GPL-2.0
/*
 * st_reader.c - cg_stress: readers. pread, faults through their own mapping
 * (data files only: a fault fills a hole, which a userfaultfd file's owner
 * must not see), SEEK_HOLE/SEEK_DATA, mincore, and forked children reading
 * through the inherited mapping. A page is checked only when its seqlock
 * shows its owner left it alone during the read.
 */
#include "st.h"

#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

struct st_rd {
	struct st_ctx *c;
	unsigned char *maps[ST_MAX_FILES];
	uint64_t rng;
	unsigned char vec[4096];	/* mincore: files up to 16 MiB */
};

enum st_read_how { ST_BY_PREAD, ST_BY_MAP };

/* One page, read one way and checked if its owner did not interfere. */
static void st_read_page(struct st_rd *r, size_t fi, size_t p,
			 enum st_read_how how)
{
	const struct st_file *f = &r->c->files[fi];
	struct st_page *sp = st_page(r->c, f, p);
	unsigned char img[CG_PAGE_SIZE];
	uint32_t seq, gen;
	bool got;

	if (!st_page_read_begin(sp, &seq, &gen)) {
		st_count(r->c, ST_READ_RACED, 1);
		return;
	}
	if (how == ST_BY_MAP)
		got = cgu_try_read(r->maps[fi] + p * CG_PAGE_SIZE, img, sizeof(img));
	else
		got = pread(f->fd, img, sizeof(img), (off_t)(p * CG_PAGE_SIZE)) ==
		      (ssize_t)sizeof(img);
	if (!st_page_read_ok(sp, seq)) {
		st_count(r->c, ST_READ_RACED, 1);
		return;
	}
	if (!got) {
		st_fail(r->c, "%s of file %llu page %zu failed inside the file",
			how == ST_BY_MAP ? "mapped read (SIGBUS)" : "pread",
			(unsigned long long)f->id, p);
		return;
	}
	st_check_image(r->c, f, p, gen, img, how == ST_BY_MAP ? "mapped read" : "pread");
}

/* A page holding data is never reported as a hole under guard (nor a hole
 * as data: but a collapse may legitimately fill a hole, so only the first). */
static void st_seek_page(struct st_rd *r, size_t fi, size_t p)
{
	const struct st_file *f = &r->c->files[fi];
	struct st_page *sp = st_page(r->c, f, p);
	off_t off = (off_t)(p * CG_PAGE_SIZE), hole, data;
	uint32_t seq, gen;

	unsigned long epoch;
	bool guarded;

	if (!st_page_read_begin(sp, &seq, &gen) || !gen)
		return;
	epoch = st_guard_snapshot(r->c, &guarded);
	hole = lseek(f->fd, off, SEEK_HOLE);
	data = lseek(f->fd, off, SEEK_DATA);
	if (!st_page_read_ok(sp, seq)) {
		st_count(r->c, ST_READ_RACED, 1);
		return;
	}
	if (hole != off && data == off)
		return;
	/* stock 6.1 stores its huge page before it is uptodate: a hole to
	 * SEEK_HOLE until the copy ends (upstream 6.4 fixed it in the same
	 * series as the userfaultfd one); the guard must never */
	if (!st_guard_held(r->c, guarded, epoch)) {
		st_count(r->c, ST_READ_SEEK_UNGUARDED, 1);
		return;
	}
	st_fail(r->c, "seek: file %llu page %zu holds generation %u but SEEK_HOLE=%lld SEEK_DATA=%lld",
		(unsigned long long)f->id, p, gen, (long long)hole, (long long)data);
}

static size_t st_pick_file(struct st_rd *r, bool data_only)
{
	size_t fi;

	do
		fi = cgu_rand(&r->rng) % r->c->nfiles;
	while (data_only && r->c->files[fi].kind != ST_DATA);
	return fi;
}

static void st_read_run(struct st_rd *r, enum st_read_how how)
{
	size_t fi = st_pick_file(r, how == ST_BY_MAP);
	size_t n = 1 + cgu_rand(&r->rng) % 16;
	size_t first = cgu_rand(&r->rng) % (r->c->files[fi].npages - n + 1);
	size_t i;

	for (i = 0; i < n; i++)
		st_read_page(r, fi, first + i, how);
	st_count(r->c, how == ST_BY_MAP ? ST_READ_MAP : ST_READ_PREAD, 1);
}

static void st_mincore(struct st_rd *r)
{
	size_t fi = st_pick_file(r, true);
	size_t len = r->c->files[fi].npages * CG_PAGE_SIZE;

	if (len / CG_PAGE_SIZE <= sizeof(r->vec)) {
		cgu_resident_pages(r->maps[fi], len, r->vec);
		st_count(r->c, ST_READ_MINCORE, 1);
	}
}

/* A child reads 16 pages through the mapping it inherited. */
static void st_fork_read(struct st_rd *r)
{
	int status, i;
	pid_t pid = fork();

	if (pid < 0)
		return;		/* under the memory limit: not a bug */
	if (!pid) {
		for (i = 0; i < 16; i++) {
			size_t fi = st_pick_file(r, true);

			st_read_page(r, fi, cgu_rand(&r->rng) % r->c->files[fi].npages,
				     ST_BY_MAP);
		}
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		st_fail(r->c, "forked reader ended with status 0x%x", status);
	st_count(r->c, ST_READ_FORK, 1);
}

void st_reader(struct st_ctx *c, uint64_t seed)
{
	static struct st_rd r;
	size_t i;

	r.c = c;
	r.rng = seed;
	cgu_sigbus_catch();
	for (i = 0; i < c->nfiles; i++)
		if (c->files[i].kind == ST_DATA)
			r.maps[i] = st_map_file(&c->files[i], false);
	while (!st_stopping(c)) {
		unsigned int op = cgu_rand(&r.rng) % 100;

		if (op < 40) {
			st_read_run(&r, ST_BY_PREAD);
		} else if (op < 75) {
			st_read_run(&r, ST_BY_MAP);
		} else if (op < 92) {
			size_t fi = st_pick_file(&r, false);

			st_seek_page(&r, fi, cgu_rand(&r.rng) % c->files[fi].npages);
			st_count(c, ST_READ_SEEK, 1);
		} else if (op < 97) {
			st_mincore(&r);
		} else {
			st_fork_read(&r);
		}
		/* a short sleep: a task that never sleeps holds up every
		 * RCU-tasks grace period, hence every mode switch and reload */
		usleep(cgu_rand(&r.rng) % 300);
	}
}
