/* SPDX-License-Identifier: GPL-2.0 */
/* cgu_time.h - clocks, deadlines, sleeps, the watchdog and the random generator. */
#ifndef CGU_TIME_H
#define CGU_TIME_H

#include "cgu_base.h"

/* Arm (or re-arm) a SIGALRM watchdog: past seconds, print a FAIL line
 * naming what and exit 1. seconds == 0 disarms it. */
void cgu_watchdog(unsigned int seconds, const char *what);

uint64_t cgu_now_ns(void);
uint64_t cgu_deadline_ms(unsigned long timeout_ms);	/* now + timeout, in ns */
bool cgu_deadline_passed(uint64_t deadline_ns);
void cgu_sleep_ms(unsigned long ms);
/* Busy-wait about ns nanoseconds (to skew the start of racing threads). */
void cgu_spin_ns(uint64_t ns);
/* Small per-thread PRNG (xorshift64*); state must be non-zero. */
uint64_t cgu_rand(uint64_t *state);

#endif /* CGU_TIME_H */
