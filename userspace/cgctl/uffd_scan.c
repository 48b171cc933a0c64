// SPDX-License-Identifier: GPL-2.0
/*
 * uffd_scan.c - which processes map shmem with a MISSING-mode userfaultfd:
 * the mappings whose events a 6.1 collapse can lose.
 *
 * /proc/PID/smaps lists each VMA with its VmFlags; "um" is VM_UFFD_MISSING
 * (MINOR "ui" and WP "uw" registrations promise nothing about holes).  A VMA
 * is shmem when the file behind it (/proc/PID/map_files/START-END) is on a
 * tmpfs: memfd, /dev/shm, SysV shm, shared anonymous memory, tmpfs files.
 * Private anonymous memory is not affected: 6.1's anonymous collapse
 * already refuses ranges with a userfaultfd armed.
 */
#include "uffd_scan.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>

#ifndef TMPFS_MAGIC
#define TMPFS_MAGIC	0x01021994
#endif

/* A VMA header line: "start-end perms offset dev inode [path]". */
static bool ctl_vma_header(const char *line, struct ctl_uffd_user *u)
{
	char range[64], path[256] = "";

	if (!isxdigit((unsigned char)line[0]) ||
	    sscanf(line, "%63s %*s %*s %*s %*s %255[^\n]", range, path) < 1 ||
	    !strchr(range, '-'))
		return false;
	snprintf(u->range, sizeof(u->range), "%s", range);
	snprintf(u->path, sizeof(u->path), "%s", path[0] ? path : "[anon]");
	return true;
}

/* @flag is one of the blank-separated words of @vmflags. */
static bool ctl_has_flag(const char *vmflags, const char *flag)
{
	size_t n = strlen(flag);
	const char *p;

	for (p = strstr(vmflags, flag); p; p = strstr(p + n, flag)) {
		bool starts = p == vmflags || p[-1] == ' ';
		bool ends = p[n] == ' ' || p[n] == '\n' || !p[n];

		if (starts && ends)
			return true;
	}
	return false;
}

static bool ctl_vma_is_shmem(int pid, const char *range)
{
	char path[128];
	struct statfs fs;

	snprintf(path, sizeof(path), "/proc/%d/map_files/%s", pid, range);
	return !statfs(path, &fs) && fs.f_type == TMPFS_MAGIC;
}

static void ctl_read_comm(int pid, char *comm, size_t len)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	comm[0] = '\0';
	f = fopen(path, "r");
	if (f) {
		if (fgets(comm, (int)len, f))
			comm[strcspn(comm, "\n")] = '\0';
		fclose(f);
	}
}

/* Calls @found for each MISSING-registered shmem VMA of @pid. */
static int ctl_scan_pid(int pid, ctl_uffd_found_fn found, void *ctx)
{
	struct ctl_uffd_user u = { .pid = pid };
	char path[64], line[512];
	bool in_vma = false;
	int n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/smaps", pid);
	f = fopen(path, "r");
	if (!f)
		return 0;	/* exited, or a kernel thread */
	ctl_read_comm(pid, u.comm, sizeof(u.comm));
	while (fgets(line, sizeof(line), f)) {
		if (ctl_vma_header(line, &u)) {
			in_vma = true;
			continue;
		}
		if (!in_vma || strncmp(line, "VmFlags:", 8))
			continue;
		in_vma = false;
		if (ctl_has_flag(line + 8, "um") && ctl_vma_is_shmem(pid, u.range)) {
			found(&u, ctx);
			n++;
		}
	}
	fclose(f);
	return n;
}

int ctl_uffd_scan(ctl_uffd_found_fn found, void *ctx)
{
	DIR *proc = opendir("/proc");
	struct dirent *d;
	int n = 0;

	if (!proc)
		return -1;
	while ((d = readdir(proc))) {
		char *end;
		long pid = strtol(d->d_name, &end, 10);

		if (*end || pid <= 0)
			continue;
		n += ctl_scan_pid((int)pid, found, ctx);
	}
	closedir(proc);
	return n;
}
