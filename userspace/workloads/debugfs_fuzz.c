// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs_fuzz - random writes to the module's control files, for the tests.
 *
 *   debugfs_fuzz --iterations N --seed S [--threads T] FILE STATE...
 *
 * Writes N random inputs to FILE (T threads at once, default 2): random
 * bytes, printable garbage, near-misses of valid words, lengths 0 to 64,
 * at offset 0 or not. After every write that the kernel refused, each STATE
 * file (a control whose value a refused write must not change: mode, inject,
 * anon_lock_timing) must read as it did before; a write that was accepted
 * may change them, and the new values become the expectation. Refusals must
 * be EINVAL (or EBUSY/ENODEV where the file documents them, ESPIPE for a
 * positioned write to a seq_file). Prints counts;
 * exit 0, 1 on a changed state or an unexpected errno, 2 on setup errors.
 */
#include "cgu.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_STATES	8
#define STATE_LEN	512

static const char usage[] =
	"usage: debugfs_fuzz --iterations N --seed S [--threads T] FILE STATE...\n";

static const char *const words[] = {
	"off", "observe", "guard", "1", "0", "store_fail 1", "uffd_veto 2",
	"isolate_fail_after 3", "seal_delay_ms 0", "hole_filled 1", "off now",
	"guard\n\n", " guard", "GUARD", "1 1", "-1", "99999999999", "store_fail",
};

struct fuzz {
	const char *file;
	const char *states[MAX_STATES];
	int nstates;
	unsigned long iterations;
	uint64_t seed;
	pthread_mutex_t lock;	/* one write and its check at a time */
	char expect[MAX_STATES][STATE_LEN];
	unsigned long accepted, refused, bad;
};

static void read_state(const char *path, char *buf)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		cgu_setup_fail_errno("open %s", path);
	n = read(fd, buf, STATE_LEN - 1);
	close(fd);
	buf[n < 0 ? 0 : n] = '\0';
}

/* One random input into buf; returns its length. */
static size_t random_input(uint64_t *rng, char *buf, size_t cap)
{
	size_t len = cgu_rand(rng) % (cap + 1), i;
	const char *w;

	switch (cgu_rand(rng) % 4) {
	case 0:		/* raw bytes */
		for (i = 0; i < len; i++)
			buf[i] = (char)cgu_rand(rng);
		return len;
	case 1:		/* printable garbage */
		for (i = 0; i < len; i++)
			buf[i] = (char)(' ' + cgu_rand(rng) % 95);
		return len;
	default:	/* a word, maybe mangled */
		w = words[cgu_rand(rng) % (sizeof(words) / sizeof(words[0]))];
		len = strlen(w);
		memcpy(buf, w, len);
		if (len && cgu_rand(rng) % 2)
			buf[cgu_rand(rng) % len] = (char)cgu_rand(rng);
		return len;
	}
}

/*
 * EINVAL for bad input; EBUSY and ENODEV where documented (mode, the anon
 * timing); ESPIPE for a positioned write to a seq_file-backed file (inject),
 * which the VFS refuses before the module sees it.
 */
static bool errno_expected(int err)
{
	return err == EINVAL || err == EBUSY || err == ENODEV || err == ESPIPE;
}

static void check_states(struct fuzz *f, bool accepted, const char *input, size_t len)
{
	char now[STATE_LEN];
	int i;

	for (i = 0; i < f->nstates; i++) {
		read_state(f->states[i], now);
		if (!accepted && strcmp(now, f->expect[i])) {
			f->bad++;
			cgu_msg("FAIL: a refused write of %zu bytes ('%.*s') changed %s:\n%s->\n%s",
				len, (int)len, input, f->states[i], f->expect[i], now);
		}
		strcpy(f->expect[i], now);
	}
}

static void *fuzz_thread(void *arg)
{
	struct fuzz *f = arg;
	uint64_t rng = f->seed ^ (uint64_t)(uintptr_t)pthread_self();
	unsigned long i;
	char buf[65];

	for (i = 0; i < f->iterations; i++) {
		size_t len = random_input(&rng, buf, 64);
		off_t off = cgu_rand(&rng) % 8 ? 0 : (off_t)(cgu_rand(&rng) % 16);
		int fd = open(f->file, O_WRONLY), err;
		ssize_t n;

		if (fd < 0)
			cgu_setup_fail_errno("open %s", f->file);
		pthread_mutex_lock(&f->lock);
		/* write(2) at offset 0; pwrite(2) for the others */
		n = off ? pwrite(fd, buf, len, off) : write(fd, buf, len);
		err = errno;
		if (n < 0 && !errno_expected(err)) {
			f->bad++;
			cgu_msg("FAIL: a write of %zu bytes failed with %s", len,
				cgu_errno_name(err));
		}
		if (n < 0)
			f->refused++;
		else
			f->accepted++;
		check_states(f, n >= 0, buf, len);
		pthread_mutex_unlock(&f->lock);
		close(fd);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "iterations", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },
		{ "threads", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	struct fuzz f = { .iterations = 1000, .seed = 1 };
	pthread_t tids[8];
	unsigned long threads = 2, i;
	int c;

	cgu_init(argv[0]);
	pthread_mutex_init(&f.lock, NULL);
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'n': f.iterations = cgu_parse_ulong(optarg, "--iterations", 1, 1000000); break;
		case 's': f.seed = cgu_parse_ulong(optarg, "--seed", 1, ~0UL); break;
		case 't': threads = cgu_parse_ulong(optarg, "--threads", 1, 8); break;
		default: cgu_usage_fail(usage, "bad option");
		}
	}
	if (argc - optind < 1 || argc - optind - 1 > MAX_STATES)
		cgu_usage_fail(usage, "FILE and at most %d STATE files", MAX_STATES);
	f.file = argv[optind];
	for (i = optind + 1; i < (unsigned long)argc; i++) {
		f.states[f.nstates] = argv[i];
		read_state(argv[i], f.expect[f.nstates++]);
	}
	for (i = 0; i < threads; i++)
		cgu_thread_start(&tids[i], fuzz_thread, &f);
	for (i = 0; i < threads; i++)
		pthread_join(tids[i], NULL);
	printf("file=%s writes=%lu accepted=%lu refused=%lu bad=%lu\n", f.file,
	       f.accepted + f.refused, f.accepted, f.refused, f.bad);
	return f.bad ? CG_EXIT_FAIL : CG_EXIT_OK;
}
