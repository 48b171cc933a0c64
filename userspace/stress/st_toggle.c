// SPDX-License-Identifier: GPL-2.0
/*
 * st_toggle.c - cg_stress: switch modes and rmmod/insmod the module while
 * everything else runs, and publish when guard holds.
 *
 * Leaving guard: guarded = false and a new epoch, before the switch. Entering
 * it: switch, then wait until every MADV_COLLAPSE in flight at the switch has
 * returned and khugepaged has finished a full scan (so no stock collapse that
 * began before is still running), then guarded = true. The MISSING workers
 * hold the guard to its promise only in cycles that saw guarded and one
 * epoch throughout.
 *
 * Every switch away from the ftrace redirection (to off, and rmmod) waits in
 * ftrace for an RCU-tasks grace period, which khugepaged at
 * scan_sleep_millisecs=0 never grants (README, Limits): khugepaged sleeps
 * 50 ms per pass for the length of such a switch.
 * Every other reload arms the seal delay first and removes the module while
 * a guarded collapse is asleep inside it.
 */
#include "st.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define ST_DBG		"/sys/kernel/debug/collapse_guard/"
#define ST_PARAM_MODE	"/sys/module/collapse_guard/parameters/mode"
#define ST_KHUGEPAGED	"/sys/kernel/mm/transparent_hugepage/khugepaged/"
#define ST_DRAIN_MS	30000

enum st_mode { ST_OFF, ST_OBSERVE, ST_GUARD, ST_UNLOADED };
static const char *const st_mode_names[] = { "off", "observe", "guard", "unloaded" };

struct st_tg {
	struct st_ctx *c;
	uint64_t rng;
	enum st_mode mode;
	char scan_sleep[32];	/* khugepaged's value, restored after a switch */
};

static bool st_write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n = -1;

	if (fd >= 0) {
		n = write(fd, text, strlen(text));
		close(fd);
	}
	return n == (ssize_t)strlen(text);
}

static bool st_read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = -1;

	if (fd >= 0) {
		n = read(fd, buf, len - 1);
		close(fd);
	}
	if (n < 0)
		return false;
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return true;
}

static unsigned long st_read_ulong(const char *path)
{
	char buf[64];

	return st_read_file(path, buf, sizeof(buf)) ? strtoul(buf, NULL, 10) : 0;
}

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

/* Wait for the collapses that may have started before guard: true once
 * they are over. */
static bool st_drain(struct st_tg *tg)
{
	unsigned long seen[ST_MAX_WORKERS], scans;
	uint64_t deadline = cgu_deadline_ms(ST_DRAIN_MS);
	unsigned long i;

	for (i = 0; i < tg->c->o.collapsers; i++)
		seen[i] = atomic_load(&tg->c->sh->in_call[i]);
	scans = st_read_ulong(ST_KHUGEPAGED "full_scans");
	for (i = 0; i < tg->c->o.collapsers; i++)
		while ((seen[i] & 1) && atomic_load(&tg->c->sh->in_call[i]) == seen[i])
			if (cgu_deadline_passed(deadline) || st_stopping(tg->c))
				return false;
			else
				usleep(1000);
	while (st_read_ulong(ST_KHUGEPAGED "full_scans") <= scans) {
		if (cgu_deadline_passed(deadline) || st_stopping(tg->c))
			return false;
		usleep(5000);
	}
	return true;
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
	bool slow = true;	/* any switch may replace the ftrace ops */

	if (tg->mode == ST_GUARD)
		st_leave_guard(tg);
	if (slow)
		st_khugepaged_slow(tg, true);
	snprintf(line, sizeof(line), "%s\n", st_mode_names[to]);
	if (!st_write_file(ST_DBG "mode", line))
		st_fail(tg->c, "toggle: cannot switch to %s", st_mode_names[to]);
	if (slow)
		st_khugepaged_slow(tg, false);
	tg->mode = to;
	st_count(tg->c, ST_TOGGLE_SWITCHES, 1);
	if (to == ST_GUARD)
		st_enter_guard(tg);
}

/* fired= of the seal delay injection point (debugfs inject). */
static unsigned long st_delay_fired(void)
{
	char buf[4096], *p;

	if (!st_read_file(ST_DBG "inject", buf, sizeof(buf)))
		return 0;
	p = strstr(buf, "seal_delay_ms");
	p = p ? strstr(p, "fired=") : NULL;
	return p ? strtoul(p + 6, NULL, 10) : 0;
}

/* Arm the seal delay and wait until a guarded collapse sleeps in it. */
static bool st_hold_a_collapse(struct st_tg *tg)
{
	uint64_t deadline = cgu_deadline_ms(5000);
	unsigned long f0 = st_delay_fired();

	if (tg->mode != ST_GUARD || !st_write_file(ST_DBG "inject", "seal_delay_ms 50\n"))
		return false;
	while (st_delay_fired() <= f0)
		if (cgu_deadline_passed(deadline))
			return false;
		else
			usleep(1000);
	return true;
}

static void st_unload(struct st_tg *tg)
{
	char *rmmod[] = { "rmmod", "collapse_guard", NULL };
	bool held = false;

	if (st_counter(tg->c, ST_TOGGLE_RELOADS) & 1)
		held = st_hold_a_collapse(tg);
	if (tg->mode == ST_GUARD)
		st_leave_guard(tg);
	st_khugepaged_slow(tg, true);
	if (!st_write_file(ST_PARAM_MODE, "off\n") || !st_run(rmmod))
		st_fail(tg->c, "toggle: rmmod failed%s", held ? " with a collapse in flight" : "");
	st_khugepaged_slow(tg, false);
	if (held)
		st_count(tg->c, ST_TOGGLE_RMMOD_INFLIGHT, 1);
	tg->mode = ST_UNLOADED;
}

static void st_load(struct st_tg *tg)
{
	char *insmod[] = { "insmod", (char *)tg->c->o.module, "mode=guard", NULL };

	if (!st_run(insmod)) {
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
	tg.mode = st_current_mode();
	if (tg.mode == ST_GUARD)
		st_enter_guard(&tg);
	while (!st_stopping(c)) {
		usleep(200000 + cgu_rand(&tg.rng) % 1300000);
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
}
