// SPDX-License-Identifier: GPL-2.0
/*
 * cgctl mode [MODE [--nudge-khugepaged]] - print the active mode, or switch
 * it.  Output: "mode=NAME".  Uses the module parameter (works under lockdown
 * and without debugfs).
 *
 * A switch to off removes the collapse_file redirection, and ftrace then
 * waits for an RCU-tasks grace period: every task must sleep once of its
 * own accord.  khugepaged with scan_sleep_millisecs=0 and work to do never
 * does, so the switch (and so cgctl) can wait for as long as that lasts.
 * cgctl never waits without a word: the write runs in a child, and after
 * CTL_WAIT_SAY_MS cgctl says what the switch waits on (khugepaged's pid,
 * state and scan_sleep_millisecs) and how to get through.  With
 * --nudge-khugepaged it gets through itself: it raises khugepaged's
 * scan_sleep_millisecs to CTL_NUDGE_SLEEP_MS for the switch (khugepaged
 * then sleeps between passes) and restores the value after, saying both on
 * the terminal; an interrupted cgctl restores it too.
 */
#include "cgctl.h"
#include "cgu_time.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define CTL_MODE_LEN		32
#define CTL_WAIT_SAY_MS		2000
#define CTL_NUDGE_SLEEP_MS	1000
#define CTL_SCAN_SLEEP	"/sys/kernel/mm/transparent_hugepage/khugepaged/scan_sleep_millisecs"

static int ctl_mode_show(void)
{
	char path[PATH_MAX], mode[CTL_MODE_LEN];

	ctl_mode_path(path, sizeof(path));
	if (!ctl_active_mode(mode, sizeof(mode))) {
		if (errno == ENOENT || errno == EACCES)
			ctl_fail_io("cannot read", path);
		fprintf(stderr, "cgctl: no [active] mode in %s\n", path);
		return CTL_EXIT_FAIL;
	}
	printf("mode=%s\n", mode);
	return CTL_EXIT_OK;
}

#define CTL_SHOW_RUNNING	8

/*
 * Tasks running now (state R), but cgctl and its child: those an RCU-tasks
 * grace period may be waiting for.  Prints "comm (pid N)" for each, up to
 * CTL_SHOW_RUNNING; sets *khugepaged to its pid if it is found, running or
 * not.
 */
static void ctl_show_running(int *khugepaged)
{
	char path[300], line[512], *comm, *end;
	struct dirent *d;
	int pid, shown = 0;
	DIR *proc = opendir("/proc");

	*khugepaged = 0;
	while (proc && (d = readdir(proc))) {
		pid = atoi(d->d_name);
		if (pid <= 1)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		if (ctl_read_line(path, line, sizeof(line)))
			continue;
		comm = strchr(line, '(');
		end = strrchr(line, ')');
		if (!comm || !end || end[1] != ' ')
			continue;
		*end = '\0';
		if (!strcmp(comm + 1, "khugepaged"))
			*khugepaged = pid;
		if (end[2] != 'R' || !strcmp(comm + 1, "cgctl") || shown == CTL_SHOW_RUNNING)
			continue;
		fprintf(stderr, "%s %s (pid %d)", shown ? "," : "cgctl: running now:",
			comm + 1, pid);
		shown++;
	}
	if (shown)
		fputc('\n', stderr);
	if (proc)
		closedir(proc);
}

/* The saved scan_sleep_millisecs while raised, for the signal handler. */
static char ctl_saved_sleep[32];
static size_t ctl_saved_len;
static volatile sig_atomic_t ctl_sleep_raised;

static void ctl_restore_sleep(void)
{
	if (!ctl_sleep_raised)
		return;
	if (ctl_write_text(CTL_SCAN_SLEEP, ctl_saved_sleep))
		fprintf(stderr, "cgctl: could not restore %s to %s: %s\n",
			CTL_SCAN_SLEEP, ctl_saved_sleep, strerror(errno));
	else
		fprintf(stderr, "cgctl: restored khugepaged's scan_sleep_millisecs to %s\n",
			ctl_saved_sleep);
	ctl_sleep_raised = 0;
}

/* A write whose failure nothing could be done about (in a signal handler). */
static void ctl_write_quietly(int fd, const void *buf, size_t len)
{
	ssize_t ret = write(fd, buf, len);

	(void)ret;
}

/* Async-signal-safe: open, write, close and raise only. */
static void ctl_on_signal(int sig)
{
	static const char msg[] =
		"cgctl: interrupted; scan_sleep_millisecs restored, the switch goes on in the kernel\n";
	int fd;

	if (ctl_sleep_raised) {
		fd = open(CTL_SCAN_SLEEP, O_WRONLY);
		if (fd >= 0) {
			ctl_write_quietly(fd, ctl_saved_sleep, ctl_saved_len);
			close(fd);
		}
		ctl_sleep_raised = 0;
		ctl_write_quietly(STDERR_FILENO, msg, sizeof(msg) - 1);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Raises scan_sleep_millisecs for the switch (said on the terminal). */
static void ctl_nudge_khugepaged(const char *now)
{
	char text[32];

	if (atol(now) >= CTL_NUDGE_SLEEP_MS)
		return;
	snprintf(ctl_saved_sleep, sizeof(ctl_saved_sleep), "%s\n", now);
	ctl_saved_len = strlen(ctl_saved_sleep);
	snprintf(text, sizeof(text), "%d\n", CTL_NUDGE_SLEEP_MS);
	signal(SIGINT, ctl_on_signal);
	signal(SIGTERM, ctl_on_signal);
	ctl_sleep_raised = 1;
	if (ctl_write_text(CTL_SCAN_SLEEP, text)) {
		ctl_sleep_raised = 0;
		fprintf(stderr, "cgctl: cannot raise %s: %s\n", CTL_SCAN_SLEEP, strerror(errno));
		return;
	}
	fprintf(stderr, "cgctl: raised khugepaged's scan_sleep_millisecs from %s to %d for the switch\n",
		now, CTL_NUDGE_SLEEP_MS);
}

/* Says what the switch waits on; nudges khugepaged if asked to. */
static void ctl_say_waiting(const char *want, bool nudge)
{
	char sleep_ms[32] = "?";
	int khugepaged;

	ctl_read_line(CTL_SCAN_SLEEP, sleep_ms, sizeof(sleep_ms));
	fprintf(stderr, "cgctl: the switch to %s is waiting: ftrace removes the collapse_file redirection only after every task has slept once of its own accord (an RCU-tasks grace period)\n",
		want);
	ctl_show_running(&khugepaged);
	if (khugepaged)
		fprintf(stderr, "cgctl: khugepaged (pid %d, scan_sleep_millisecs=%s) sleeps only between passes, and not at all at 0 with work to do\n",
			khugepaged, sleep_ms);
	if (nudge)
		ctl_nudge_khugepaged(sleep_ms);
	else
		fprintf(stderr, "cgctl: to get through: cgctl mode %s --nudge-khugepaged (raises scan_sleep_millisecs to %d for the switch, then restores it), or raise %s yourself\n",
			want, CTL_NUDGE_SLEEP_MS, CTL_SCAN_SLEEP);
}

/*
 * Writes @text to @path in a child, saying after CTL_WAIT_SAY_MS what it
 * waits on.  Returns 0, or -1 with errno as the write's.
 */
static int ctl_write_watched(const char *path, const char *text, const char *want,
			     bool nudge)
{
	uint64_t started = cgu_now_ns(), waited_ms = 0;
	bool said = false;
	int status;
	pid_t child;

	fflush(NULL);
	child = fork();
	if (child < 0)
		return ctl_write_text(path, text);
	if (!child)
		_exit(ctl_write_text(path, text) ? errno : 0);
	while (waitpid(child, &status, WNOHANG) == 0) {
		usleep(100000);
		waited_ms = (cgu_now_ns() - started) / 1000000;
		if (!said && waited_ms >= CTL_WAIT_SAY_MS) {
			ctl_say_waiting(want, nudge);
			said = true;
		}
	}
	if (said)
		fprintf(stderr, "cgctl: the switch to %s took %.1f s\n", want,
			(double)((cgu_now_ns() - started) / 1000000) / 1000.0);
	ctl_restore_sleep();
	if (!WIFEXITED(status))
		return errno = EIO, -1;
	errno = WEXITSTATUS(status);
	return errno ? -1 : 0;
}

static int ctl_mode_set(const char *want, bool nudge)
{
	char path[PATH_MAX], text[CTL_MODE_LEN + 2], now[CTL_MODE_LEN];

	ctl_mode_path(path, sizeof(path));
	if (strlen(want) > CTL_MODE_LEN) {
		fprintf(stderr, "cgctl: mode name too long: %s\n", want);
		return CTL_EXIT_FAIL;
	}
	snprintf(text, sizeof(text), "%s\n", want);
	if (ctl_write_watched(path, text, want, nudge)) {
		if (errno == EINVAL) {
			fprintf(stderr, "cgctl: the kernel refused mode '%s': %s (off, observe or guard)\n",
				want, strerror(errno));
			return CTL_EXIT_FAIL;
		}
		if (errno == EBUSY) {
			fprintf(stderr, "cgctl: the kernel refused mode '%s': %s (kernel.ftrace_enabled=0, or a livepatch owns collapse_file: see dmesg)\n",
				want, strerror(errno));
			return CTL_EXIT_FAIL;
		}
		ctl_fail_io("cannot write", path);
	}
	if (!ctl_active_mode(now, sizeof(now)) || strcmp(now, want)) {
		fprintf(stderr, "cgctl: wrote mode '%s' but the active mode is '%s'\n",
			want, now);
		return CTL_EXIT_FAIL;
	}
	printf("mode=%s\n", now);
	return CTL_EXIT_OK;
}

int ctl_cmd_mode(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "nudge-khugepaged", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	const char *want = NULL;
	bool nudge = false;

	/* the option goes before or after MODE */
	while (ctl_getopt(argc, argv, opts) != -1)
		nudge = true;
	if (optind < argc)
		want = argv[optind++];
	while (ctl_getopt(argc, argv, opts) != -1)
		nudge = true;
	if (optind != argc || (nudge && !want))
		cgu_usage_fail(ctl_usage, "mode: [MODE [--nudge-khugepaged]]");
	return want ? ctl_mode_set(want, nudge) : ctl_mode_show();
}
