// SPDX-License-Identifier: GPL-2.0
/*
 * cg_common.c - helpers shared by the collapse_guard userspace programs:
 * messages and exit codes, argument parsing, PMD-aligned memfd/anonymous
 * mappings, the page pattern, smaps/meminfo parsing, userfaultfd and the
 * module's debugfs statistics, and the race programs' common options and
 * racing threads.
 */
#include "cg_common.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

const char *cg_prog = "cg";

/* ---- errors and messages ---------------------------------------------- */

void cg_init(const char *argv0)
{
	const char *slash = strrchr(argv0, '/');

	cg_prog = slash ? slash + 1 : argv0;
	setvbuf(stdout, NULL, _IOLBF, 0);
}

static void cg_vmsg(const char *tag, const char *fmt, va_list ap, int err)
{
	fprintf(stderr, "%s: %s", cg_prog, tag);
	vfprintf(stderr, fmt, ap);
	if (err)
		fprintf(stderr, ": %s", strerror(err));
	fputc('\n', stderr);
}

void cg_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cg_vmsg("", fmt, ap, 0);
	va_end(ap);
}

void cg_setup_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cg_vmsg("setup: ", fmt, ap, 0);
	va_end(ap);
	exit(CG_EXIT_SETUP);
}

void cg_setup_fail_errno(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	va_start(ap, fmt);
	cg_vmsg("setup: ", fmt, ap, err);
	va_end(ap);
	exit(CG_EXIT_SETUP);
}

void cg_assert_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cg_vmsg("FAIL: ", fmt, ap, 0);
	va_end(ap);
	exit(CG_EXIT_FAIL);
}

void cg_usage_fail(const char *usage, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cg_vmsg("", fmt, ap, 0);
	va_end(ap);
	fputs(usage, stderr);
	exit(CG_EXIT_SETUP);
}

unsigned long cg_parse_ulong(const char *text, const char *what,
			     unsigned long min, unsigned long max)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(text, &end, 0);
	if (errno || end == text || *end || text[0] == '-' || v < min || v > max) {
		fprintf(stderr, "%s: %s: '%s' is not a number in [%lu, %lu]\n",
			cg_prog, what, text, min, max);
		exit(CG_EXIT_SETUP);
	}
	return v;
}

int cg_parse_word(const char *text, const char *what, const char *const *words)
{
	int i;

	for (i = 0; words[i]; i++)
		if (!strcmp(text, words[i]))
			return i;
	fprintf(stderr, "%s: %s: '%s' is not one of:", cg_prog, what, text);
	for (i = 0; words[i]; i++)
		fprintf(stderr, " %s", words[i]);
	fputc('\n', stderr);
	exit(CG_EXIT_SETUP);
}

/* ---- time -------------------------------------------------------------- */

static const char *cg_watchdog_what = "";

static void cg_watchdog_fired(int sig)
{
	char msg[256];
	int n;

	(void)sig;
	n = snprintf(msg, sizeof(msg), "%s: FAIL: watchdog: %s did not finish in time\n",
		     cg_prog, cg_watchdog_what);
	if (n > 0 && write(STDERR_FILENO, msg, (size_t)n) < 0)
		_exit(CG_EXIT_FAIL);
	_exit(CG_EXIT_FAIL);
}

void cg_watchdog(unsigned int seconds, const char *what)
{
	cg_watchdog_what = what;
	signal(SIGALRM, cg_watchdog_fired);
	alarm(seconds);
}

uint64_t cg_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

uint64_t cg_deadline_ms(unsigned long timeout_ms)
{
	return cg_now_ns() + (uint64_t)timeout_ms * 1000000ULL;
}

bool cg_deadline_passed(uint64_t deadline_ns)
{
	return cg_now_ns() >= deadline_ns;
}

void cg_sleep_ms(unsigned long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

void cg_spin_ns(uint64_t ns)
{
	uint64_t end = cg_now_ns() + ns;

	while (cg_now_ns() < end)
		;
}

uint64_t cg_rand(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545F4914F6CDD1DULL;
}

/* ---- memory ------------------------------------------------------------ */

size_t cg_pmd_size(void)
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

int cg_memfd(const char *name, size_t len)
{
	int fd = memfd_create(name, MFD_CLOEXEC);

	if (fd < 0)
		cg_setup_fail_errno("memfd_create");
	if (ftruncate(fd, (off_t)len))
		cg_setup_fail_errno("ftruncate memfd to %zu", len);
	return fd;
}

int cg_shmem_file(const char *path, size_t len)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0)
		cg_setup_fail_errno("open %s", path);
	/* gone when the program is: nothing to clean up on any exit */
	if (unlink(path))
		cg_setup_fail_errno("unlink %s", path);
	if (ftruncate(fd, (off_t)len))
		cg_setup_fail_errno("ftruncate %s to %zu", path, len);
	return fd;
}

unsigned char *cg_map_aligned(size_t len, int prot, int flags, int fd)
{
	size_t align = cg_pmd_size();
	size_t span = len + align;
	unsigned char *resv, *start, *p;

	resv = mmap(NULL, span, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (resv == MAP_FAILED)
		cg_setup_fail_errno("reserve %zu bytes of address space", span);
	start = (unsigned char *)(((uintptr_t)resv + align - 1) & ~(uintptr_t)(align - 1));
	p = mmap(start, len, prot, flags | MAP_FIXED, fd, 0);
	if (p == MAP_FAILED)
		cg_setup_fail_errno("mmap %zu bytes at %p", len, (void *)start);
	if (start > resv)
		munmap(resv, (size_t)(start - resv));
	if (resv + span > start + len)
		munmap(start + len, (size_t)(resv + span - (start + len)));
	return p;
}

unsigned char *cg_map_shared(int fd, size_t len)
{
	return cg_map_aligned(len, PROT_READ | PROT_WRITE, MAP_SHARED, fd);
}

unsigned char *cg_map_anon(size_t len)
{
	return cg_map_aligned(len, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1);
}

void cg_madvise(void *addr, size_t len, int advice, const char *what)
{
	if (madvise(addr, len, advice))
		cg_setup_fail_errno("madvise(%s)", what);
}

int cg_collapse(void *addr, size_t len, int *err)
{
	int ret = madvise(addr, len, MADV_COLLAPSE);

	*err = ret ? errno : 0;
	return ret;
}

void cg_khugepaged_register_mm(void)
{
	static unsigned char *area;
	size_t len = cg_pmd_size();

	if (area)
		return;
	area = cg_map_anon(len);
	cg_madvise(area, len, MADV_HUGEPAGE, "MADV_HUGEPAGE (anon, khugepaged registration)");
	area[0] = 1;
}

/* The active value of a THP knob ("always [madvise] never" -> "madvise"). */
static void cg_read_knob(const char *path, char *out, size_t len)
{
	char line[256] = "";
	const char *open, *close;
	FILE *f = fopen(path, "r");

	if (!f)
		cg_setup_fail_errno("open %s", path);
	if (!fgets(line, sizeof(line), f))
		line[0] = '\0';
	fclose(f);
	open = strchr(line, '[');
	close = open ? strchr(open, ']') : NULL;
	if (!close || (size_t)(close - open) > len)
		cg_setup_fail("no [active] value in %s", path);
	memcpy(out, open + 1, (size_t)(close - open - 1));
	out[close - open - 1] = '\0';
}

/* NULL if khugepaged may collapse this kind, else why not (in why). */
static const char *cg_khugepaged_blocker(bool shmem, char *why, size_t len)
{
	static const char thp[] = "/sys/kernel/mm/transparent_hugepage/";
	char path[128], v[32];

	snprintf(path, sizeof(path), "%senabled", thp);
	cg_read_knob(path, v, sizeof(v));
	if (!strcmp(v, "never")) {
		snprintf(why, len, "%s is never: khugepaged does not run", path);
		return why;
	}
	if (!shmem)
		return NULL;
	snprintf(path, sizeof(path), "%sshmem_enabled", thp);
	cg_read_knob(path, v, sizeof(v));
	if (strcmp(v, "advise") && strcmp(v, "always") && strcmp(v, "within_size")) {
		snprintf(why, len, "%s is %s: khugepaged does not collapse shmem", path, v);
		return why;
	}
	return NULL;
}

void cg_require_khugepaged(bool shmem)
{
	char why[256];

	if (cg_khugepaged_blocker(shmem, why, sizeof(why)))
		cg_setup_fail("%s", why);
}

bool cg_khugepaged_may_collapse(bool shmem)
{
	char why[256];

	return !cg_khugepaged_blocker(shmem, why, sizeof(why));
}

/* ---- pattern fill / verify ---------------------------------------------- */

uint64_t cg_pattern_word(uint64_t seed, size_t page, size_t word)
{
	uint64_t x = seed * 0x9E3779B97F4A7C15ULL;

	x ^= ((uint64_t)page << 20) | (uint64_t)word;
	x ^= x >> 31;
	x *= 0xBF58476D1CE4E5B9ULL;
	x ^= x >> 29;
	return x | 1;
}

void cg_pattern_fill_page(void *dst, uint64_t seed, size_t page)
{
	uint64_t *w = dst;
	size_t i;

	for (i = 0; i < CG_PAGE_SIZE / 8; i++)
		w[i] = cg_pattern_word(seed, page, i);
}

bool cg_check_page(const void *data, enum cg_expect kind, uint64_t seed,
		   size_t page, struct cg_mismatch *mm)
{
	const volatile uint64_t *w = data;
	size_t i;

	for (i = 0; i < CG_PAGE_SIZE / 8; i++) {
		uint64_t want = kind == CG_EXPECT_ZERO ? 0 :
				cg_pattern_word(seed, page, i);
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

bool cg_check_file_page(int fd, enum cg_expect kind, uint64_t seed,
			size_t page, struct cg_mismatch *mm)
{
	uint64_t buf[CG_PAGE_SIZE / 8];
	ssize_t n = pread(fd, buf, sizeof(buf), (off_t)(page * CG_PAGE_SIZE));

	if (n != (ssize_t)sizeof(buf))
		cg_setup_fail_errno("pread page %zu (got %zd)", page, n);
	return cg_check_page(buf, kind, seed, page, mm);
}

void cg_report_mismatch(const char *where, const struct cg_mismatch *mm)
{
	fprintf(stderr, "%s: mismatch where=%s page=%zu offset=%zu expected=0x%016llx found=0x%016llx\n",
		cg_prog, where, mm->page, mm->offset,
		(unsigned long long)mm->expected, (unsigned long long)mm->found);
}

/* ---- fill modes --------------------------------------------------------- */

const char *const cg_fill_names[] = { "full", "partial", "single", "swapped", NULL };

bool cg_fill_writes(enum cg_fill mode, size_t page_in_range)
{
	switch (mode) {
	case CG_FILL_PARTIAL:
		return page_in_range % 2 == 0;
	case CG_FILL_SINGLE:
		return page_in_range == 0;
	case CG_FILL_FULL:
	case CG_FILL_SWAPPED:
	default:
		return true;
	}
}

void cg_fill_region(unsigned char *addr, size_t npages, enum cg_fill mode,
		    uint64_t seed)
{
	size_t per_range = cg_pmd_size() / CG_PAGE_SIZE, i;

	for (i = 0; i < npages; i++)
		if (cg_fill_writes(mode, i % per_range))
			cg_pattern_fill_page(addr + i * CG_PAGE_SIZE, seed, i);
}

static bool cg_verify_one(int fd, const unsigned char *map, size_t page,
			  enum cg_expect kind, uint64_t seed, unsigned int how,
			  struct cg_mismatch *mm, const char **where)
{
	bool map_it = (how & CG_VERIFY_MAP_ALL) ||
		      ((how & CG_VERIFY_MAP_WRITTEN) && kind == CG_EXPECT_PATTERN);

	if ((how & CG_VERIFY_FILE) && !cg_check_file_page(fd, kind, seed, page, mm)) {
		*where = "file";
		return false;
	}
	if (map_it && !cg_check_page(map + page * CG_PAGE_SIZE, kind, seed, page, mm)) {
		*where = "mapping";
		return false;
	}
	return true;
}

bool cg_verify_region(int fd, const unsigned char *map, size_t npages,
		      enum cg_fill mode, uint64_t seed, unsigned int how,
		      struct cg_mismatch *mm, const char **where)
{
	size_t per_range = cg_pmd_size() / CG_PAGE_SIZE, i;

	for (i = 0; i < npages; i++) {
		enum cg_expect kind = cg_fill_writes(mode, i % per_range) ?
				      CG_EXPECT_PATTERN : CG_EXPECT_ZERO;

		if (!cg_verify_one(fd, map, i, kind, seed, how, mm, where))
			return false;
	}
	return true;
}

const char *cg_errno_name(int err)
{
	static __thread char buf[16];

	switch (err) {
	case 0: return "0";
	case EINVAL: return "EINVAL";
	case EAGAIN: return "EAGAIN";
	case ENOMEM: return "ENOMEM";
	case EBUSY: return "EBUSY";
	case EFAULT: return "EFAULT";
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EEXIST: return "EEXIST";
	case ETIMEDOUT: return "ETIMEDOUT";
	case ENXIO: return "ENXIO";
	default:
		snprintf(buf, sizeof(buf), "E%d", err);
		return buf;
	}
}

/* ---- /proc/self/smaps, /proc/meminfo ------------------------------------ */

/* Parse "Name:   123 kB" lines: returns true and the value if name matches. */
static bool cg_parse_kb_line(const char *line, const char *name, long *kb)
{
	size_t n = strlen(name);

	if (strncmp(line, name, n) || line[n] != ':')
		return false;
	return sscanf(line + n + 1, "%ld", kb) == 1;
}

long cg_smaps_kb(const void *addr, const char *field)
{
	uintptr_t a = (uintptr_t)addr;
	bool inside = false;
	char line[512];
	long kb = -1;
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		cg_setup_fail_errno("open /proc/self/smaps");
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;
		char perms[8];

		/* VMA header: "lo-hi perms offset dev inode [path]". */
		if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) == 3) {
			if (inside)
				break;
			inside = a >= lo && a < hi;
			continue;
		}
		if (inside && cg_parse_kb_line(line, field, &kb))
			break;
	}
	fclose(f);
	return kb;
}

long cg_meminfo_kb(const char *field)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		cg_setup_fail_errno("open /proc/meminfo");
	while (fgets(line, sizeof(line), f))
		if (cg_parse_kb_line(line, field, &kb))
			break;
	fclose(f);
	return kb;
}

/* ---- file state ---------------------------------------------------------- */

bool cg_page_is_hole(int fd, size_t page)
{
	off_t off = (off_t)(page * CG_PAGE_SIZE);

	return lseek(fd, off, SEEK_HOLE) == off;
}

size_t cg_resident_pages(void *addr, size_t len, unsigned char *vec)
{
	size_t npages = len / CG_PAGE_SIZE, i, n = 0;
	unsigned char *v = vec ? vec : malloc(npages);

	if (!v)
		cg_setup_fail("out of memory");
	if (mincore(addr, len, v))
		cg_setup_fail_errno("mincore");
	for (i = 0; i < npages; i++)
		n += v[i] & 1;
	if (!vec)
		free(v);
	return n;
}

long cg_file_pages(int fd)
{
	struct stat st;

	if (fstat(fd, &st))
		cg_setup_fail_errno("fstat");
	return (long)(st.st_blocks / (CG_PAGE_SIZE / 512));
}

/* ---- one memfd mapped twice ------------------------------------------------ */

void cg_twin_create(struct cg_twin *t, const char *name)
{
	t->len = cg_pmd_size();
	t->npages = t->len / CG_PAGE_SIZE;
	if (t->npages > CG_MAX_RANGE_PAGES)
		cg_setup_fail("PMD size %zu: more than %d pages per range", t->len,
			      CG_MAX_RANGE_PAGES);
	t->fd = cg_memfd(name, t->len);
	t->b = cg_map_shared(t->fd, t->len);
	t->a = cg_map_shared(t->fd, t->len);
}

void cg_twin_fill(const struct cg_twin *t, const bool *hole, uint64_t seed)
{
	size_t i;

	for (i = 0; i < t->npages; i++)
		if (!hole[i])
			cg_pattern_fill_page(t->b + i * CG_PAGE_SIZE, seed, i);
}

void cg_twin_destroy(struct cg_twin *t)
{
	munmap(t->a, t->len);
	munmap(t->b, t->len);
	close(t->fd);
	t->fd = -1;
}

void cg_pick_holes(bool *hole, size_t npages, size_t nholes, uint64_t *rng)
{
	size_t n = 0;

	memset(hole, 0, npages * sizeof(*hole));
	if (nholes > npages - 1)
		nholes = npages - 1;
	while (n < nholes) {
		size_t p = 1 + (size_t)(cg_rand(rng) % (npages - 1));

		if (!hole[p]) {
			hole[p] = true;
			n++;
		}
	}
}

/* ---- userfaultfd --------------------------------------------------------- */

static int cg_uffd_new_fd(void)
{
	int fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	int dev;

	if (fd >= 0)
		return fd;
	dev = open("/dev/userfaultfd", O_RDWR | O_CLOEXEC);
	if (dev < 0)
		return -1;
	fd = ioctl(dev, USERFAULTFD_IOC_NEW, O_CLOEXEC | O_NONBLOCK);
	close(dev);
	return fd;
}

int cg_uffd_open(uint64_t features)
{
	struct uffdio_api api = { .api = UFFD_API, .features = features };
	int fd = cg_uffd_new_fd();

	if (fd < 0)
		cg_setup_fail_errno("userfaultfd");
	if (ioctl(fd, UFFDIO_API, &api))
		cg_setup_fail_errno("UFFDIO_API features=0x%llx",
				    (unsigned long long)features);
	if ((api.features & features) != features)
		cg_setup_fail("kernel lacks userfaultfd features 0x%llx",
			      (unsigned long long)(features & ~api.features));
	return fd;
}

int cg_uffd_register(int uffd, void *addr, size_t len, uint64_t mode)
{
	struct uffdio_register reg = {
		.range = { .start = (uintptr_t)addr, .len = len },
		.mode = mode,
	};

	return ioctl(uffd, UFFDIO_REGISTER, &reg);
}

int cg_uffd_unregister(int uffd, void *addr, size_t len)
{
	struct uffdio_range range = { .start = (uintptr_t)addr, .len = len };

	return ioctl(uffd, UFFDIO_UNREGISTER, &range);
}

int cg_uffd_wait_msg(int uffd, unsigned long timeout_ms, void *msg)
{
	uint64_t deadline = cg_deadline_ms(timeout_ms);

	for (;;) {
		struct pollfd pfd = { .fd = uffd, .events = POLLIN };
		uint64_t now = cg_now_ns();
		int left = now >= deadline ? 0 : (int)((deadline - now) / 1000000);
		int r = poll(&pfd, 1, left);

		if (r < 0 && errno != EINTR)
			cg_setup_fail_errno("poll userfaultfd");
		if (r > 0) {
			ssize_t n = read(uffd, msg, sizeof(struct uffd_msg));

			if (n == (ssize_t)sizeof(struct uffd_msg))
				return 1;
			if (n < 0 && errno != EAGAIN && errno != EINTR)
				cg_setup_fail_errno("read userfaultfd");
		}
		if (cg_now_ns() >= deadline)
			return 0;
	}
}

int cg_uffd_copy(int uffd, void *dst, const void *src, size_t len)
{
	struct uffdio_copy copy = {
		.dst = (uintptr_t)dst, .src = (uintptr_t)src, .len = len,
	};
	struct uffdio_range wake = { .start = (uintptr_t)dst, .len = len };

	if (!ioctl(uffd, UFFDIO_COPY, &copy))
		return 0;
	/* Someone else filled the page: the waiter still needs waking. */
	if (errno == EEXIST)
		return ioctl(uffd, UFFDIO_WAKE, &wake);
	return -1;
}

int cg_uffd_continue(int uffd, void *dst, size_t len)
{
	struct uffdio_continue cont = {
		.range = { .start = (uintptr_t)dst, .len = len },
	};
	struct uffdio_range wake = { .start = (uintptr_t)dst, .len = len };

	if (!ioctl(uffd, UFFDIO_CONTINUE, &cont))
		return 0;
	if (errno == EEXIST)
		return ioctl(uffd, UFFDIO_WAKE, &wake);
	return -1;
}

int cg_uffd_writeprotect(int uffd, void *addr, size_t len, bool protect)
{
	struct uffdio_writeprotect wp = {
		.range = { .start = (uintptr_t)addr, .len = len },
		.mode = protect ? UFFDIO_WRITEPROTECT_MODE_WP : 0,
	};

	return ioctl(uffd, UFFDIO_WRITEPROTECT, &wp);
}

struct cg_probe_thread {
	unsigned char *page;
	enum cg_probe_kind kind;
	uint64_t wp_value;
	int done_pipe[2];
	uint64_t data[CG_PAGE_SIZE / 8];
};

static void *cg_probe_touch(void *arg)
{
	struct cg_probe_thread *t = arg;
	volatile uint64_t *w = (volatile uint64_t *)t->page;
	size_t i;

	if (t->kind == CG_PROBE_WP)
		w[0] = t->wp_value;
	for (i = 0; i < CG_PAGE_SIZE / 8; i++)
		t->data[i] = w[i];
	if (write(t->done_pipe[1], "d", 1) != 1)
		abort();
	return NULL;
}

static bool cg_probe_msg_matches(const struct uffd_msg *msg,
				 const unsigned char *page, enum cg_probe_kind kind)
{
	uint64_t flags = msg->arg.pagefault.flags;
	uint64_t want = kind == CG_PROBE_WP ? UFFD_PAGEFAULT_FLAG_WP :
			kind == CG_PROBE_MINOR ? UFFD_PAGEFAULT_FLAG_MINOR : 0;

	if (msg->event != UFFD_EVENT_PAGEFAULT)
		return false;
	if ((msg->arg.pagefault.address & ~(uint64_t)(CG_PAGE_SIZE - 1)) != (uintptr_t)page)
		return false;
	return (flags & (UFFD_PAGEFAULT_FLAG_WP | UFFD_PAGEFAULT_FLAG_MINOR)) == want;
}

static int cg_probe_resolve(int uffd, unsigned char *page, enum cg_probe_kind kind,
			    const void *copy_src)
{
	switch (kind) {
	case CG_PROBE_MINOR:
		return cg_uffd_continue(uffd, page, CG_PAGE_SIZE);
	case CG_PROBE_WP:
		return cg_uffd_writeprotect(uffd, page, CG_PAGE_SIZE, false);
	case CG_PROBE_MISSING:
	default:
		return cg_uffd_copy(uffd, page, copy_src, CG_PAGE_SIZE);
	}
}

/* Wait for either the toucher finishing or a message; resolve messages. */
static int cg_probe_wait(int uffd, struct cg_probe_thread *t,
			 const void *copy_src, uint64_t deadline, struct cg_probe *res)
{
	for (;;) {
		struct pollfd pfd[2] = {
			{ .fd = t->done_pipe[0], .events = POLLIN },
			{ .fd = uffd, .events = POLLIN },
		};
		uint64_t now = cg_now_ns();
		int left = now >= deadline ? 0 : (int)((deadline - now) / 1000000) + 1;
		struct uffd_msg msg;
		int r = poll(pfd, 2, left);

		if (r < 0 && errno != EINTR)
			cg_setup_fail_errno("poll");
		if (r > 0 && (pfd[0].revents & POLLIN))
			return 0;
		if (r > 0 && (pfd[1].revents & POLLIN) &&
		    read(uffd, &msg, sizeof(msg)) == (ssize_t)sizeof(msg)) {
			res->event = true;
			res->event_ok = cg_probe_msg_matches(&msg, t->page, t->kind);
			if (cg_probe_resolve(uffd, t->page, t->kind, copy_src))
				cg_setup_fail_errno("resolve userfaultfd fault at %p",
						    (void *)t->page);
		}
		if (cg_now_ns() >= deadline)
			return -1;
	}
}

int cg_uffd_probe(int uffd, unsigned char *page, enum cg_probe_kind kind,
		  const void *copy_src, uint64_t wp_value,
		  unsigned long timeout_ms, struct cg_probe *res)
{
	/* Heap-allocated: leaked on timeout, as the blocked thread still uses it. */
	struct cg_probe_thread *t = calloc(1, sizeof(*t));
	pthread_t tid;

	memset(res, 0, sizeof(*res));
	if (!t)
		cg_setup_fail("out of memory");
	t->page = page;
	t->kind = kind;
	t->wp_value = wp_value;
	if (pipe2(t->done_pipe, O_CLOEXEC))
		cg_setup_fail_errno("pipe2");
	if (pthread_create(&tid, NULL, cg_probe_touch, t))
		cg_setup_fail("pthread_create failed");
	if (cg_probe_wait(uffd, t, copy_src, cg_deadline_ms(timeout_ms), res))
		return -1;
	pthread_join(tid, NULL);
	res->done = true;
	memcpy(res->data, t->data, CG_PAGE_SIZE);
	res->first_word = t->data[0];
	close(t->done_pipe[0]);
	close(t->done_pipe[1]);
	free(t);
	return 0;
}

/* ---- collapse_guard debugfs ---------------------------------------------- */

/* ---- accesses that may raise SIGBUS ---------------------------------------- */

static __thread sigjmp_buf cg_bus_jump;
static __thread volatile sig_atomic_t cg_bus_armed;

static void cg_on_sigbus(int sig)
{
	static const char msg[] = ": FAIL: unexpected SIGBUS\n";

	(void)sig;
	if (cg_bus_armed)
		siglongjmp(cg_bus_jump, 1);
	if (write(STDERR_FILENO, cg_prog, strlen(cg_prog)) < 0 ||
	    write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(CG_EXIT_FAIL);
	_exit(CG_EXIT_FAIL);
}

void cg_sigbus_catch(void)
{
	struct sigaction sa = { .sa_handler = cg_on_sigbus };

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGBUS, &sa, NULL))
		cg_setup_fail_errno("sigaction SIGBUS");
}

bool cg_try_read(const void *src, void *dst, size_t len)
{
	const volatile unsigned char *s = src;
	unsigned char *d = dst;
	size_t i;

	if (sigsetjmp(cg_bus_jump, 1)) {
		cg_bus_armed = 0;
		return false;
	}
	cg_bus_armed = 1;
	for (i = 0; i < len; i++)
		d[i] = s[i];
	cg_bus_armed = 0;
	return true;
}

bool cg_try_write_byte(void *dst, unsigned char value)
{
	if (sigsetjmp(cg_bus_jump, 1)) {
		cg_bus_armed = 0;
		return false;
	}
	cg_bus_armed = 1;
	*(volatile unsigned char *)dst = value;
	cg_bus_armed = 0;
	return true;
}

const char *cg_debugfs_dir(void)
{
	const char *dir = getenv("CG_DEBUGFS");

	return dir && *dir ? dir : "/sys/kernel/debug/collapse_guard";
}

int cg_stat_read(const char *name, long long *value)
{
	char path[PATH_MAX], key[128];
	long long v;
	FILE *f;
	int found = -1;

	snprintf(path, sizeof(path), "%s/stats", cg_debugfs_dir());
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fscanf(f, "%127s %lld", key, &v) == 2) {
		if (!strcmp(key, name)) {
			*value = v;
			found = 0;
			break;
		}
	}
	fclose(f);
	if (found)
		errno = ENOENT;
	return found;
}

/* ---- race programs ----------------------------------------------------------- */

uint64_t cg_race_default_seed(void)
{
	return ((uint64_t)getpid() << 20) ^ cg_now_ns();
}

/* Handle one of the options common to the race programs; false if unknown. */
static bool cg_race_common_opt(int c, const char *usage, size_t max_holes,
			       struct cg_race_opts *o)
{
	switch (c) {
	case 'i': o->iterations = cg_parse_ulong(optarg, "--iterations", 1, 1UL << 30); break;
	case 'H': o->holes = cg_parse_ulong(optarg, "--holes", 1, max_holes); break;
	case 's': o->seed = cg_parse_ulong(optarg, "--seed", 1, ~0UL); break;
	case 'h': fputs(usage, stdout); exit(0);
	default: return false;
	}
	return true;
}

/* Options of every race program, then room for the program's own. */
#define CG_RACE_MAX_OPTS	16
static const struct option cg_race_longopts[] = {
	{ "iterations", required_argument, NULL, 'i' },
	{ "holes", required_argument, NULL, 'H' },
	{ "seed", required_argument, NULL, 's' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Copy the common options and then own (may be NULL) into all. */
static void cg_race_merge_opts(struct option *all, const struct option *own)
{
	size_t n = 0, i;

	for (i = 0; cg_race_longopts[i].name; i++)
		all[n++] = cg_race_longopts[i];
	for (i = 0; own && own[i].name; i++) {
		if (n + 1 >= CG_RACE_MAX_OPTS)
			cg_setup_fail("too many options");
		all[n++] = own[i];
	}
	all[n] = (struct option){ NULL, 0, NULL, 0 };
}

void cg_race_parse(int argc, char **argv, const struct option *own_longopts,
		   const char *usage, size_t max_holes, struct cg_race_opts *o,
		   cg_race_opt_fn own, void *ctx)
{
	struct option longopts[CG_RACE_MAX_OPTS];
	int c;

	cg_race_merge_opts(longopts, own_longopts);

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (cg_race_common_opt(c, usage, max_holes, o))
			continue;
		if (!own || !own(c, optarg, ctx))
			cg_usage_fail(usage, "bad option");
	}
	if (optind != argc)
		cg_usage_fail(usage, "unexpected argument '%s'", argv[optind]);
}

void cg_thread_start(pthread_t *tid, void *(*fn)(void *), void *arg)
{
	if (pthread_create(tid, NULL, fn, arg))
		cg_setup_fail("pthread_create failed");
}

void cg_race_wait_start(pthread_barrier_t *start, uint64_t delay_ns)
{
	pthread_barrier_wait(start);
	cg_spin_ns(delay_ns);
}

void cg_race_pair(pthread_barrier_t *start, void *(*a)(void *), void *a_arg,
		  void *(*b)(void *), void *b_arg)
{
	pthread_t ta, tb;

	pthread_barrier_init(start, NULL, 2);
	cg_thread_start(&ta, a, a_arg);
	cg_thread_start(&tb, b, b_arg);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	pthread_barrier_destroy(start);
}

void *cg_collapse_racer_thread(void *arg)
{
	struct cg_collapse_racer *c = arg;
	uint64_t t0;

	cg_race_wait_start(c->start, c->delay_ns);
	t0 = cg_now_ns();
	c->ret = cg_collapse(c->addr, c->len, &c->err);
	c->duration_ns = cg_now_ns() - t0;
	c->start_ns = t0;
	return NULL;
}
