// SPDX-License-Identifier: GPL-2.0
/* paths.c - where cgctl finds the module, and errors that say what to do. */
#include "cgctl.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void ctl_debugfs_path(char *buf, size_t len, const char *file)
{
	snprintf(buf, len, "%s/%s", cgu_debugfs_dir(), file);
}

/*
 * The module parameter, not debugfs: it is the same control and the one that
 * works without debugfs and where lockdown refuses writes to debugfs.
 */
void ctl_mode_path(char *buf, size_t len)
{
	const char *file = getenv("CG_MODE_FILE");

	snprintf(buf, len, "%s", file && *file ? file : CTL_MODULE_DIR "/parameters/mode");
}

bool ctl_module_loaded(void)
{
	struct stat st;

	return !stat(CTL_MODULE_DIR, &st);
}

static bool ctl_debugfs_mounted(void)
{
	struct stat st, parent;

	/* a mount point has another device than its parent */
	return !stat("/sys/kernel/debug", &st) && !stat("/sys/kernel", &parent) &&
	       st.st_dev != parent.st_dev;
}

/* The likely cause of errno @err on one of the module's files. */
static const char *ctl_io_hint(int err)
{
	if (err == EACCES)
		return "the module's files are root only: run cgctl as root";
	if (err == EPERM)
		return "refused by the kernel: lockdown (Secure Boot) refuses debugfs writes; "
		       "the mode is also at " CTL_MODULE_DIR "/parameters/mode";
	if (err != ENOENT)
		return NULL;
	if (!ctl_module_loaded())
		return "collapse_guard is not loaded (modprobe collapse_guard)";
	if (!ctl_debugfs_mounted())
		return "debugfs is not mounted (mount -t debugfs none /sys/kernel/debug)";
	return "the module has no debugfs directory (booted with debugfs=off?)";
}

void ctl_fail_io(const char *what, const char *path)
{
	int err = errno;
	const char *hint = ctl_io_hint(err);

	fprintf(stderr, "cgctl: %s %s: %s\n", what, path, strerror(err));
	if (hint)
		fprintf(stderr, "cgctl: %s\n", hint);
	exit(CTL_EXIT_FAIL);
}

void ctl_load_stats(struct cgu_stats *s)
{
	char path[PATH_MAX];

	ctl_debugfs_path(path, sizeof(path), "stats");
	if (cgu_stats_load(path, s))
		ctl_fail_io("cannot read", path);
}

int ctl_read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return -1;
	if (!fgets(buf, (int)len, f))
		buf[0] = '\0';
	fclose(f);
	n = strlen(buf);
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return 0;
}

int ctl_write_text(const char *path, const char *text)
{
	size_t len = strlen(text);
	int fd = open(path, O_WRONLY);
	ssize_t n;
	int err;

	if (fd < 0)
		return -1;
	n = write(fd, text, len);
	err = errno;
	close(fd);
	if (n == (ssize_t)len)
		return 0;
	errno = n < 0 ? err : EIO;
	return -1;
}
