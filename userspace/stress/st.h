/* SPDX-License-Identifier: GPL-2.0 */
/*
 * st.h - cg_stress: what its processes share.
 *
 * One MAP_SHARED anonymous area, made before the workers fork, holds the
 * counters, the guard epoch the toggler publishes, and for every page of
 * every file a seqlock (seq: odd while its owner changes the page) and the
 * generation of the pattern it holds (0: reads as zeros). Each file has one
 * owner that changes its contents; the others only read and collapse.
 */
#ifndef ST_H
#define ST_H

#include "cgu.h"

#include <stdatomic.h>

/* ---- counters (an enum and a names table, st_shared.c) ---- */
enum st_counter {
	ST_MUT_PWRITE, ST_MUT_MAPWRITE, ST_MUT_PUNCH, ST_MUT_FALLOCATE,
	ST_MUT_TRUNCATE, ST_MUT_PAGEOUT,
	ST_COLLAPSE_CALLS, ST_COLLAPSE_OK, ST_COLLAPSE_EINVAL,
	ST_COLLAPSE_EAGAIN, ST_COLLAPSE_ENOMEM, ST_COLLAPSE_EBUSY,
	ST_COLLAPSE_OTHER,
	ST_READ_PREAD, ST_READ_MAP, ST_READ_SEEK, ST_READ_MINCORE,
	ST_READ_FORK, ST_READ_RACED, ST_READ_SEEK_UNGUARDED, ST_PAGES_VERIFIED,
	ST_MISSING_CYCLES, ST_MISSING_GUARDED, ST_MISSING_EXPECTED,
	ST_MISSING_RECEIVED, ST_MISSING_LOST, ST_MISSING_FILLED,
	ST_MISSING_UNGUARDED_LOST,
	ST_MINOR_CYCLES, ST_MINOR_EXPECTED, ST_MINOR_RECEIVED, ST_MINOR_LOST,
	ST_WP_CYCLES, ST_WP_EXPECTED, ST_WP_RECEIVED, ST_WP_LOST,
	ST_TOGGLE_SWITCHES, ST_TOGGLE_RELOADS, ST_TOGGLE_RMMOD_INFLIGHT,
	ST_TOGGLE_DRAIN_TIMEOUTS,
	ST_FAILURES,
	ST_COUNTER_COUNT
};
extern const char *const st_counter_names[];

/* ---- the toggler's steps, for the stall watchdog (st_watchdog.c) ---- */
enum st_step {
	ST_STEP_START, ST_STEP_DWELL, ST_STEP_SWITCH, ST_STEP_DRAIN_COLLAPSERS,
	ST_STEP_DRAIN_KHUGEPAGED, ST_STEP_HOLD, ST_STEP_SWITCH_OFF, ST_STEP_RMMOD,
	ST_STEP_JOIN_HELD, ST_STEP_INSMOD, ST_STEP_AFTER_LOAD, ST_STEP_DONE,
	ST_STEP_COUNT
};

enum st_file_kind { ST_DATA, ST_MISSING, ST_MINOR, ST_WP };

struct st_page {
	_Atomic uint32_t seq;
	_Atomic uint32_t gen;
};

#define ST_MAX_FILES	16
#define ST_MAX_WORKERS	32

struct st_file {
	enum st_file_kind kind;
	int fd;			/* inherited by every worker */
	char alias[64];		/* a second path to the inode, for re-opening */
	size_t npages;
	size_t first_page;	/* its pages in st_shared.pages[] */
	uint64_t id;		/* pattern seed: (id << 32) | gen */
};

/* cg_stress's exit status when a run found nothing wrong but did not cover
 * what --expect-guarded asks for (apart from 1, a correctness failure) */
#define ST_EXIT_COVERAGE	3

struct st_shared {
	_Atomic unsigned long counters[ST_COUNTER_COUNT];
	_Atomic bool stop;
	/* the toggler's view: guarded = guard mode, and every stock collapse
	 * from before it drained; epoch changes whenever guard is left */
	_Atomic bool guarded;
	_Atomic unsigned long epoch;
	/* per collapser: odd while inside MADV_COLLAPSE */
	_Atomic unsigned long in_call[ST_MAX_WORKERS];
	/* the toggler's current step, and how many steps it has begun */
	_Atomic unsigned int toggle_step;
	_Atomic unsigned long toggle_steps;
	/* the longest MISSING cycle so far: the toggler stays in guard at
	 * least a few of them, so that whole cycles fit (st_guard_dwell_us) */
	_Atomic uint64_t missing_cycle_max_ns;
	struct st_page pages[];
};

struct st_opts {
	unsigned long seconds, collapsers, readers, data_files, file_mb;
	unsigned long missing_files;
	bool minor, wp, toggle, guarded, expect_guarded;
	bool sysrq;			/* the stall report dumps kernel stacks */
	unsigned long reload_every;	/* mode switches per rmmod/insmod */
	unsigned long guard_dwell_ms;	/* longest stay in guard */
	unsigned long reloads;		/* stop after this many (0: no) */
	unsigned long stall_s;		/* the toggler's longest step */
	uint64_t seed;
	const char *data_dir, *uffd_dir, *module, *after_load, *status;
};

struct st_ctx {
	struct st_opts o;
	struct st_shared *sh;
	struct st_file files[ST_MAX_FILES];
	size_t nfiles;
};

/* st_shared.c */
void st_shared_init(struct st_ctx *c, size_t total_pages);
void st_count(struct st_ctx *c, enum st_counter i, unsigned long n);
unsigned long st_counter(const struct st_ctx *c, enum st_counter i);
/* Raises the longest MISSING cycle to ns if it is longer. */
void st_note_missing_cycle(struct st_ctx *c, uint64_t ns);
/* Record a failed check: printed (the first 50), counted, run goes on. */
void st_fail(struct st_ctx *c, const char *fmt, ...) cgu_printf(2, 3);
bool st_stopping(const struct st_ctx *c);
struct st_page *st_page(const struct st_ctx *c, const struct st_file *f,
			size_t page);
/* The owner's side of a page's seqlock. */
void st_page_begin(struct st_page *p);
void st_page_end(struct st_page *p, uint32_t gen);
/* The reader's side: st_page_read_begin() returns false while the owner is
 * changing it; st_page_read_ok() whether it stayed unchanged since. */
bool st_page_read_begin(struct st_page *p, uint32_t *seq, uint32_t *gen);
bool st_page_read_ok(struct st_page *p, uint32_t seq);
uint64_t st_seed(const struct st_file *f, uint32_t gen);
/* Check an image of page page of f against generation gen; on a mismatch
 * records a failure naming where. */
bool st_check_image(struct st_ctx *c, const struct st_file *f, size_t page,
		    uint32_t gen, const void *img, const char *where);
/* Guard epoch: st_guard_snapshot() before, st_guard_held() after a span of
 * work says whether guard held, without a stock collapse, all along. */
unsigned long st_guard_snapshot(const struct st_ctx *c, bool *guarded);
bool st_guard_held(const struct st_ctx *c, bool was_guarded,
		   unsigned long epoch);

/* st_files.c */
void st_files_create(struct st_ctx *c);
/* MAP_SHARED mapping of f (MADV_HUGEPAGE) through its fd, or re-opened
 * through its alias path when alias is true. */
unsigned char *st_map_file(const struct st_file *f, bool alias);
void st_files_verify(struct st_ctx *c);
void st_files_release(struct st_ctx *c);

/* the workers: each runs in its own process until stop */
void st_mutator(struct st_ctx *c, struct st_file *f, uint64_t seed);
void st_collapser(struct st_ctx *c, unsigned int id, uint64_t seed);
void st_reader(struct st_ctx *c, uint64_t seed);
void st_missing_worker(struct st_ctx *c, struct st_file *f, uint64_t seed);
void st_minor_worker(struct st_ctx *c, struct st_file *f, uint64_t seed);
void st_wp_worker(struct st_ctx *c, struct st_file *f, uint64_t seed);
void st_toggler(struct st_ctx *c, uint64_t seed);

/* st_touch.c: touch every page of a registered mapping in random order
 * from a thread while this one resolves the userfaultfd events. */
struct st_touch {
	int uffd;
	enum cgu_probe_kind kind;
	unsigned char *map;
	const struct st_file *f;
	uint32_t gen;			/* pattern UFFDIO_COPY installs */
	size_t npages;
	uint64_t rng;
	unsigned int *events;		/* per page, filled by the handler */
	unsigned int *events_at_touch;	/* events while the page was touched */
	unsigned char (*images)[CG_PAGE_SIZE];	/* what each touch read */
	bool *copy_found;		/* per page: UFFDIO_COPY found it there */
	const char *failed;		/* set when a fault was never resolved */
};
void st_touch_run(struct st_ctx *c, struct st_touch *t);

/* st_proc.c: small files. st_read_text() reads all of one (NUL-terminated),
 * st_read_file() its first line without the newline; st_task_state() is the
 * state letter in a /proc stat file ('?' if unreadable). */
bool st_write_file(const char *path, const char *text);
bool st_read_text(const char *path, char *buf, size_t len);
bool st_read_file(const char *path, char *buf, size_t len);
char st_task_state(const char *stat_path);
/* fn(id, arg) for every numeric entry of dir (/proc, /proc/N/task) until
 * it returns true; true if it did. */
bool st_for_each_id(const char *dir, bool (*fn)(int id, void *arg), void *arg);

/* st_watchdog.c: the toggler marks each step it begins; the main process
 * checks every second that the steps go on (see the file's top). */
void st_toggle_step(struct st_ctx *c, enum st_step step);
struct st_watchdog {
	unsigned long steps;	/* toggle_steps when last seen moving */
	uint64_t moved_ms;	/* when */
};
/* True once the toggler has stayed in one step for --stall-seconds: the
 * evidence is then reported and a failure recorded. */
bool st_watchdog_stalled(struct st_ctx *c, struct st_watchdog *w);

/* st_report.c */
void st_report(const struct st_ctx *c, FILE *out);
void st_status_write(const struct st_ctx *c);

#endif /* ST_H */
