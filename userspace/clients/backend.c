// SPDX-License-Identifier: GPL-2.0
/* backend.c - the vhost-user-like second mapping of tests/clients (see
 * backend.h). */
#include "backend.h"

#include "cgu.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const backend_words[] = {
	"idle", "madvise", "khugepaged", "touch", "precopy", NULL
};

int backend_parse_action(const char *text)
{
	return cgu_parse_word(text, "--collapse", backend_words);
}

static int backend_recv_fd(int sock)
{
	char data;
	char control[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = &data, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control, .msg_controllen = sizeof(control),
	};
	struct cmsghdr *cmsg;
	int fd;

	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != 1)
		cgu_setup_fail_errno("backend: recvmsg");
	cmsg = CMSG_FIRSTHDR(&msg);
	if (!cmsg || cmsg->cmsg_type != SCM_RIGHTS)
		cgu_setup_fail("backend: no descriptor in the message");
	memcpy(&fd, CMSG_DATA(cmsg), sizeof(fd));
	return fd;
}

/* Whether the parent has said stop (closed its end): polls for timeout_ms. */
static bool backend_stopped(int go, int timeout_ms)
{
	struct pollfd p = { .fd = go, .events = POLLIN };
	char c;

	if (poll(&p, 1, timeout_ms) <= 0)
		return false;
	return read(go, &c, 1) <= 0;
}

static void backend_count(struct backend_report *r, int ret, int err)
{
	r->attempts++;
	if (ret == 0)
		r->collapsed++;
	else if (err == EBUSY)
		r->refused_busy++;
	else if (err == EAGAIN)
		r->refused_again++;
	else {
		r->refused_other++;
		r->other_errno = err;
	}
}

static void backend_one_round(unsigned char *ram, size_t len,
			      struct backend_report *r)
{
	size_t pmd = cgu_pmd_size(), off;
	int err, ret;

	for (off = 0; off + pmd <= len; off += pmd) {
		ret = cgu_collapse(ram + off, pmd, &err);
		backend_count(r, ret, err);
	}
	__atomic_add_fetch(&r->rounds, 1, __ATOMIC_RELEASE);
}

static void backend_collapse_rounds(unsigned char *ram, size_t len, int go,
				    struct backend_report *r)
{
	while (!backend_stopped(go, 0))
		backend_one_round(ram, len, r);
}

static void backend_touch(const unsigned char *ram, size_t len,
			  struct backend_report *r)
{
	size_t pmd = cgu_pmd_size(), off;
	unsigned int sum = 0;

	for (off = 0; off < len; off += pmd) {
		sum += *(const volatile unsigned char *)(ram + off);
		r->touched++;
	}
	(void)sum;
}

static unsigned char *backend_map(int fd, size_t len, enum backend_action action)
{
	unsigned char *ram = cgu_map_shared(fd, len);

	if (action == BACKEND_MADVISE || action == BACKEND_PRECOPY)
		cgu_madvise(ram, len, MADV_HUGEPAGE, "backend: MADV_HUGEPAGE");
	return ram;
}

static cgu_noreturn void backend_main(enum backend_action action, size_t len,
				      bool map_early, int sock, int go,
				      struct backend_report *r)
{
	unsigned char *ram = NULL;
	int fd;
	char c;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	fd = backend_recv_fd(sock);
	if (action != BACKEND_KHUGEPAGED || map_early)
		ram = backend_map(fd, len, action);
	if (write(sock, "m", 1) != 1 || read(go, &c, 1) != 1)
		_exit(CG_EXIT_OK);	/* stopped before go */
	if (!ram)
		ram = backend_map(fd, len, action);
	if (action == BACKEND_MADVISE)
		backend_collapse_rounds(ram, len, go, r);
	else if (action == BACKEND_PRECOPY)
		backend_one_round(ram, len, r);
	else if (action == BACKEND_TOUCH)
		backend_touch(ram, len, r);
	while (!backend_stopped(go, 1000))
		;
	_exit(CG_EXIT_OK);
}

void backend_start(struct backend *b, enum backend_action action, size_t len,
		   bool map_early)
{
	int sv[2], pipefd[2];

	b->report = mmap(NULL, sizeof(*b->report), PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (b->report == MAP_FAILED)
		cgu_setup_fail_errno("mmap");
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) ||
	    pipe2(pipefd, O_CLOEXEC))
		cgu_setup_fail_errno("socketpair/pipe");
	b->pid = fork();
	if (b->pid < 0)
		cgu_setup_fail_errno("fork");
	if (b->pid == 0) {
		close(sv[0]);
		close(pipefd[1]);
		backend_main(action, len, map_early, sv[1], pipefd[0], b->report);
	}
	close(sv[1]);
	close(pipefd[0]);
	b->sock = sv[0];
	b->go = pipefd[1];
}

void backend_send_fd(struct backend *b, int fd)
{
	char control[CMSG_SPACE(sizeof(int))] = { 0 };
	char data = 'f', ack;
	struct iovec iov = { .iov_base = &data, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control, .msg_controllen = sizeof(control),
	};
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);

	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(fd));
	if (sendmsg(b->sock, &msg, 0) != 1)
		cgu_setup_fail_errno("sendmsg to the backend");
	if (read(b->sock, &ack, 1) != 1)
		cgu_setup_fail("the backend did not map the RAM");
}

void backend_go(struct backend *b)
{
	if (write(b->go, "g", 1) != 1)
		cgu_setup_fail_errno("backend go");
}

bool backend_wait_rounds(struct backend *b, unsigned long rounds)
{
	uint64_t deadline = cgu_deadline_ms(120000);

	while (__atomic_load_n(&b->report->rounds, __ATOMIC_ACQUIRE) < rounds) {
		if (cgu_deadline_passed(deadline))
			return false;
		cgu_sleep_ms(10);
	}
	return true;
}

bool backend_stop(struct backend *b)
{
	int status;

	close(b->go);
	close(b->sock);
	if (waitpid(b->pid, &status, 0) != b->pid)
		return false;
	return WIFEXITED(status) && WEXITSTATUS(status) == CG_EXIT_OK;
}
