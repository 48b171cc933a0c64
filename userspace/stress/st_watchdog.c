// SPDX-License-Identifier: GPL-2.0
/*
 * st_watchdog.c - cg_stress: fail, with evidence, a toggler that stopped.
 *
 * Under the full load a mode switch or a reload takes seconds to a minute
 * (the drain gives up after 60 s, the held collapse after 15 s); a toggler
 * that has stayed in one step for --stall-seconds (300) is stuck, and the
 * run would otherwise sit silent until the harness kills the guest. The
 * report goes where it can be read while the guest still runs, the
 * console, and to the run's output: the step, then the state and wait
 * channel of every task in uninterruptible sleep and of the toggler's
 * helpers (insmod, rmmod, sh, khugepaged, cg_stress itself), then sysrq w
 * (the kernel stacks of the blocked tasks) and l (those of the running
 * CPUs; --no-sysrq leaves them out). Not sysrq t: unwinding a task running
 * through a kretprobe WARNs in 6.1 (docs/deploying.md, Limits).
 */
#include "st.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *const st_step_names[] = {
	[ST_STEP_START]			= "start",
	[ST_STEP_DWELL]			= "dwell in a mode",
	[ST_STEP_SWITCH]		= "mode switch",
	[ST_STEP_DRAIN_COLLAPSERS]	= "drain: MADV_COLLAPSE in flight",
	[ST_STEP_DRAIN_KHUGEPAGED]	= "drain: khugepaged asleep",
	[ST_STEP_HOLD]			= "hold a collapse in the seal delay",
	[ST_STEP_SWITCH_OFF]		= "switch off before rmmod",
	[ST_STEP_RMMOD]			= "rmmod",
	[ST_STEP_JOIN_HELD]		= "wait for the held collapse",
	[ST_STEP_INSMOD]		= "insmod",
	[ST_STEP_AFTER_LOAD]		= "--after-load command",
	[ST_STEP_DONE]			= "done",
};
static_assert(sizeof(st_step_names) / sizeof(st_step_names[0]) == ST_STEP_COUNT,
	      "one name per step");

void st_toggle_step(struct st_ctx *c, enum st_step step)
{
	atomic_store(&c->sh->toggle_step, step);
	atomic_fetch_add(&c->sh->toggle_steps, 1);
}

/*
 * One line to stdout and to the kernel log (the console, live), in one
 * write(): /dev/kmsg takes one record per write (dprintf() fails there).
 */
static void st_stall_say(const char *fmt, ...) cgu_printf(1, 2);
static void st_stall_say(const char *fmt, ...)
{
	char line[512], rec[600];
	va_list ap;
	int fd, n;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	printf("%s\n", line);
	n = snprintf(rec, sizeof(rec), "cg_stress: %s\n", line);
	n = n < (int)sizeof(rec) ? n : (int)sizeof(rec) - 1;
	fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (write(fd, rec, (size_t)n) != n)
			printf("stall: not written to /dev/kmsg: %s\n", strerror(errno));
		close(fd);
	}
}

/* The helpers whose state the report shows whatever it is. */
static bool st_stall_watched(const char *comm)
{
	static const char *const names[] = { "insmod", "rmmod", "sh", "khugepaged",
					     "cg_stress" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(comm, names[i]))
			return true;
	return false;
}

/* One task of the process *pid, if it is in uninterruptible sleep or one
 * of the helpers. */
static bool st_stall_task(int tid, void *pid)
{
	char path[80], comm[64] = "?", wchan[128] = "?";
	int p = *(int *)pid;
	char state;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", p, tid);
	state = st_task_state(path);
	snprintf(path, sizeof(path), "/proc/%d/task/%d/comm", p, tid);
	st_read_file(path, comm, sizeof(comm));
	if (state == '?' || (state != 'D' && !st_stall_watched(comm)))
		return false;
	snprintf(path, sizeof(path), "/proc/%d/task/%d/wchan", p, tid);
	st_read_file(path, wchan, sizeof(wchan));
	st_stall_say("stall: task %d/%d (%s) state %c wchan %s", p, tid, comm,
		     state, wchan);
	return false;
}

static bool st_stall_process(int pid, void *unused)
{
	char dir[64];

	(void)unused;
	snprintf(dir, sizeof(dir), "/proc/%d/task", pid);
	st_for_each_id(dir, st_stall_task, &pid);
	return false;
}

static void st_sysrq(char key)
{
	int fd = open("/proc/sysrq-trigger", O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, &key, 1) != 1)
		st_stall_say("stall: sysrq %c not written", key);
	if (fd >= 0)
		close(fd);
}

static void st_stall_report(struct st_ctx *c, unsigned int step, uint64_t ms)
{
	st_stall_say("stall: the toggler has been in step '%s' for %llu s "
		     "(after %lu reloads, %lu switches)",
		     step < ST_STEP_COUNT ? st_step_names[step] : "?",
		     (unsigned long long)(ms / 1000), st_counter(c, ST_TOGGLE_RELOADS),
		     st_counter(c, ST_TOGGLE_SWITCHES));
	st_for_each_id("/proc", st_stall_process, NULL);
	if (c->o.sysrq) {
		st_sysrq('w');
		st_sysrq('l');
	}
	st_fail(c, "the toggler stalled in step '%s' (report above and on the console)",
		step < ST_STEP_COUNT ? st_step_names[step] : "?");
}

bool st_watchdog_stalled(struct st_ctx *c, struct st_watchdog *w)
{
	unsigned long steps = atomic_load(&c->sh->toggle_steps);
	unsigned int step = atomic_load(&c->sh->toggle_step);
	uint64_t now = cgu_now_ns() / 1000000;

	if (!c->o.toggle || steps != w->steps || !w->moved_ms || step == ST_STEP_DONE) {
		w->steps = steps;
		w->moved_ms = now;
		return false;
	}
	if (now - w->moved_ms < c->o.stall_s * 1000ULL)
		return false;
	st_stall_report(c, step, now - w->moved_ms);
	return true;
}
