/* SPDX-License-Identifier: GPL-2.0 */
/* cgu_uffd.h - userfaultfd: open, register, resolve, and probes that expect an event. */
#ifndef CGU_UFFD_H
#define CGU_UFFD_H

#include "cgu_base.h"

/* Open a userfaultfd (O_NONBLOCK) and negotiate features. Returns the fd, or
 * exits 2 when userfaultfd or one of the features is unavailable. */
int cgu_uffd_open(uint64_t features);
/* Register [addr, addr+len) with mode (UFFDIO_REGISTER_MODE_*). Returns 0, or
 * -1 with errno set. */
int cgu_uffd_register(int uffd, void *addr, size_t len, uint64_t mode);
int cgu_uffd_unregister(int uffd, void *addr, size_t len);
/* Wait up to timeout_ms for one message. 1 = got one, 0 = timeout. */
int cgu_uffd_wait_msg(int uffd, unsigned long timeout_ms, void *msg /* struct uffd_msg */);
int cgu_uffd_copy(int uffd, void *dst, const void *src, size_t len);
int cgu_uffd_continue(int uffd, void *dst, size_t len);
int cgu_uffd_writeprotect(int uffd, void *addr, size_t len, bool protect);

/* How a probe touches the page and resolves the fault it may raise. */
enum cgu_probe_kind {
	CG_PROBE_MISSING,	/* read; resolve with UFFDIO_COPY of copy_src */
	CG_PROBE_MINOR,		/* read; resolve with UFFDIO_CONTINUE */
	CG_PROBE_WP,		/* write one word; resolve by clearing WP */
};
struct cgu_probe {
	bool event;		/* a userfaultfd message arrived */
	bool event_ok;		/* it was a page fault at the probed page */
	bool done;		/* the accessing thread completed */
	uint64_t first_word;	/* first 64-bit word the thread read */
	unsigned char data[CG_PAGE_SIZE];	/* page image seen by the thread */
};
/* Touch page through its (registered) address from a separate thread while
 * this thread waits up to timeout_ms for a userfaultfd message and resolves
 * it. For CG_PROBE_WP, wp_value is written to the first word. Returns 0 when
 * the probe completed (event or not), -1 if the thread is still blocked at
 * the deadline (a bug: a fault that never reported). */
int cgu_uffd_probe(int uffd, unsigned char *page, enum cgu_probe_kind kind,
		  const void *copy_src, uint64_t wp_value,
		  unsigned long timeout_ms, struct cgu_probe *res);

#endif /* CGU_UFFD_H */
