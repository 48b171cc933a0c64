// SPDX-License-Identifier: GPL-2.0
/*
 * st_toggle.c - cg_stress: switch modes and rmmod/insmod the module while
 * everything else runs, and publish when guard holds.
 *
 * Leaving guard: guarded = false and a new epoch, before the switch. Entering
 * it: switch, then wait until every MADV_COLLAPSE in flight at the switch has
 * returned and khugepaged has been seen asleep between two passes or inside
 * the guarded collapse (so no stock collapse that began before is still
 * running), then guarded = true. The MISSING workers
 * hold the guard to its promise only in cycles that saw guarded and one
 * epoch throughout.
 *
 * Every switch that removes an ftrace ops (to off, rmmod, and insmod, which
 * releases the ops it resolved symbols under) waits in ftrace for an
 * RCU-tasks grace period, which khugepaged at scan_sleep_millisecs=0 never
 * grants (docs/deploying.md, Limits): khugepaged sleeps 50 ms per pass for the length
 * of every switch.
 * Every other reload arms the seal delay first and removes the module while
 * a guarded collapse of the toggler's own range is asleep inside it (its
 * wchan is the guarded collapse); the collapse must succeed with its bytes
 * intact; rmmod_collapse_in_flight counts those that returned after rmmod
 * began.
 */
#include "st.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define ST_DBG		"/sys/kernel/debug/collapse_guard/"
#define ST_PARAM_MODE	"/sys/module/collapse_guard/parameters/mode"
#define ST_KHUGEPAGED	"/sys/kernel/mm/transparent_hugepage/khugepaged/"
#define ST_DRAIN_MS	60000

enum st_mode { ST_OFF, ST_OBSERVE, ST_GUARD, ST_UNLOADED };
static const char *const st_mode_names[] = { "off", "observe", "guard", "unloaded" };

struct st_tg {
	struct st_ctx *c;
	uint64_t rng;
	enum st_mode mode;
	char scan_sleep[32];	/* khugepaged's value, restored after a switch */
	pid_t khugepaged;
	unsigned long unloads;
};

/* Run argv; true if it exited 0. */
static bool st_run(char *const argv[])
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return false;
	if (!pid) {
		execvp(argv[0], argv);
		_exit(127);
	}
	return waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       !WEXITSTATUS(status);
}

static void st_after_load(struct st_tg *tg)
{
	char *argv[] = { "sh", "-c", (char *)tg->c->o.after_load, NULL };

	st_toggle_step(tg->c, ST_STEP_AFTER_LOAD);
	if (tg->c->o.after_load && !st_run(argv))
		st_fail(tg->c, "toggle: --after-load command failed");
}

static void st_khugepaged_slow(struct st_tg *tg, bool slow)
{
	if (!st_write_file(ST_KHUGEPAGED "scan_sleep_millisecs",
			   slow ? "50" : tg->scan_sleep))
		st_fail(tg->c, "toggle: cannot write khugepaged scan_sleep_millisecs");
}

static void st_leave_guard(struct st_tg *tg)
{
	atomic_store(&tg->c->sh->guarded, false);
	atomic_fetch_add(&tg->c->sh->epoch, 1);
}

/* khugepaged's pid (0 if it is not found). Any pid: the thread is created
 * again, with a new pid, whenever THP is switched from never back on. */
static bool st_is_khugepaged(int pid, void *found)
{
	char path[64], comm[32];

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	if (!st_read_file(path, comm, sizeof(comm)) || strcmp(comm, "khugepaged"))
		return false;
	*(pid_t *)found = (pid_t)pid;
	return true;
}

static pid_t st_khugepaged_pid(void)
{
	pid_t found = 0;

	st_for_each_id("/proc", st_is_khugepaged, &found);
	return found;
}

/*
 * khugepaged in its interruptible sleep between passes ('S'): not inside a
 * collapse (collapse_file() sleeps only uninterruptibly: page and mmap
 * locks, allocation, reclaim). Its kernel stack is never read: unwinding a
 * running task through a kretprobe's return trampoline WARNs in 6.1's
 * rethook_find_ret_addr() (seen here; docs/deploying.md, Limits).
 */
static bool st_khugepaged_clear(pid_t pid, char *state)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	*state = st_task_state(path);
	return *state == 'S';
}

/* Wait for the collapses that may have started before guard: true once
 * they are over. */
static bool st_drain(struct st_tg *tg)
{
	unsigned long seen[ST_MAX_WORKERS];
	uint64_t deadline = cgu_deadline_ms(ST_DRAIN_MS);
	unsigned long i;
	bool idle = false;

	st_toggle_step(tg->c, ST_STEP_DRAIN_COLLAPSERS);
	for (i = 0; i < tg->c->o.collapsers; i++)
		seen[i] = atomic_load(&tg->c->sh->in_call[i]);
	char state = '?';

	for (i = 0; i < tg->c->o.collapsers; i++)
		while ((seen[i] & 1) && atomic_load(&tg->c->sh->in_call[i]) == seen[i]) {
			if (st_stopping(tg->c))
				return false;
			if (cgu_deadline_passed(deadline)) {
				cgu_msg("drain: collapser %lu stayed in one MADV_COLLAPSE", i);
				return false;
			}
			usleep(1000);
		}
	/* khugepaged sleeps between passes only with a scan sleep */
	st_toggle_step(tg->c, ST_STEP_DRAIN_KHUGEPAGED);
	st_khugepaged_slow(tg, true);
	while (!(idle = st_khugepaged_clear(tg->khugepaged, &state)) &&
	       !cgu_deadline_passed(deadline) && !st_stopping(tg->c))
		usleep(2000);
	st_khugepaged_slow(tg, false);
	if (!idle && !st_stopping(tg->c))
		cgu_msg("drain: khugepaged (pid %d) never seen asleep (state %c)",
			(int)tg->khugepaged, state);
	return idle;
}

static void st_enter_guard(struct st_tg *tg)
{
	if (st_drain(tg))
		atomic_store(&tg->c->sh->guarded, true);
	else if (!st_stopping(tg->c))
		st_count(tg->c, ST_TOGGLE_DRAIN_TIMEOUTS, 1);
}

static void st_set_mode(struct st_tg *tg, enum st_mode to)
{
	char line[32];

	if (tg->mode == ST_GUARD)
		st_leave_guard(tg);
	/* any switch may replace the ftrace ops: RCU-tasks (see the top) */
	st_toggle_step(tg->c, ST_STEP_SWITCH);
	st_khugepaged_slow(tg, true);
	snprintf(line, sizeof(line), "%s\n", st_mode_names[to]);
	if (!st_write_file(ST_DBG "mode", line))
		st_fail(tg->c, "toggle: cannot switch to %s", st_mode_names[to]);
	st_khugepaged_slow(tg, false);
	tg->mode = to;
	st_count(tg->c, ST_TOGGLE_SWITCHES, 1);
	if (to == ST_GUARD)
		st_enter_guard(tg);
}

/* A range of the toggler's own, collapsed in a thread while rmmod runs. */
struct st_held {
	unsigned char *map;
	int fd, ret, err;
	bool started;
	_Atomic pid_t ktid;		/* the thread's id, for its wchan */
	_Atomic uint64_t returned_ns;	/* when MADV_COLLAPSE returned */
	pthread_t tid;
};

/* 10 s (the most): longer than the switch to off takes under the load (its
 * RCU-tasks grace period), so the collapse is still asleep at rmmod. */
#define ST_HOLD_DELAY	"seal_delay_ms 10000\n"

static void *st_held_thread(void *arg)
{
	struct st_held *h = arg;

	atomic_store(&h->ktid, gettid());
	h->ret = cgu_collapse(h->map, cgu_pmd_size(), &h->err);
	atomic_store(&h->returned_ns, cgu_now_ns());
	return NULL;
}

/*
 * The held thread is asleep in the module's own code: its wchan (read only
 * for a task that is not running) is the guarded collapse, where the delay's
 * msleep() is inlined; a wait on a page lock or an allocation would name a
 * kernel function.
 */
static bool st_held_in_delay(const struct st_held *h)
{
	char path[64], wchan[128];

	snprintf(path, sizeof(path), "/proc/self/task/%d/wchan", (int)atomic_load(&h->ktid));
	return atomic_load(&h->ktid) && st_read_text(path, wchan, sizeof(wchan)) &&
	       !strcmp(wchan, "cg_collapse_file");
}

/*
 * Arm the seal delay and collapse a fully written range of the toggler's
 * own (nobody else maps it: it gets past the scan) until its wchan shows
 * it asleep in the delay, inside the module. True once it does.
 */
static bool st_hold_a_collapse(struct st_tg *tg, struct st_held *h)
{
	uint64_t deadline = cgu_deadline_ms(15000);
	size_t pmd = cgu_pmd_size(), p;

	if (tg->mode != ST_GUARD)
		st_set_mode(tg, ST_GUARD);
	st_toggle_step(tg->c, ST_STEP_HOLD);
	h->fd = cgu_memfd("cg_stress.held", pmd);
	h->map = cgu_map_shared(h->fd, pmd);
	for (p = 0; p < pmd / CG_PAGE_SIZE; p++)
		cgu_pattern_fill_page(h->map + p * CG_PAGE_SIZE, 0x4e1d, p);
	if (!st_write_file(ST_DBG "inject", ST_HOLD_DELAY)) {
		st_fail(tg->c, "toggle: cannot arm the seal delay");
		return false;
	}
	cgu_thread_start(&h->tid, st_held_thread, h);
	h->started = true;
	while (!st_held_in_delay(h)) {
		if (cgu_deadline_passed(deadline) || atomic_load(&h->returned_ns)) {
			cgu_msg("toggle: the held collapse was not seen in the seal delay (%s)",
				atomic_load(&h->returned_ns) ?
				(h->ret ? cgu_errno_name(h->err) : "it collapsed") : "still running");
			return false;
		}
		usleep(1000);
	}
	/* the held collapse sleeps on; later ones must not pile up behind it */
	if (!st_write_file(ST_DBG "inject", "seal_delay_ms 0\n"))
		st_fail(tg->c, "toggle: cannot disarm the seal delay");
	return true;
}

/*
 * After rmmod: the held collapse succeeded with its bytes intact. It was in
 * flight at rmmod when it returned after rmmod began.
 */
static bool st_release_held(struct st_tg *tg, struct st_held *h, uint64_t rmmod_ns)
{
	size_t pmd = cgu_pmd_size(), p;
	bool intact = true;

	if (h->fd < 0)
		return false;
	if (h->started) {
		st_toggle_step(tg->c, ST_STEP_JOIN_HELD);
		pthread_join(h->tid, NULL);
		for (p = 0; p < pmd / CG_PAGE_SIZE; p++)
			intact &= cgu_check_page(h->map + p * CG_PAGE_SIZE,
						 CG_EXPECT_PATTERN, 0x4e1d, p, NULL);
		if (!intact)
			st_fail(tg->c, "toggle: the collapse in flight during rmmod changed its range");
		if (h->ret && h->err != ENOMEM)
			st_fail(tg->c, "toggle: the collapse in flight during rmmod failed with %s",
				cgu_errno_name(h->err));
	}
	munmap(h->map, pmd);
	close(h->fd);
	return h->started && intact && !h->ret && atomic_load(&h->returned_ns) > rmmod_ns;
}

static void st_unload(struct st_tg *tg)
{
	char *rmmod[] = { "rmmod", "collapse_guard", NULL };
	struct st_held h = { .fd = -1 };
	bool held = false;
	uint64_t rmmod_ns;

	if (!(tg->unloads++ & 1))
		held = st_hold_a_collapse(tg, &h);
	if (tg->mode == ST_GUARD)
		st_leave_guard(tg);
	st_toggle_step(tg->c, ST_STEP_SWITCH_OFF);
	st_khugepaged_slow(tg, true);
	if (!st_write_file(ST_PARAM_MODE, "off\n"))
		st_fail(tg->c, "toggle: cannot switch off before rmmod");
	rmmod_ns = cgu_now_ns();
	st_toggle_step(tg->c, ST_STEP_RMMOD);
	if (!st_run(rmmod))
		st_fail(tg->c, "toggle: rmmod failed%s", held ? " with a collapse in flight" : "");
	st_khugepaged_slow(tg, false);
	if (st_release_held(tg, &h, rmmod_ns) && held)
		st_count(tg->c, ST_TOGGLE_RMMOD_INFLIGHT, 1);
	tg->mode = ST_UNLOADED;
}

static void st_load(struct st_tg *tg)
{
	char *insmod[] = { "insmod", (char *)tg->c->o.module, "mode=guard", NULL };

	bool loaded;

	/* the load releases an ftrace ops of its own: the same wait */
	st_toggle_step(tg->c, ST_STEP_INSMOD);
	st_khugepaged_slow(tg, true);
	loaded = st_run(insmod);
	st_khugepaged_slow(tg, false);
	if (!loaded) {
		st_fail(tg->c, "toggle: insmod %s failed", tg->c->o.module);
		return;
	}
	tg->mode = ST_GUARD;
	st_count(tg->c, ST_TOGGLE_RELOADS, 1);
	st_after_load(tg);
	st_enter_guard(tg);
}

static enum st_mode st_next_mode(struct st_tg *tg)
{
	static const enum st_mode pick[] = { ST_GUARD, ST_GUARD, ST_OBSERVE, ST_OFF };
	enum st_mode m;

	do
		m = pick[cgu_rand(&tg->rng) % 4];
	while (m == tg->mode);
	return m;
}

/* Whole MISSING cycles a stay in guard leaves room for, at the least. */
#define ST_GUARD_CYCLES		3
/* ... but never longer than this (a cycle that slow is the watchdog's) */
#define ST_GUARD_DWELL_MAX_US	60000000UL

/*
 * Between 40% and all of --guard-dwell, and at least ST_GUARD_CYCLES of the
 * longest MISSING cycle measured so far: on a slow or busy machine cycles
 * take longer, and a stay in guard must still hold whole ones.
 */
static useconds_t st_guard_dwell_us(struct st_tg *tg)
{
	unsigned long max = tg->c->o.guard_dwell_ms * 1000;
	unsigned long us = max * 2 / 5 + cgu_rand(&tg->rng) % (max * 3 / 5 + 1);
	unsigned long cycles_us = ST_GUARD_CYCLES *
		(atomic_load(&tg->c->sh->missing_cycle_max_ns) / 1000);

	if (us < cycles_us)
		us = cycles_us < ST_GUARD_DWELL_MAX_US ? cycles_us : ST_GUARD_DWELL_MAX_US;
	return (useconds_t)us;
}

static enum st_mode st_current_mode(void)
{
	char buf[128];

	if (!st_read_file(ST_DBG "mode", buf, sizeof(buf)))
		return ST_UNLOADED;
	if (strstr(buf, "[guard]"))
		return ST_GUARD;
	return strstr(buf, "[observe]") ? ST_OBSERVE : ST_OFF;
}

void st_toggler(struct st_ctx *c, uint64_t seed)
{
	struct st_tg tg = { .c = c, .rng = seed };
	unsigned long switches = 0;

	if (!st_read_file(ST_KHUGEPAGED "scan_sleep_millisecs", tg.scan_sleep,
			  sizeof(tg.scan_sleep)))
		cgu_setup_fail("cannot read khugepaged scan_sleep_millisecs");
	/* the toggler controls, it is not a workload: out of the memory
	 * cgroup, so that reclaim there does not slow its switches */
	st_write_file("/sys/fs/cgroup/cgroup.procs", "0\n");
	tg.khugepaged = st_khugepaged_pid();
	if (!tg.khugepaged)
		cgu_setup_fail("no khugepaged thread in /proc");
	tg.mode = st_current_mode();
	if (tg.mode == ST_GUARD)
		st_enter_guard(&tg);
	while (!st_stopping(c)) {
		/* guard is the mode under test: it stays longer */
		st_toggle_step(c, ST_STEP_DWELL);
		usleep(tg.mode == ST_GUARD ? st_guard_dwell_us(&tg) :
					     200000 + cgu_rand(&tg.rng) % 1300000);
		if (st_stopping(c))
			break;
		if (tg.mode == ST_UNLOADED) {
			st_load(&tg);
		} else if (c->o.reload_every && ++switches % c->o.reload_every == 0) {
			st_unload(&tg);
			st_load(&tg);
		} else {
			st_set_mode(&tg, st_next_mode(&tg));
		}
	}
	/* leave the module loaded and guarding, for the caller's checks */
	if (tg.mode == ST_UNLOADED)
		st_load(&tg);
	else if (tg.mode != ST_GUARD)
		st_set_mode(&tg, ST_GUARD);
	st_toggle_step(c, ST_STEP_DONE);
}
