/* SPDX-License-Identifier: GPL-2.0 */
/*
 * backend.h - the second process that maps a VM's RAM, as a vhost-user
 * backend does: it receives the RAM's file descriptor over a unix socket
 * (SCM_RIGHTS), maps it shared at a 2 MiB-aligned address and, once told
 * to, does one of the things that collapse or fill that RAM.
 */
#ifndef CG_BACKEND_H
#define CG_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum backend_action {
	BACKEND_IDLE,		/* map, nothing else (the benchmark's baseline) */
	BACKEND_MADVISE,	/* MADV_COLLAPSE every 2 MiB, in rounds */
	BACKEND_KHUGEPAGED,	/* map only: khugepaged (shmem_enabled=always) */
	BACKEND_TOUCH,		/* read one byte per 2 MiB, once: fills holes
				 * with no collapse at all */
	BACKEND_PRECOPY,	/* one MADV_COLLAPSE round before postcopy,
				 * before the destination registers its
				 * userfaultfd: outside any kernel's reach */
};

/* Filled by the backend in memory it shares with the parent. */
struct backend_report {
	unsigned long rounds;		/* MADV_COLLAPSE passes over the RAM */
	unsigned long attempts;		/* MADV_COLLAPSE calls */
	unsigned long collapsed;	/* ... that returned 0 */
	unsigned long refused_busy;	/* ... EBUSY (the guard's veto) */
	unsigned long refused_again;	/* ... EAGAIN */
	unsigned long refused_other;	/* ... another errno */
	int other_errno;		/* the last of those */
	unsigned long touched;		/* bytes read (BACKEND_TOUCH) */
};

struct backend {
	pid_t pid;
	int sock;			/* the parent's end: send the fd here */
	int go;				/* write end: a byte = go, close = stop */
	struct backend_report *report;	/* shared with the child */
};

/*
 * Fork the backend for action over len bytes of RAM. It maps the RAM when
 * it receives the descriptor, except for BACKEND_KHUGEPAGED: that mapping
 * is made at "go", once the destination has registered its userfaultfd.
 * Mapped earlier, khugepaged may collapse it during the precopy phase,
 * before any registration: a loss no kernel prevents (BACKEND_PRECOPY
 * shows it on purpose), not the one under test.
 */
void backend_start(struct backend *b, enum backend_action action, size_t len,
		   bool map_early);
/* Pass the RAM's descriptor, as a vhost-user front end does (SET_MEM_TABLE
 * carries it the same way), and wait until the backend has mapped it. */
void backend_send_fd(struct backend *b, int fd);
void backend_go(struct backend *b);
/* Wait (bounded) until the backend has made rounds MADV_COLLAPSE rounds. */
bool backend_wait_rounds(struct backend *b, unsigned long rounds);
/* Tell the backend to stop and reap it; false if it failed. */
bool backend_stop(struct backend *b);
int backend_parse_action(const char *text);

#endif /* CG_BACKEND_H */
