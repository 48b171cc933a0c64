/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cg_common.h - helpers shared by the collapse_guard userspace programs.
 *
 * Exit codes used by every program:
 *   0 (CG_EXIT_OK)     what the program asserts held
 *   1 (CG_EXIT_FAIL)   an assertion failed
 *   2 (CG_EXIT_SETUP)  usage error or a setup step failed (nothing asserted)
 */
#ifndef CG_COMMON_H
#define CG_COMMON_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define CG_EXIT_OK	0
#define CG_EXIT_FAIL	1
#define CG_EXIT_SETUP	2

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE	25
#endif
#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT	21
#endif

#define CG_PAGE_SIZE	4096UL
/* Pages of one PMD-sized range the programs handle (x86-64: 2 MiB). */
#define CG_MAX_RANGE_PAGES	512

#define cg_noreturn __attribute__((noreturn))
#define cg_printf(a, b) __attribute__((format(printf, a, b)))

/* ---- errors and messages ---------------------------------------------- */

/* Program name used as the prefix of every message (set by cg_init). */
extern const char *cg_prog;

void cg_init(const char *argv0);
/* Print "prog: msg" to stderr. */
void cg_msg(const char *fmt, ...) cg_printf(1, 2);
/* Print "prog: setup: msg[: strerror(errno)]" and exit 2. */
cg_noreturn void cg_setup_fail(const char *fmt, ...) cg_printf(1, 2);
/* Same, with the errno text appended. */
cg_noreturn void cg_setup_fail_errno(const char *fmt, ...) cg_printf(1, 2);
/* Print "prog: FAIL: msg" and exit 1. */
cg_noreturn void cg_assert_fail(const char *fmt, ...) cg_printf(1, 2);
/* Print "prog: msg", then the usage text, and exit 2. */
cg_noreturn void cg_usage_fail(const char *usage, const char *fmt, ...)
	cg_printf(2, 3);

/* Parse an unsigned number in [min, max]; exit 2 with the option name if bad. */
unsigned long cg_parse_ulong(const char *text, const char *what,
			     unsigned long min, unsigned long max);
/* Return the index of text in the NULL-terminated list words, or exit 2. */
int cg_parse_word(const char *text, const char *what, const char *const *words);

/* ---- time -------------------------------------------------------------- */

/* Arm (or re-arm) a SIGALRM watchdog: past seconds, print a FAIL line
 * naming what and exit 1. seconds == 0 disarms it. */
void cg_watchdog(unsigned int seconds, const char *what);

uint64_t cg_now_ns(void);
uint64_t cg_deadline_ms(unsigned long timeout_ms);	/* now + timeout, in ns */
bool cg_deadline_passed(uint64_t deadline_ns);
void cg_sleep_ms(unsigned long ms);
/* Busy-wait about ns nanoseconds (to skew the start of racing threads). */
void cg_spin_ns(uint64_t ns);
/* Small per-thread PRNG (xorshift64*); state must be non-zero. */
uint64_t cg_rand(uint64_t *state);

/* ---- memory ------------------------------------------------------------ */

size_t cg_pmd_size(void);
/* memfd of len bytes (ftruncated). Exits 2 on failure. */
int cg_memfd(const char *name, size_t len);
/* A file of @len bytes at @path (on a tmpfs), already unlinked. */
int cg_shmem_file(const char *path, size_t len);
/* mmap len bytes at a PMD-aligned address. Exits 2 on failure. */
unsigned char *cg_map_aligned(size_t len, int prot, int flags, int fd);
/* MAP_SHARED read/write mapping of fd at a PMD-aligned address. */
unsigned char *cg_map_shared(int fd, size_t len);
/* Private anonymous read/write mapping at a PMD-aligned address. */
unsigned char *cg_map_anon(size_t len);
/* madvise() that exits 2 on failure (for setup steps). */
void cg_madvise(void *addr, size_t len, int advice, const char *what);
/* MADV_COLLAPSE: returns 0 or -1; *err receives errno (0 on success). */
int cg_collapse(void *addr, size_t len, int *err);
/* Fault in an anonymous MADV_HUGEPAGE area so that khugepaged knows this mm
 * (on 6.1 MADV_HUGEPAGE on shmem alone may not register the mm). The area is
 * left mapped for the life of the process. */
void cg_khugepaged_register_mm(void);
/* Exit 2 unless khugepaged can collapse this kind of memory: the THP
 * "enabled" knob must not be never (else khugepaged does not run) and, for
 * shmem, shmem_enabled must be advise, always or within_size. */
void cg_require_khugepaged(bool shmem);
/* Whether khugepaged may currently collapse shmem (knobs as above). */
bool cg_khugepaged_may_collapse(bool shmem);

/* ---- pattern fill / verify ---------------------------------------------- */

/* The 64-bit word number word of page page for a given seed; never zero. */
uint64_t cg_pattern_word(uint64_t seed, size_t page, size_t word);
void cg_pattern_fill_page(void *dst, uint64_t seed, size_t page);
/* Kinds of content a page is expected to hold. */
enum cg_expect { CG_EXPECT_ZERO, CG_EXPECT_PATTERN };
struct cg_mismatch {
	size_t page;		/* page index in the region */
	size_t offset;		/* byte offset inside the page */
	uint64_t expected;
	uint64_t found;
};
/* Check one page image; returns true if it matches. */
bool cg_check_page(const void *data, enum cg_expect kind, uint64_t seed,
		   size_t page, struct cg_mismatch *mm);
/* Read page page of fd with pread and check it. Exits 2 if pread fails. */
bool cg_check_file_page(int fd, enum cg_expect kind, uint64_t seed,
			size_t page, struct cg_mismatch *mm);
void cg_report_mismatch(const char *where, const struct cg_mismatch *mm);

/* ---- fill modes --------------------------------------------------------- */

enum cg_fill { CG_FILL_FULL, CG_FILL_PARTIAL, CG_FILL_SINGLE, CG_FILL_SWAPPED };
extern const char *const cg_fill_names[];	/* NULL-terminated */
/* Whether page index page_in_range (0..511) of a range is written in mode. */
bool cg_fill_writes(enum cg_fill mode, size_t page_in_range);

/* Write the pattern into every page of [addr, addr + npages pages) that mode
 * writes (per 2 MiB range position); the other pages are left untouched. */
void cg_fill_region(unsigned char *addr, size_t npages, enum cg_fill mode,
		    uint64_t seed);
/* Where cg_verify_region reads the pages from. */
#define CG_VERIFY_FILE		0x1	/* every page with pread(fd) */
#define CG_VERIFY_MAP_WRITTEN	0x2	/* written pages through map */
#define CG_VERIFY_MAP_ALL	0x4	/* every page through map */
/* Check that written pages hold the pattern and the others read as zeros.
 * Returns true if all match; otherwise fills *mm and where. */
bool cg_verify_region(int fd, const unsigned char *map, size_t npages,
		      enum cg_fill mode, uint64_t seed, unsigned int how,
		      struct cg_mismatch *mm, const char **where);

/* "EINVAL" for EINVAL, "0" for 0, "E<n>" for others not in the table. */
const char *cg_errno_name(int err);

/* ---- /proc/self/smaps, /proc/meminfo ------------------------------------ */

/* Value in kB of field (e.g. "ShmemPmdMapped") for the VMA containing addr;
 * -1 if the VMA or field is not found. */
long cg_smaps_kb(const void *addr, const char *field);
/* Value in kB of a /proc/meminfo field, -1 if absent. */
long cg_meminfo_kb(const char *field);

/* ---- file state (page cache view) --------------------------------------- */

/* True if lseek(SEEK_HOLE) from the page's offset returns that offset. */
bool cg_page_is_hole(int fd, size_t page);
/* Pages of [addr, addr+len) that mincore() reports resident; fills vec
 * (one byte per page) when vec is not NULL. Exits 2 if mincore fails. */
size_t cg_resident_pages(void *addr, size_t len, unsigned char *vec);
/* Number of 4 KiB pages the inode holds (st_blocks / 8). */
long cg_file_pages(int fd);

/* ---- one memfd mapped twice ------------------------------------------------ */

/* A PMD-sized memfd mapped twice at PMD-aligned addresses: a (the mapping
 * that gets registered with userfaultfd) and b (the one that is collapsed). */
struct cg_twin {
	int fd;
	size_t len, npages;
	unsigned char *a, *b;
};

void cg_twin_create(struct cg_twin *t, const char *name);
/* Write the pattern through b into every page that is not a hole. */
void cg_twin_fill(const struct cg_twin *t, const bool *hole, uint64_t seed);
void cg_twin_destroy(struct cg_twin *t);
/* Mark nholes distinct random pages (never page 0) as holes. */
void cg_pick_holes(bool *hole, size_t npages, size_t nholes, uint64_t *rng);

/* ---- userfaultfd --------------------------------------------------------- */

/* Open a userfaultfd (O_NONBLOCK) and negotiate features. Returns the fd, or
 * exits 2 when userfaultfd or one of the features is unavailable. */
int cg_uffd_open(uint64_t features);
/* Register [addr, addr+len) with mode (UFFDIO_REGISTER_MODE_*). Returns 0, or
 * -1 with errno set. */
int cg_uffd_register(int uffd, void *addr, size_t len, uint64_t mode);
int cg_uffd_unregister(int uffd, void *addr, size_t len);
/* Wait up to timeout_ms for one message. 1 = got one, 0 = timeout. */
int cg_uffd_wait_msg(int uffd, unsigned long timeout_ms, void *msg /* struct uffd_msg */);
int cg_uffd_copy(int uffd, void *dst, const void *src, size_t len);
int cg_uffd_continue(int uffd, void *dst, size_t len);
int cg_uffd_writeprotect(int uffd, void *addr, size_t len, bool protect);

/* How a probe touches the page and resolves the fault it may raise. */
enum cg_probe_kind {
	CG_PROBE_MISSING,	/* read; resolve with UFFDIO_COPY of copy_src */
	CG_PROBE_MINOR,		/* read; resolve with UFFDIO_CONTINUE */
	CG_PROBE_WP,		/* write one word; resolve by clearing WP */
};
struct cg_probe {
	bool event;		/* a userfaultfd message arrived */
	bool event_ok;		/* it was a page fault at the probed page */
	bool done;		/* the accessing thread completed */
	uint64_t first_word;	/* first 64-bit word the thread read */
	unsigned char data[CG_PAGE_SIZE];	/* page image seen by the thread */
};
/* Touch page through its (registered) address from a separate thread while
 * this thread waits up to timeout_ms for a userfaultfd message and resolves
 * it. For CG_PROBE_WP, wp_value is written to the first word. Returns 0 when
 * the probe completed (event or not), -1 if the thread is still blocked at
 * the deadline (a bug: a fault that never reported). */
int cg_uffd_probe(int uffd, unsigned char *page, enum cg_probe_kind kind,
		  const void *copy_src, uint64_t wp_value,
		  unsigned long timeout_ms, struct cg_probe *res);

/* ---- collapse_guard debugfs ---------------------------------------------- */

/* Directory of the module's debugfs files ($CG_DEBUGFS overrides). */
const char *cg_debugfs_dir(void);
/* Read one statistic. Returns 0, or -1 (errno set) if unreadable/absent. */
int cg_stat_read(const char *name, long long *value);

/* ---- accesses that may raise SIGBUS (past EOF) ------------------------------ */

/* Install the SIGBUS handler: an unexpected SIGBUS fails the program (exit 1). */
void cg_sigbus_catch(void);
/* Copy len bytes from src (a mapping) to dst, a word at a time; false if
 * that raised SIGBUS. cg_sigbus_catch() first. */
bool cg_try_read(const void *src, void *dst, size_t len);
/* Write one byte through a mapping; false if that raised SIGBUS. */
bool cg_try_write_byte(void *dst, unsigned char value);

/* ---- race programs ----------------------------------------------------------- */

struct option;

/* Options every race_* program takes: --iterations, --holes, --seed. */
struct cg_race_opts {
	unsigned long iterations;
	size_t holes;
	uint64_t seed;
};
/* Seed used when --seed is not given (differs from run to run). */
uint64_t cg_race_default_seed(void);
/* Handle a program's own option c (with optarg arg); false if c is not one. */
typedef bool (*cg_race_opt_fn)(int c, const char *arg, void *ctx);
/* Parse argv with getopt_long: --iterations, --holes (1..max_holes), --seed
 * into *o, --help prints usage and exits 0; the program's own options
 * (own_longopts, NULL-terminated, or NULL) go to own. Anything else is a
 * usage error (exit 2). The caller sets the defaults in *o first. */
void cg_race_parse(int argc, char **argv, const struct option *own_longopts,
		   const char *usage, size_t max_holes, struct cg_race_opts *o,
		   cg_race_opt_fn own, void *ctx);

/* Start fn(arg) in a new thread; exits 2 if that fails. */
void cg_thread_start(pthread_t *tid, void *(*fn)(void *), void *arg);
/* Wait on the start barrier, then busy-wait delay_ns (racer start skew). */
void cg_race_wait_start(pthread_barrier_t *start, uint64_t delay_ns);
/* Run a(a_arg) and b(b_arg) in two threads that both wait on start (which
 * this initialises for two), join them and destroy start. */
void cg_race_pair(pthread_barrier_t *start, void *(*a)(void *), void *a_arg,
		  void *(*b)(void *), void *b_arg);

/* One MADV_COLLAPSE of [addr, addr+len) racing something else. */
struct cg_collapse_racer {
	pthread_barrier_t *start;	/* shared with the other racer */
	uint64_t delay_ns;		/* spin this long after the barrier */
	unsigned char *addr;
	size_t len;
	int ret, err;			/* cg_collapse() result and errno */
	uint64_t start_ns;		/* cg_now_ns() when MADV_COLLAPSE began */
	uint64_t duration_ns;		/* time MADV_COLLAPSE took */
};
/* Thread function: wait for the start, collapse once, record the result. */
void *cg_collapse_racer_thread(void *arg);

#endif /* CG_COMMON_H */
