// SPDX-License-Identifier: GPL-2.0
/*
 * cg_stress - everything at once on shmem, and proof that nothing was lost.
 *
 * Usage (as root, in the test guest; tests/stress/100-everything.sh sets up
 * the memory cgroup, zram swap, the tmpfs mounts and khugepaged):
 *   cg_stress --seconds 60 --data-dir /mnt/cg-data --uffd-dir /mnt/cg-uffd \
 *             [--toggle --module /opt/cg/collapse_guard.ko --reload-every 4]
 *
 * Processes, each with its own seed (derived from --seed, printed):
 *   mutators      one per data file: pwrite, stores through a mapping, punch
 *                 hole, fallocate, truncate and extend, MADV_PAGEOUT
 *   collapsers    MADV_COLLAPSE on every file through two mappings each
 *   readers       pread, mapped reads, SEEK_HOLE/SEEK_DATA, mincore, fork
 *   uffd workers  MISSING (one per missing file), MINOR, WP (st_uffd.c)
 *   toggler       mode switches and rmmod/insmod (--toggle)
 * Every page carries a pattern of (file, page, generation); readers check it
 * under a per-page seqlock, the uffd workers check every event, and at the
 * end every page is read back, then every file is truncated to 0 and must
 * hold no block.
 *
 * Prints the table of st_report.c and "result=ok" or "result=fail". Exit 0
 * when no check failed, 1 when one did, 2 on usage or setup errors.
 */
#include "st.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char usage[] =
	"usage: cg_stress --data-dir DIR --uffd-dir DIR [options]\n"
	"  --seconds N       how long (default 60)\n"
	"  --seed S          base seed (default: from the clock)\n"
	"  --collapsers N    MADV_COLLAPSE processes (default 3)\n"
	"  --readers N       reader processes (default 2)\n"
	"  --data-files N    data files, half memfds, half on DIR (default 4)\n"
	"  --missing-files N MISSING userfaultfd files on the uffd dir (default 2)\n"
	"  --file-mb N       size of every file in MiB, a multiple of 2 (default 4)\n"
	"  --no-minor, --no-wp   no MINOR / WP worker\n"
	"  --toggle          switch modes and reload the module while running\n"
	"  --module KO       the module to insmod (with --toggle)\n"
	"  --reload-every N  one rmmod/insmod every N switches (default 4; 0: none);\n"
	"                    none at the end: run on as for --expect-guarded\n"
	"  --after-load CMD  sh -c CMD after every insmod\n"
	"  --guard-dwell MS  longest stay in guard between switches (default 10000)\n"
	"  --reloads N       end once N rmmod/insmod cycles are done (--seconds is\n"
	"                    then the deadline: fewer fail the run)\n"
	"  --guarded         the module guards throughout (no --toggle): hold every\n"
	"                    MISSING cycle to the guard's promise\n"
	"  --expect-guarded  some MISSING cycle must run under guard from start to\n"
	"                    end: if none did at the end, the run goes on once for\n"
	"                    as long (300 s at most); still none: exit 3 (not\n"
	"                    enough coverage, not a correctness failure)\n"
	"  --stall-seconds N a toggler in one step this long fails the run, with\n"
	"                    a report of the blocked tasks (default 300)\n"
	"  --no-sysrq        that report without sysrq w and l (kernel stacks)\n"
	"  --status FILE     progress, rewritten every second\n";

/* a worker per file, collapsers, readers (at most 8), the toggler */
#define ST_MAX_PIDS	(ST_MAX_FILES + ST_MAX_WORKERS + 8 + 1)
static pid_t st_pids[ST_MAX_PIDS];
static const char *st_pid_names[ST_MAX_PIDS];
static size_t st_npids;

static void st_parse(int argc, char **argv, struct st_opts *o)
{
	static const struct option longopts[] = {
		{ "seconds", required_argument, NULL, 's' },
		{ "seed", required_argument, NULL, 'S' },
		{ "collapsers", required_argument, NULL, 'c' },
		{ "readers", required_argument, NULL, 'r' },
		{ "data-files", required_argument, NULL, 'd' },
		{ "missing-files", required_argument, NULL, 'm' },
		{ "file-mb", required_argument, NULL, 'f' },
		{ "no-minor", no_argument, NULL, 'N' },
		{ "no-wp", no_argument, NULL, 'W' },
		{ "toggle", no_argument, NULL, 't' },
		{ "module", required_argument, NULL, 'k' },
		{ "reload-every", required_argument, NULL, 'R' },
		{ "after-load", required_argument, NULL, 'A' },
		{ "guard-dwell", required_argument, NULL, 'w' },
		{ "reloads", required_argument, NULL, 'n' },
		{ "guarded", no_argument, NULL, 'G' },
		{ "expect-guarded", no_argument, NULL, 'g' },
		{ "data-dir", required_argument, NULL, 'D' },
		{ "uffd-dir", required_argument, NULL, 'U' },
		{ "status", required_argument, NULL, 'T' },
		{ "stall-seconds", required_argument, NULL, 'L' },
		{ "no-sysrq", no_argument, NULL, 'Q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	*o = (struct st_opts){ .seconds = 60, .collapsers = 3, .readers = 2,
			       .data_files = 4, .missing_files = 2, .file_mb = 4,
			       .minor = true, .wp = true, .reload_every = 4,
			       .guard_dwell_ms = 10000, .stall_s = 300, .sysrq = true,
			       .seed = cgu_race_default_seed() };
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 's': o->seconds = cgu_parse_ulong(optarg, "--seconds", 1, 86400); break;
		case 'S': o->seed = cgu_parse_ulong(optarg, "--seed", 1, ~0UL); break;
		case 'c': o->collapsers = cgu_parse_ulong(optarg, "--collapsers", 1, ST_MAX_WORKERS); break;
		case 'r': o->readers = cgu_parse_ulong(optarg, "--readers", 0, 8); break;
		case 'd': o->data_files = cgu_parse_ulong(optarg, "--data-files", 0, 8); break;
		case 'm': o->missing_files = cgu_parse_ulong(optarg, "--missing-files", 0, 4); break;
		case 'f': o->file_mb = cgu_parse_ulong(optarg, "--file-mb", 2, 16); break;
		case 'N': o->minor = false; break;
		case 'W': o->wp = false; break;
		case 't': o->toggle = true; break;
		case 'k': o->module = optarg; break;
		case 'R': o->reload_every = cgu_parse_ulong(optarg, "--reload-every", 0, 1000); break;
		case 'A': o->after_load = optarg; break;
		case 'w': o->guard_dwell_ms = cgu_parse_ulong(optarg, "--guard-dwell", 500, 600000); break;
		case 'n': o->reloads = cgu_parse_ulong(optarg, "--reloads", 1, 100000); break;
		case 'G': o->guarded = true; break;
		case 'g': o->expect_guarded = true; break;
		case 'D': o->data_dir = optarg; break;
		case 'U': o->uffd_dir = optarg; break;
		case 'T': o->status = optarg; break;
		case 'L': o->stall_s = cgu_parse_ulong(optarg, "--stall-seconds", 5, 86400); break;
		case 'Q': o->sysrq = false; break;
		case 'h': fputs(usage, stdout); exit(0);
		default: cgu_usage_fail(usage, "unknown option");
		}
	}
	if (optind != argc || !o->data_dir || !o->uffd_dir)
		cgu_usage_fail(usage, "--data-dir and --uffd-dir are required");
	if (o->file_mb & 1)
		cgu_usage_fail(usage, "--file-mb must be a multiple of 2");
	if (o->toggle && o->reload_every && !o->module)
		cgu_usage_fail(usage, "--toggle with reloads needs --module");
	if (o->readers && !o->data_files)
		cgu_usage_fail(usage, "readers need data files (--readers 0)");
	if (o->reloads && (!o->toggle || !o->reload_every))
		cgu_usage_fail(usage, "--reloads needs --toggle and reloads");
	if (o->toggle && o->guarded)
		cgu_usage_fail(usage, "--guarded and --toggle exclude each other");
	if (o->data_files + o->missing_files + o->minor + o->wp == 0)
		cgu_usage_fail(usage, "no file to work on");
}

static uint64_t st_worker_seed(uint64_t base, size_t k)
{
	uint64_t x = base + 0x9E3779B97F4A7C15ULL * (k + 1);

	x ^= x >> 31;
	return x ? x : 1;
}

/* Fork one worker; it runs fn-by-kind until stop, then exits 0. */
static void st_spawn(struct st_ctx *c, const char *name, int kind, size_t arg)
{
	uint64_t seed = st_worker_seed(c->o.seed, st_npids);
	pid_t pid;

	printf("worker %zu %s%zu seed=%llu\n", st_npids, name, arg,
	       (unsigned long long)seed);
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		cgu_setup_fail_errno("fork");
	if (!pid) {
		cgu_khugepaged_register_mm();
		switch (kind) {
		case 'M': st_mutator(c, &c->files[arg], seed); break;
		case 'C': st_collapser(c, (unsigned int)arg, seed); break;
		case 'R': st_reader(c, seed); break;
		case 'U': st_missing_worker(c, &c->files[arg], seed); break;
		case 'I': st_minor_worker(c, &c->files[arg], seed); break;
		case 'W': st_wp_worker(c, &c->files[arg], seed); break;
		case 'T': st_toggler(c, seed); break;
		}
		fflush(NULL);
		_exit(0);
	}
	st_pid_names[st_npids] = name;
	st_pids[st_npids++] = pid;
}

static void st_spawn_all(struct st_ctx *c)
{
	size_t i;

	for (i = 0; i < c->nfiles; i++) {
		static const char *const names[] = { "mutator", "missing", "minor", "wp" };
		static const char kinds[] = { 'M', 'U', 'I', 'W' };

		st_spawn(c, names[c->files[i].kind], kinds[c->files[i].kind], i);
	}
	for (i = 0; i < c->o.collapsers; i++)
		st_spawn(c, "collapser", 'C', i);
	for (i = 0; i < c->o.readers; i++)
		st_spawn(c, "reader", 'R', i);
	if (c->o.toggle)
		st_spawn(c, "toggler", 'T', 0);
}

static void st_reap(struct st_ctx *c, pid_t pid, int status, bool stopping)
{
	size_t i;

	for (i = 0; i < st_npids; i++) {
		if (st_pids[i] != pid)
			continue;
		st_pids[i] = 0;
		if (!stopping || !WIFEXITED(status) || WEXITSTATUS(status))
			st_fail(c, "worker %zu (%s) ended %s with status 0x%x", i,
				st_pid_names[i], stopping ? "badly" : "early", status);
	}
}

/*
 * Reap every worker; after wait_s, kill what is left (a failure: a worker
 * left behind would hold the caller's output pipe open). False if one is
 * still there 30 s after SIGKILL (asleep in the kernel, uninterruptibly).
 */
static bool st_reap_all(struct st_ctx *c, unsigned long wait_s)
{
	uint64_t deadline = cgu_deadline_ms(wait_s * 1000), killed = 0;
	int status;
	size_t i;
	pid_t pid;

	for (;;) {
		pid = waitpid(-1, &status, WNOHANG);
		if (pid > 0) {
			st_reap(c, pid, status, true);
			continue;
		}
		if (pid < 0)
			return true;
		if (!killed && cgu_deadline_passed(deadline)) {
			st_fail(c, "workers did not stop within %lu s: killed", wait_s);
			for (i = 0; i < st_npids; i++)
				if (st_pids[i])
					kill(st_pids[i], SIGKILL);
			killed = cgu_deadline_ms(30000);
		} else if (killed && cgu_deadline_passed(killed)) {
			st_fail(c, "workers still there 30 s after SIGKILL: left behind");
			return false;
		}
		usleep(10000);
	}
}

/*
 * Run for the duration, reaping a worker that ends early (a failure); a
 * stalled toggler ends the run early (st_watchdog.c). False if workers
 * were left behind.
 */
/* The extension: as long again as the run, at most ST_COVERAGE_MAX_S. */
#define ST_COVERAGE_MAX_S	300

static unsigned long st_coverage_extension_s(const struct st_ctx *c)
{
	return c->o.seconds < ST_COVERAGE_MAX_S ? c->o.seconds : ST_COVERAGE_MAX_S;
}

/*
 * What the run was asked to cover and has not yet, or NULL: a whole
 * MISSING cycle under guard (--expect-guarded), a reload (--reload-every:
 * under load a switch waits on an RCU-tasks grace period, seen at 10 s).
 */
static const char *st_uncovered(struct st_ctx *c)
{
	if (c->o.expect_guarded && !st_counter(c, ST_MISSING_GUARDED))
		return "no MISSING cycle ran under guard from start to end";
	if (c->o.toggle && c->o.module && c->o.reload_every &&
	    !st_counter(c, ST_TOGGLE_RELOADS))
		return "no rmmod/insmod ran";
	return NULL;
}

/*
 * Something asked for not covered yet at the end: the run goes on, once,
 * for as long again, at most ST_COVERAGE_MAX_S (the toggler's stays in
 * guard have grown with the cycles it measured), rather than call a slow
 * machine a failure.
 */
static bool st_extend_for_coverage(struct st_ctx *c, uint64_t *end, bool *extended)
{
	const char *missing = st_uncovered(c);

	if (*extended || !missing)
		return false;
	*extended = true;
	*end = cgu_deadline_ms(st_coverage_extension_s(c) * 1000);
	printf("coverage: %s yet (longest MISSING cycle %llu ms, %lu switches): running on up to %lu s\n",
	       missing,
	       (unsigned long long)(atomic_load(&c->sh->missing_cycle_max_ns) / 1000000),
	       st_counter(c, ST_TOGGLE_SWITCHES), st_coverage_extension_s(c));
	return true;
}

static bool st_run_for(struct st_ctx *c)
{
	uint64_t end = cgu_deadline_ms(c->o.seconds * 1000);
	struct st_watchdog wd = { 0 };
	bool extended = false;
	int status;
	pid_t pid;

	while ((!cgu_deadline_passed(end) || st_extend_for_coverage(c, &end, &extended)) &&
	       (!extended || st_uncovered(c)) &&
	       (!c->o.reloads || st_counter(c, ST_TOGGLE_RELOADS) < c->o.reloads)) {
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
			st_reap(c, pid, status, false);
		st_status_write(c);
		if (st_watchdog_stalled(c, &wd)) {
			/* it will not stop either: do not wait long */
			atomic_store(&c->sh->stop, true);
			return st_reap_all(c, 60);
		}
		sleep(1);
	}
	atomic_store(&c->sh->stop, true);
	return st_reap_all(c, 600);
}

int main(int argc, char **argv)
{
	static struct st_ctx c;

	cgu_init(argv[0]);
	st_parse(argc, argv, &c.o);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("cg_stress: seed=%llu seconds=%lu\n", (unsigned long long)c.o.seed,
	       c.o.seconds);
	st_files_create(&c);
	atomic_store(&c.sh->guarded, c.o.guarded);
	st_spawn_all(&c);
	if (st_run_for(&c)) {
		st_files_verify(&c);
		st_files_release(&c);
	}
	if (c.o.reloads && st_counter(&c, ST_TOGGLE_RELOADS) < c.o.reloads)
		st_fail(&c, "only %lu of %lu reloads in %lu s", st_counter(&c, ST_TOGGLE_RELOADS),
			c.o.reloads, c.o.seconds);
	st_status_write(&c);
	st_report(&c, stdout);
	printf("result=%s failures=%lu\n", st_counter(&c, ST_FAILURES) ? "fail" : "ok",
	       st_counter(&c, ST_FAILURES));
	if (st_counter(&c, ST_FAILURES))
		return CG_EXIT_FAIL;
	/* not enough coverage is not a correctness failure: said apart */
	if (st_uncovered(&c)) {
		printf("COVERAGE: %s (longest MISSING cycle %llu ms, %lu cycles, %lu switches)\n",
		       st_uncovered(&c),
		       (unsigned long long)(atomic_load(&c.sh->missing_cycle_max_ns) / 1000000),
		       st_counter(&c, ST_MISSING_CYCLES), st_counter(&c, ST_TOGGLE_SWITCHES));
		return ST_EXIT_COVERAGE;
	}
	return CG_EXIT_OK;
}
