// SPDX-License-Identifier: GPL-2.0
/*
 * collapse_storm - keep collapsing, and check every byte each round.
 *
 * N threads loop until S seconds have passed or SIGTERM/SIGINT arrives.
 * Each round builds a fresh 2 MiB range (a memfd or private anonymous
 * memory; filled fully, every other page, or one page), collapses it with
 * MADV_COLLAPSE and checks that every page still reads what was written
 * (zeros in the holes). Every third shmem round with holes also maps the
 * memfd a second time and registers that mapping MISSING with userfaultfd,
 * so the module's refusal path runs too. The collapse may fail (the module
 * may be unloading, or refusing); the contents may never change. Each
 * outcome is counted by errno; EINVAL or another unexpected errno fails the
 * run.
 *
 * --guarded: the module guards for the whole run, so every twin round must
 * be refused (or fail transiently: EAGAIN, ENOMEM), never collapse, and its
 * holes are probed: each must still be a hole and raise a missing-page event
 * through the twin (up to 4 per round); a round without a twin is never
 * refused for userfaultfd (EBUSY). Without it the mode may change under the
 * storm and the stock kernel's outcomes are not held to the guard's.
 *
 * Output: a summary line of key=value. Exit 0 when every round verified
 * (also when stopped by a signal), 1 on a mismatch, 2 on usage or setup
 * errors.
 */
#include "cgu.h"

#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/userfaultfd.h>

static const char usage[] =
	"usage: collapse_storm [--threads N] [--seconds S] [--kinds shmem|anon|both] [--no-uffd]\n"
	"  --threads N    worker threads (default 2)\n"
	"  --seconds S    stop after S seconds; 0 = until SIGTERM/SIGINT (default 30)\n"
	"  --kinds K      which memory to collapse (default both)\n"
	"  --no-uffd      never register a MISSING userfaultfd twin mapping\n"
	"  --guarded      the module guards throughout: hold every round to it\n"
	"  --status FILE  rewrite FILE with \"rounds=N\" about every 100 ms (for\n"
	"                 tests that wait for progress)\n";

enum kinds { KINDS_SHMEM, KINDS_ANON, KINDS_BOTH };
static const char *const kinds_names[] = { "shmem", "anon", "both", NULL };

struct opts {
	unsigned long threads, seconds;
	enum kinds kinds;
	bool uffd, guarded;
	const char *status;
};

struct worker {
	const struct opts *o;
	unsigned long id;
	uint64_t rng;
	unsigned long rounds, collapsed, failed, uffd_rounds, probes;
	unsigned long refused_ebusy, transient;
};

static atomic_bool stop_requested;
static atomic_bool mismatch_seen;
static atomic_ulong rounds_done;
static atomic_ulong workers_running;

static struct opts parse_args(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "threads", required_argument, NULL, 't' },
		{ "seconds", required_argument, NULL, 's' },
		{ "kinds", required_argument, NULL, 'k' },
		{ "no-uffd", no_argument, NULL, 'n' },
		{ "guarded", no_argument, NULL, 'g' },
		{ "status", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = { .threads = 2, .seconds = 30, .kinds = KINDS_BOTH, .uffd = true };
	int c;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 't': o.threads = cgu_parse_ulong(optarg, "--threads", 1, 64); break;
		case 's': o.seconds = cgu_parse_ulong(optarg, "--seconds", 0, 86400); break;
		case 'k': o.kinds = cgu_parse_word(optarg, "--kinds", kinds_names); break;
		case 'n': o.uffd = false; break;
		case 'g': o.guarded = true; break;
		case 'S': o.status = optarg; break;
		case 'h': fputs(usage, stdout); exit(0);
		default: cgu_usage_fail(usage, "bad option");
		}
	}
	if (optind != argc)
		cgu_usage_fail(usage, "unexpected argument '%s'", argv[optind]);
	return o;
}

static void on_stop_signal(int sig)
{
	(void)sig;
	atomic_store(&stop_requested, true);
}

static void install_stop_handlers(void)
{
	struct sigaction sa = { .sa_handler = on_stop_signal, .sa_flags = SA_RESTART };

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL) || sigaction(SIGINT, &sa, NULL))
		cgu_setup_fail_errno("sigaction");
}

static bool round_is_shmem(struct worker *w)
{
	if (w->o->kinds == KINDS_BOTH)
		return w->rounds % 2 == 0;
	return w->o->kinds == KINDS_SHMEM;
}

/* A second mapping of the memfd, registered MISSING (closed by the caller). */
static int register_twin(int fd, size_t len, unsigned char **twin)
{
	int uffd = cgu_uffd_open(0);

	*twin = cgu_map_shared(fd, len);
	if (cgu_uffd_register(uffd, *twin, len, UFFDIO_REGISTER_MODE_MISSING))
		cgu_setup_fail_errno("UFFDIO_REGISTER");
	return uffd;
}

static void report_mismatch(struct worker *w, enum cgu_fill fill, bool shmem,
			    const char *where, const struct cgu_mismatch *mm)
{
	cgu_msg("FAIL: thread=%lu round=%lu kind=%s fill=%s: contents changed",
	       w->id, w->rounds, shmem ? "shmem" : "anon", cgu_fill_names[fill]);
	cgu_report_mismatch(where, mm);
	atomic_store(&mismatch_seen, true);
}

static void round_fail(struct worker *w, const char *what)
{
	cgu_msg("FAIL: thread=%lu round=%lu: %s", w->id, w->rounds, what);
	atomic_store(&mismatch_seen, true);
}

/* The errno of one collapse: counted, and checked against what may be. */
static void check_outcome(struct worker *w, int ret, int err, bool twin)
{
	if (!ret) {
		w->collapsed++;
		if (twin && w->o->guarded)
			round_fail(w, "collapsed over holes a MISSING userfaultfd maps");
		return;
	}
	w->failed++;
	if (err == EAGAIN || err == ENOMEM) {
		w->transient++;
	} else if (err == EBUSY) {
		w->refused_ebusy++;
		if (!twin && w->o->guarded)
			round_fail(w, "refused (EBUSY) with no userfaultfd registered");
	} else {
		char what[64];

		snprintf(what, sizeof(what), "MADV_COLLAPSE failed with %s",
			 cgu_errno_name(err));
		round_fail(w, what);
	}
}

/* A failed collapse left every hole a hole, and a MISSING event for each. */
static void probe_holes(struct worker *w, enum cgu_fill fill, int fd, int uffd,
			unsigned char *twin_addr, size_t npages)
{
	static __thread struct cgu_probe res;
	static __thread unsigned char src[CG_PAGE_SIZE];
	unsigned int probed = 0;
	size_t p;

	for (p = cgu_rand(&w->rng) % npages; p < npages && probed < 4; p += 1 + cgu_rand(&w->rng) % 64) {
		if (cgu_fill_writes(fill, p))
			continue;
		if (!cgu_page_is_hole(fd, p)) {
			round_fail(w, "a hole of a refused range is filled");
			return;
		}
		cgu_pattern_fill_page(src, 0xC0FFEE, p);
		if (cgu_uffd_probe(uffd, twin_addr + p * CG_PAGE_SIZE, CG_PROBE_MISSING,
				   src, 0, 5000, &res) || !res.event || !res.event_ok ||
		    !cgu_check_page(res.data, CG_EXPECT_PATTERN, 0xC0FFEE, p, NULL)) {
			round_fail(w, "touching a hole through the twin raised no event");
			return;
		}
		probed++;
	}
	w->probes += probed;
}

static void run_round(struct worker *w)
{
	enum cgu_fill fill = (enum cgu_fill)(cgu_rand(&w->rng) % 3);	/* full partial single */
	bool shmem = round_is_shmem(w);
	size_t len = cgu_pmd_size(), npages = len / CG_PAGE_SIZE;
	bool twin = shmem && w->o->uffd && fill != CG_FILL_FULL && w->rounds % 3 == 0;
	uint64_t seed = cgu_rand(&w->rng) | 1;
	unsigned char *addr, *twin_addr = NULL;
	int fd = -1, uffd = -1, err, ret;
	struct cgu_mismatch mm;
	const char *where = "";
	unsigned int how;

	if (shmem) {
		fd = cgu_memfd("collapse_storm", len);
		addr = cgu_map_shared(fd, len);
	} else {
		addr = cgu_map_anon(len);
		cgu_madvise(addr, len, MADV_NOHUGEPAGE, "MADV_NOHUGEPAGE");
	}
	cgu_fill_region(addr, npages, fill, seed);
	if (twin)
		uffd = register_twin(fd, len, &twin_addr);
	cgu_madvise(addr, len, MADV_HUGEPAGE, "MADV_HUGEPAGE");
	ret = cgu_collapse(addr, len, &err);
	check_outcome(w, ret, err, twin);
	/* Holes are read with pread only: through the mapping they would fill. */
	how = shmem ? CG_VERIFY_FILE | CG_VERIFY_MAP_WRITTEN : CG_VERIFY_MAP_ALL;
	if (!cgu_verify_region(fd, addr, npages, fill, seed, how, &mm, &where))
		report_mismatch(w, fill, shmem, where, &mm);
	else if (twin && w->o->guarded)
		probe_holes(w, fill, fd, uffd, twin_addr, npages);
	w->uffd_rounds += twin;
	if (twin) {
		munmap(twin_addr, len);
		close(uffd);
	}
	munmap(addr, len);
	if (fd >= 0)
		close(fd);
}

static void *worker_thread(void *arg)
{
	struct worker *w = arg;
	uint64_t deadline = w->o->seconds ? cgu_deadline_ms(w->o->seconds * 1000) : UINT64_MAX;

	while (!atomic_load(&stop_requested) && !atomic_load(&mismatch_seen) &&
	       cgu_now_ns() < deadline) {
		run_round(w);
		w->rounds++;
		atomic_fetch_add(&rounds_done, 1);
	}
	atomic_fetch_sub(&workers_running, 1);
	return NULL;
}

/* Replace the status file atomically (write a temporary, rename). */
static void write_status(const char *path)
{
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		cgu_setup_fail_errno("create %s", tmp);
	fprintf(f, "rounds=%lu\n", atomic_load(&rounds_done));
	if (fclose(f) || rename(tmp, path))
		cgu_setup_fail_errno("write %s", path);
}

/* Until the workers are done: publish progress if asked to. */
static void wait_workers(const struct opts *o)
{
	while (atomic_load(&workers_running)) {
		if (o->status)
			write_status(o->status);
		cgu_sleep_ms(100);
	}
	if (o->status)
		write_status(o->status);
}

int main(int argc, char **argv)
{
	static struct worker workers[64];
	static pthread_t tids[64];
	unsigned long i, rounds = 0, collapsed = 0, failed = 0, uffd_rounds = 0;
	unsigned long ebusy = 0, transient = 0, probes = 0;
	uint64_t t0 = cgu_now_ns();
	struct opts o;

	cgu_init(argv[0]);
	o = parse_args(argc, argv);
	install_stop_handlers();
	printf("threads=%lu seconds=%lu kinds=%s uffd=%d pid=%d\n", o.threads, o.seconds,
	       kinds_names[o.kinds], o.uffd, getpid());
	atomic_store(&workers_running, o.threads);
	for (i = 0; i < o.threads; i++) {
		workers[i] = (struct worker){ .o = &o, .id = i, .rng = (cgu_now_ns() << 8) | (i + 1) };
		if (pthread_create(&tids[i], NULL, worker_thread, &workers[i]))
			cgu_setup_fail("pthread_create failed");
	}
	wait_workers(&o);
	for (i = 0; i < o.threads; i++) {
		pthread_join(tids[i], NULL);
		rounds += workers[i].rounds;
		collapsed += workers[i].collapsed;
		failed += workers[i].failed;
		uffd_rounds += workers[i].uffd_rounds;
		ebusy += workers[i].refused_ebusy;
		transient += workers[i].transient;
		probes += workers[i].probes;
	}
	printf("rounds=%lu collapsed=%lu failed=%lu refused_ebusy=%lu transient=%lu uffd_rounds=%lu hole_probes=%lu seconds_run=%llu stopped_by_signal=%d result=%s\n",
	       rounds, collapsed, failed, ebusy, transient, uffd_rounds, probes,
	       (unsigned long long)((cgu_now_ns() - t0) / 1000000000ULL),
	       atomic_load(&stop_requested), atomic_load(&mismatch_seen) ? "FAIL" : "ok");
	return atomic_load(&mismatch_seen) ? CG_EXIT_FAIL : CG_EXIT_OK;
}
