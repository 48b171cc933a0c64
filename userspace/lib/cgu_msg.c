// SPDX-License-Identifier: GPL-2.0
/* cgu_msg.c - messages, exit codes and argument parsing. */
#include "cgu.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const char *cgu_prog = "cg";

void cgu_init(const char *argv0)
{
	const char *slash = strrchr(argv0, '/');

	cgu_prog = slash ? slash + 1 : argv0;
	setvbuf(stdout, NULL, _IOLBF, 0);
}

static void cgu_vmsg(const char *tag, const char *fmt, va_list ap, int err)
{
	fprintf(stderr, "%s: %s", cgu_prog, tag);
	vfprintf(stderr, fmt, ap);
	if (err)
		fprintf(stderr, ": %s", strerror(err));
	fputc('\n', stderr);
}

void cgu_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cgu_vmsg("", fmt, ap, 0);
	va_end(ap);
}

void cgu_setup_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cgu_vmsg("setup: ", fmt, ap, 0);
	va_end(ap);
	exit(CG_EXIT_SETUP);
}

void cgu_setup_fail_errno(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	va_start(ap, fmt);
	cgu_vmsg("setup: ", fmt, ap, err);
	va_end(ap);
	exit(CG_EXIT_SETUP);
}

void cgu_assert_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cgu_vmsg("FAIL: ", fmt, ap, 0);
	va_end(ap);
	exit(CG_EXIT_FAIL);
}

void cgu_usage_fail(const char *usage, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cgu_vmsg("", fmt, ap, 0);
	va_end(ap);
	fputs(usage, stderr);
	exit(CG_EXIT_SETUP);
}

unsigned long cgu_parse_ulong(const char *text, const char *what,
			     unsigned long min, unsigned long max)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(text, &end, 0);
	if (errno || end == text || *end || text[0] == '-' || v < min || v > max) {
		fprintf(stderr, "%s: %s: '%s' is not a number in [%lu, %lu]\n",
			cgu_prog, what, text, min, max);
		exit(CG_EXIT_SETUP);
	}
	return v;
}

int cgu_parse_word(const char *text, const char *what, const char *const *words)
{
	int i;

	for (i = 0; words[i]; i++)
		if (!strcmp(text, words[i]))
			return i;
	fprintf(stderr, "%s: %s: '%s' is not one of:", cgu_prog, what, text);
	for (i = 0; words[i]; i++)
		fprintf(stderr, " %s", words[i]);
	fputc('\n', stderr);
	exit(CG_EXIT_SETUP);
}
