/* SPDX-License-Identifier: GPL-2.0 */
/*
 * qmp.h - a QEMU Machine Protocol client small enough for the test guest:
 * one unix socket, one command at a time, replies read line by line (QEMU
 * writes each reply and event as one line). Asynchronous events are skipped
 * but for the time QEMU stamped on the first STOP and the first RESUME:
 * the VM's pause is the source's STOP to the destination's RESUME (one
 * machine, one clock).
 */
#ifndef CG_QMP_H
#define CG_QMP_H

#include <stdbool.h>
#include <stddef.h>

/* QEMU answers within this many milliseconds even under nested TCG. */
#define QMP_REPLY_TIMEOUT_MS	60000
/* qmp_open's exit status when a QEMU never greeted: it did not start. */
#define QMP_EXIT_NO_GREETING	4

struct qmp {
	int fd;
	const char *who;	/* "source" or "destination", for messages */
	char line[16384];	/* the last reply */
	long long stop_us, resume_us;	/* first STOP, RESUME event; -1: none yet */
};

/* Connect to the QMP socket at path, waiting until deadline_ns for QEMU to
 * create it, and leave capabilities negotiation mode. Exits 2 on failure,
 * QMP_EXIT_NO_GREETING if QEMU never greeted. */
void qmp_open(struct qmp *q, const char *who, const char *path,
	      unsigned long long deadline_ns);
/* A command that QEMU may not answer (a destination whose migration
 * failed): 1 "return", 0 "error", -1 no answer within timeout_ms. */
int qmp_ask(struct qmp *q, unsigned long timeout_ms, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Run one command (a JSON object text), exiting 2 with QEMU's error text
 * on "error", or if QEMU went away. */
void qmp_run(struct qmp *q, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The string value of "key": "..." in the last reply, into buf; false if
 * absent. */
bool qmp_string(const struct qmp *q, const char *key, char *buf, size_t len);
/* The number value of "key": N in the last reply; -1 if absent. */
long long qmp_number(const struct qmp *q, const char *key);

#endif /* CG_QMP_H */
