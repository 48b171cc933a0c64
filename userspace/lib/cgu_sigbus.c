// SPDX-License-Identifier: GPL-2.0
/* cgu_sigbus.c - accesses that may raise SIGBUS (past EOF). */
#include "cgu.h"

#include <setjmp.h>
#include <signal.h>
#include <string.h>

static __thread sigjmp_buf cgu_bus_jump;
static __thread volatile sig_atomic_t cgu_bus_armed;

static void cgu_on_sigbus(int sig)
{
	static const char msg[] = ": FAIL: unexpected SIGBUS\n";

	(void)sig;
	if (cgu_bus_armed)
		siglongjmp(cgu_bus_jump, 1);
	if (write(STDERR_FILENO, cgu_prog, strlen(cgu_prog)) < 0 ||
	    write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(CG_EXIT_FAIL);
	_exit(CG_EXIT_FAIL);
}

void cgu_sigbus_catch(void)
{
	struct sigaction sa = { .sa_handler = cgu_on_sigbus };

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGBUS, &sa, NULL))
		cgu_setup_fail_errno("sigaction SIGBUS");
}

bool cgu_try_read(const void *src, void *dst, size_t len)
{
	const volatile unsigned char *s = src;
	unsigned char *d = dst;
	size_t i;

	if (sigsetjmp(cgu_bus_jump, 1)) {
		cgu_bus_armed = 0;
		return false;
	}
	cgu_bus_armed = 1;
	for (i = 0; i < len; i++)
		d[i] = s[i];
	cgu_bus_armed = 0;
	return true;
}

bool cgu_try_write_byte(void *dst, unsigned char value)
{
	if (sigsetjmp(cgu_bus_jump, 1)) {
		cgu_bus_armed = 0;
		return false;
	}
	cgu_bus_armed = 1;
	*(volatile unsigned char *)dst = value;
	cgu_bus_armed = 0;
	return true;
}
