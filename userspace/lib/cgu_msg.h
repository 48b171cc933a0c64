/* SPDX-License-Identifier: GPL-2.0 */
/* cgu_msg.h - messages, exit codes and argument parsing. */
#ifndef CGU_MSG_H
#define CGU_MSG_H

#include "cgu_base.h"

/* Program name used as the prefix of every message (set by cgu_init). */
extern const char *cgu_prog;

void cgu_init(const char *argv0);
/* Print "prog: msg" to stderr. */
void cgu_msg(const char *fmt, ...) cgu_printf(1, 2);
/* Print "prog: setup: msg[: strerror(errno)]" and exit 2. */
cgu_noreturn void cgu_setup_fail(const char *fmt, ...) cgu_printf(1, 2);
/* Same, with the errno text appended. */
cgu_noreturn void cgu_setup_fail_errno(const char *fmt, ...) cgu_printf(1, 2);
/* Print "prog: FAIL: msg" and exit 1. */
cgu_noreturn void cgu_assert_fail(const char *fmt, ...) cgu_printf(1, 2);
/* Print "prog: msg", then the usage text, and exit 2. */
cgu_noreturn void cgu_usage_fail(const char *usage, const char *fmt, ...)
	cgu_printf(2, 3);

/* Parse an unsigned number in [min, max]; exit 2 with the option name if bad. */
unsigned long cgu_parse_ulong(const char *text, const char *what,
			     unsigned long min, unsigned long max);
/* Return the index of text in the NULL-terminated list words, or exit 2. */
int cgu_parse_word(const char *text, const char *what, const char *const *words);

#endif /* CGU_MSG_H */
