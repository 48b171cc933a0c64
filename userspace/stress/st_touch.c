// SPDX-License-Identifier: GPL-2.0
/*
 * st_touch.c - cg_stress: touch every page of a registered mapping once, in
 * random order, from a thread, while the calling thread resolves each
 * userfaultfd event (MISSING: UFFDIO_COPY of the page's pattern; MINOR:
 * UFFDIO_CONTINUE; WP: clear the protection). Records per page how many
 * events arrived and how many of them while that page was being touched.
 */
#include "st.h"

#include <errno.h>
#include <linux/userfaultfd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* no touch completed and no event for this long: a fault nobody reported */
#define ST_TOUCH_STALL_MS	120000

struct st_toucher {
	struct st_touch *t;
	_Atomic size_t touched;
	_Atomic bool done;
};

static unsigned int st_events_of(const struct st_touch *t, size_t p)
{
	return __atomic_load_n(&t->events[p], __ATOMIC_SEQ_CST);
}

/* MISSING and MINOR read the page; WP writes the next generation into it. */
static void st_touch_page(struct st_touch *t, size_t p)
{
	unsigned char *addr = t->map + p * CG_PAGE_SIZE;

	if (t->kind == CG_PROBE_WP) {
		cgu_pattern_fill_page(t->images[p], st_seed(t->f, t->gen), p);
		memcpy(addr, t->images[p], CG_PAGE_SIZE);
	} else {
		const volatile unsigned char *src = addr;
		size_t i;

		for (i = 0; i < CG_PAGE_SIZE; i++)
			t->images[p][i] = src[i];
	}
}

static void *st_toucher_thread(void *arg)
{
	struct st_toucher *th = arg;
	struct st_touch *t = th->t;
	size_t *order = malloc(t->npages * sizeof(*order));
	size_t i;

	if (!order)
		cgu_setup_fail("out of memory");
	for (i = 0; i < t->npages; i++)
		order[i] = i;
	for (i = t->npages - 1; i > 0; i--) {
		size_t j = cgu_rand(&t->rng) % (i + 1), tmp = order[i];

		order[i] = order[j];
		order[j] = tmp;
	}
	for (i = 0; i < t->npages; i++) {
		size_t p = order[i];
		unsigned int before = st_events_of(t, p);

		st_touch_page(t, p);
		t->events_at_touch[p] = st_events_of(t, p) - before;
		atomic_fetch_add(&th->touched, 1);
	}
	free(order);
	atomic_store(&th->done, true);
	return NULL;
}

/* MISSING: install the pattern; EEXIST means the page appeared behind the
 * handler's back (then wake the waiter). ENOMEM/EAGAIN: retry. */
static void st_resolve_missing(struct st_touch *t, unsigned char *page, size_t p,
			       bool late)
{
	unsigned char src[CG_PAGE_SIZE];
	struct uffdio_copy copy = {
		.dst = (uintptr_t)page, .src = (uintptr_t)src, .len = CG_PAGE_SIZE,
	};
	struct uffdio_range wake = { .start = (uintptr_t)page, .len = CG_PAGE_SIZE };

	cgu_pattern_fill_page(src, st_seed(t->f, t->gen), p);
	while (ioctl(t->uffd, UFFDIO_COPY, &copy)) {
		if (errno == EEXIST) {
			/* a late duplicate finds the page it installed */
			if (!late)
				t->copy_found[p] = true;
			if (ioctl(t->uffd, UFFDIO_WAKE, &wake))
				cgu_setup_fail_errno("UFFDIO_WAKE");
			return;
		}
		if (errno != EAGAIN && errno != ENOMEM)
			cgu_setup_fail_errno("UFFDIO_COPY");
		copy.copy = 0;
		usleep(1000);
	}
}

static void st_resolve(struct st_touch *t, const struct uffd_msg *msg, bool late)
{
	uintptr_t addr = (uintptr_t)msg->arg.pagefault.address & ~(CG_PAGE_SIZE - 1);
	size_t p = (addr - (uintptr_t)t->map) / CG_PAGE_SIZE;
	unsigned char *page = t->map + p * CG_PAGE_SIZE;
	int ret = 0;

	if (msg->event != UFFD_EVENT_PAGEFAULT || addr < (uintptr_t)t->map ||
	    p >= t->npages)
		cgu_setup_fail("unexpected userfaultfd message (event %u)", msg->event);
	__atomic_add_fetch(&t->events[p], 1, __ATOMIC_SEQ_CST);
	switch (t->kind) {
	case CG_PROBE_MISSING:
		st_resolve_missing(t, page, p, late);
		break;
	case CG_PROBE_MINOR:
		while ((ret = cgu_uffd_continue(t->uffd, page, CG_PAGE_SIZE)) &&
		       (errno == EAGAIN || errno == ENOMEM))
			usleep(1000);
		break;
	case CG_PROBE_WP:
		while ((ret = cgu_uffd_writeprotect(t->uffd, page, CG_PAGE_SIZE, false)) &&
		       errno == EAGAIN)
			usleep(1000);
		break;
	}
	if (ret)
		cgu_setup_fail_errno("resolving a fault at page %zu", p);
}

void st_touch_run(struct st_ctx *c, struct st_touch *t)
{
	struct st_toucher th = { .t = t };
	uint64_t deadline = cgu_deadline_ms(ST_TOUCH_STALL_MS);
	size_t touched = 0;
	struct uffd_msg msg;
	pthread_t tid;

	(void)c;
	memset(t->events, 0, t->npages * sizeof(*t->events));
	memset(t->copy_found, 0, t->npages * sizeof(*t->copy_found));
	t->failed = NULL;
	cgu_thread_start(&tid, st_toucher_thread, &th);
	while (!atomic_load(&th.done)) {
		if (cgu_uffd_wait_msg(t->uffd, 50, &msg)) {
			st_resolve(t, &msg, false);
			deadline = cgu_deadline_ms(ST_TOUCH_STALL_MS);
		}
		if (atomic_load(&th.touched) != touched) {
			touched = atomic_load(&th.touched);
			deadline = cgu_deadline_ms(ST_TOUCH_STALL_MS);
		}
		if (cgu_deadline_passed(deadline)) {
			/* the thread is stuck in a fault nobody reported */
			t->failed = "a touch never completed (fault without event?)";
			cgu_assert_fail("%s", t->failed);
		}
	}
	pthread_join(tid, NULL);
	/* late duplicates (a fault raced with its resolution) */
	while (cgu_uffd_wait_msg(t->uffd, 0, &msg))
		st_resolve(t, &msg, true);
}
