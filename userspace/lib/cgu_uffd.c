// SPDX-License-Identifier: GPL-2.0
/* cgu_uffd.c - userfaultfd: open, register, resolve, and probes that expect an event. */
#include "cgu.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static int cgu_uffd_new_fd(void)
{
	int fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	int dev;

	if (fd >= 0)
		return fd;
	dev = open("/dev/userfaultfd", O_RDWR | O_CLOEXEC);
	if (dev < 0)
		return -1;
	fd = ioctl(dev, USERFAULTFD_IOC_NEW, O_CLOEXEC | O_NONBLOCK);
	close(dev);
	return fd;
}

int cgu_uffd_open(uint64_t features)
{
	struct uffdio_api api = { .api = UFFD_API, .features = features };
	int fd = cgu_uffd_new_fd();

	if (fd < 0)
		cgu_setup_fail_errno("userfaultfd");
	if (ioctl(fd, UFFDIO_API, &api))
		cgu_setup_fail_errno("UFFDIO_API features=0x%llx",
				    (unsigned long long)features);
	if ((api.features & features) != features)
		cgu_setup_fail("kernel lacks userfaultfd features 0x%llx",
			      (unsigned long long)(features & ~api.features));
	return fd;
}

int cgu_uffd_register(int uffd, void *addr, size_t len, uint64_t mode)
{
	struct uffdio_register reg = {
		.range = { .start = (uintptr_t)addr, .len = len },
		.mode = mode,
	};

	return ioctl(uffd, UFFDIO_REGISTER, &reg);
}

int cgu_uffd_unregister(int uffd, void *addr, size_t len)
{
	struct uffdio_range range = { .start = (uintptr_t)addr, .len = len };

	return ioctl(uffd, UFFDIO_UNREGISTER, &range);
}

int cgu_uffd_wait_msg(int uffd, unsigned long timeout_ms, void *msg)
{
	uint64_t deadline = cgu_deadline_ms(timeout_ms);

	for (;;) {
		struct pollfd pfd = { .fd = uffd, .events = POLLIN };
		uint64_t now = cgu_now_ns();
		int left = now >= deadline ? 0 : (int)((deadline - now) / 1000000);
		int r = poll(&pfd, 1, left);

		if (r < 0 && errno != EINTR)
			cgu_setup_fail_errno("poll userfaultfd");
		if (r > 0) {
			ssize_t n = read(uffd, msg, sizeof(struct uffd_msg));

			if (n == (ssize_t)sizeof(struct uffd_msg))
				return 1;
			if (n < 0 && errno != EAGAIN && errno != EINTR)
				cgu_setup_fail_errno("read userfaultfd");
		}
		if (cgu_now_ns() >= deadline)
			return 0;
	}
}

int cgu_uffd_copy(int uffd, void *dst, const void *src, size_t len)
{
	struct uffdio_copy copy = {
		.dst = (uintptr_t)dst, .src = (uintptr_t)src, .len = len,
	};
	struct uffdio_range wake = { .start = (uintptr_t)dst, .len = len };

	if (!ioctl(uffd, UFFDIO_COPY, &copy))
		return 0;
	/* Someone else filled the page: the waiter still needs waking. */
	if (errno == EEXIST)
		return ioctl(uffd, UFFDIO_WAKE, &wake);
	return -1;
}

int cgu_uffd_continue(int uffd, void *dst, size_t len)
{
	struct uffdio_continue cont = {
		.range = { .start = (uintptr_t)dst, .len = len },
	};
	struct uffdio_range wake = { .start = (uintptr_t)dst, .len = len };

	if (!ioctl(uffd, UFFDIO_CONTINUE, &cont))
		return 0;
	if (errno == EEXIST)
		return ioctl(uffd, UFFDIO_WAKE, &wake);
	return -1;
}

int cgu_uffd_writeprotect(int uffd, void *addr, size_t len, bool protect)
{
	struct uffdio_writeprotect wp = {
		.range = { .start = (uintptr_t)addr, .len = len },
		.mode = protect ? UFFDIO_WRITEPROTECT_MODE_WP : 0,
	};

	return ioctl(uffd, UFFDIO_WRITEPROTECT, &wp);
}

struct cgu_probe_thread {
	unsigned char *page;
	enum cgu_probe_kind kind;
	uint64_t wp_value;
	int done_pipe[2];
	uint64_t data[CG_PAGE_SIZE / 8];
};

static void *cgu_probe_touch(void *arg)
{
	struct cgu_probe_thread *t = arg;
	volatile uint64_t *w = (volatile uint64_t *)t->page;
	size_t i;

	if (t->kind == CG_PROBE_WP)
		w[0] = t->wp_value;
	for (i = 0; i < CG_PAGE_SIZE / 8; i++)
		t->data[i] = w[i];
	if (write(t->done_pipe[1], "d", 1) != 1)
		abort();
	return NULL;
}

static bool cgu_probe_msg_matches(const struct uffd_msg *msg,
				 const unsigned char *page, enum cgu_probe_kind kind)
{
	uint64_t flags = msg->arg.pagefault.flags;
	uint64_t want = kind == CG_PROBE_WP ? UFFD_PAGEFAULT_FLAG_WP :
			kind == CG_PROBE_MINOR ? UFFD_PAGEFAULT_FLAG_MINOR : 0;

	if (msg->event != UFFD_EVENT_PAGEFAULT)
		return false;
	if ((msg->arg.pagefault.address & ~(uint64_t)(CG_PAGE_SIZE - 1)) != (uintptr_t)page)
		return false;
	return (flags & (UFFD_PAGEFAULT_FLAG_WP | UFFD_PAGEFAULT_FLAG_MINOR)) == want;
}

static int cgu_probe_resolve(int uffd, unsigned char *page, enum cgu_probe_kind kind,
			    const void *copy_src)
{
	switch (kind) {
	case CG_PROBE_MINOR:
		return cgu_uffd_continue(uffd, page, CG_PAGE_SIZE);
	case CG_PROBE_WP:
		return cgu_uffd_writeprotect(uffd, page, CG_PAGE_SIZE, false);
	case CG_PROBE_MISSING:
	default:
		return cgu_uffd_copy(uffd, page, copy_src, CG_PAGE_SIZE);
	}
}

/* Wait for either the toucher finishing or a message; resolve messages. */
static int cgu_probe_wait(int uffd, struct cgu_probe_thread *t,
			 const void *copy_src, uint64_t deadline, struct cgu_probe *res)
{
	for (;;) {
		struct pollfd pfd[2] = {
			{ .fd = t->done_pipe[0], .events = POLLIN },
			{ .fd = uffd, .events = POLLIN },
		};
		uint64_t now = cgu_now_ns();
		int left = now >= deadline ? 0 : (int)((deadline - now) / 1000000) + 1;
		struct uffd_msg msg;
		int r = poll(pfd, 2, left);

		if (r < 0 && errno != EINTR)
			cgu_setup_fail_errno("poll");
		if (r > 0 && (pfd[0].revents & POLLIN))
			return 0;
		if (r > 0 && (pfd[1].revents & POLLIN) &&
		    read(uffd, &msg, sizeof(msg)) == (ssize_t)sizeof(msg)) {
			res->event = true;
			res->event_ok = cgu_probe_msg_matches(&msg, t->page, t->kind);
			if (cgu_probe_resolve(uffd, t->page, t->kind, copy_src))
				cgu_setup_fail_errno("resolve userfaultfd fault at %p",
						    (void *)t->page);
		}
		if (cgu_now_ns() >= deadline)
			return -1;
	}
}

int cgu_uffd_probe(int uffd, unsigned char *page, enum cgu_probe_kind kind,
		  const void *copy_src, uint64_t wp_value,
		  unsigned long timeout_ms, struct cgu_probe *res)
{
	/* Heap-allocated: leaked on timeout, as the blocked thread still uses it. */
	struct cgu_probe_thread *t = calloc(1, sizeof(*t));
	pthread_t tid;

	memset(res, 0, sizeof(*res));
	if (!t)
		cgu_setup_fail("out of memory");
	t->page = page;
	t->kind = kind;
	t->wp_value = wp_value;
	if (pipe2(t->done_pipe, O_CLOEXEC))
		cgu_setup_fail_errno("pipe2");
	if (pthread_create(&tid, NULL, cgu_probe_touch, t))
		cgu_setup_fail("pthread_create failed");
	if (cgu_probe_wait(uffd, t, copy_src, cgu_deadline_ms(timeout_ms), res))
		return -1;
	pthread_join(tid, NULL);
	res->done = true;
	memcpy(res->data, t->data, CG_PAGE_SIZE);
	res->first_word = t->data[0];
	close(t->done_pipe[0]);
	close(t->done_pipe[1]);
	free(t);
	return 0;
}
