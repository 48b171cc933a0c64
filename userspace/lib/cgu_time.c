// SPDX-License-Identifier: GPL-2.0
/* cgu_time.c - clocks, deadlines, sleeps, the watchdog and the random generator. */
#include "cgu.h"

#include <errno.h>
#include <signal.h>

static const char *cgu_watchdog_what = "";

static void cgu_watchdog_fired(int sig)
{
	char msg[256];
	int n;

	(void)sig;
	n = snprintf(msg, sizeof(msg), "%s: FAIL: watchdog: %s did not finish in time\n",
		     cgu_prog, cgu_watchdog_what);
	if (n > 0 && write(STDERR_FILENO, msg, (size_t)n) < 0)
		_exit(CG_EXIT_FAIL);
	_exit(CG_EXIT_FAIL);
}

void cgu_watchdog(unsigned int seconds, const char *what)
{
	cgu_watchdog_what = what;
	signal(SIGALRM, cgu_watchdog_fired);
	alarm(seconds);
}

uint64_t cgu_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

uint64_t cgu_deadline_ms(unsigned long timeout_ms)
{
	return cgu_now_ns() + (uint64_t)timeout_ms * 1000000ULL;
}

bool cgu_deadline_passed(uint64_t deadline_ns)
{
	return cgu_now_ns() >= deadline_ns;
}

void cgu_sleep_ms(unsigned long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

void cgu_spin_ns(uint64_t ns)
{
	uint64_t end = cgu_now_ns() + ns;

	while (cgu_now_ns() < end)
		;
}

uint64_t cgu_rand(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545F4914F6CDD1DULL;
}
