// SPDX-License-Identifier: GPL-2.0
/*
 * uffd_hold - a process that holds a userfaultfd registration until killed:
 * what cgctl doctor looks for (a VMM during postcopy migration, say).
 *
 * Maps a 2 MiB memfd (or, --anon, private anonymous memory) and registers
 * it with userfaultfd in --mode missing|minor|wp, then prints
 * "ready pid=N range=START-END" (the /proc/PID/maps range) and waits for a
 * signal. Exit 0 on SIGTERM/SIGINT, 2 on usage or setup errors.
 */
#include "cgu.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/userfaultfd.h>

static const char usage[] =
	"usage: uffd_hold [--mode missing|minor|wp] [--anon]\n";

static const char *const mode_names[] = { "missing", "minor", "wp", NULL };
static const uint64_t mode_bits[] = {
	UFFDIO_REGISTER_MODE_MISSING,
	UFFDIO_REGISTER_MODE_MINOR,
	UFFDIO_REGISTER_MODE_WP,
};
static const uint64_t mode_features[] = {
	0,
	UFFD_FEATURE_MINOR_SHMEM,
	UFFD_FEATURE_WP_HUGETLBFS_SHMEM,
};

static void on_signal(int sig)
{
	(void)sig;
	_exit(CG_EXIT_OK);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "mode", required_argument, NULL, 'm' },
		{ "anon", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	size_t len = cgu_pmd_size();
	unsigned char *map;
	bool anon = false;
	int c, mode = 0, uffd;

	cgu_init(argv[0]);
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'm': mode = cgu_parse_word(optarg, "--mode", mode_names); break;
		case 'a': anon = true; break;
		case 'h': fputs(usage, stdout); return CG_EXIT_OK;
		default: cgu_usage_fail(usage, "bad option");
		}
	}
	if (optind != argc)
		cgu_usage_fail(usage, "unexpected argument '%s'", argv[optind]);
	if (anon && mode == 1)
		cgu_usage_fail(usage, "--mode minor needs shmem (not --anon)");

	map = anon ? cgu_map_aligned(len, PROT_READ | PROT_WRITE,
				     MAP_PRIVATE | MAP_ANONYMOUS, -1) :
		     cgu_map_shared(cgu_memfd("uffd_hold", len), len);
	map[0] = 1;	/* one page present, the rest holes */
	uffd = cgu_uffd_open(mode_features[mode]);
	if (cgu_uffd_register(uffd, map, len, mode_bits[mode]))
		cgu_setup_fail_errno("UFFDIO_REGISTER %s", mode_names[mode]);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	printf("ready pid=%d range=%lx-%lx\n", (int)getpid(), (unsigned long)map,
	       (unsigned long)(map + len));
	fflush(stdout);
	for (;;)
		pause();
}
