/* SPDX-License-Identifier: GPL-2.0 */
/* uffd_scan.h - processes that map shmem with a MISSING-mode userfaultfd. */
#ifndef CTL_UFFD_SCAN_H
#define CTL_UFFD_SCAN_H

#include <stdbool.h>

struct ctl_uffd_user {
	int pid;
	char comm[32];
	char range[64];		/* start-end, as in /proc/PID/maps */
	char path[256];		/* the mapped file, or [anon] */
};

typedef void (*ctl_uffd_found_fn)(const struct ctl_uffd_user *u, void *ctx);

/* Calls @found for each such mapping; returns how many, or -1 (no /proc). */
int ctl_uffd_scan(ctl_uffd_found_fn found, void *ctx);

#endif /* CTL_UFFD_SCAN_H */
