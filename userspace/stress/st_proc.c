// SPDX-License-Identifier: GPL-2.0
/*
 * st_proc.c - cg_stress: small reads and writes of procfs, sysfs and debugfs
 * files, for the toggler and the stall watchdog.
 */
#include "st.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool st_write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n = -1;

	if (fd >= 0) {
		n = write(fd, text, strlen(text));
		close(fd);
	}
	return n == (ssize_t)strlen(text);
}

bool st_read_text(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = -1;

	if (fd >= 0) {
		n = read(fd, buf, len - 1);
		close(fd);
	}
	if (n < 0)
		return false;
	buf[n] = 0;
	return true;
}

bool st_read_file(const char *path, char *buf, size_t len)
{
	if (!st_read_text(path, buf, len))
		return false;
	buf[strcspn(buf, "\n")] = 0;
	return true;
}

char st_task_state(const char *stat_path)
{
	char buf[512], *p;

	if (!st_read_text(stat_path, buf, sizeof(buf)))
		return '?';
	/* after the comm, which may hold spaces and parentheses */
	p = strrchr(buf, ')');
	return p && p[1] == ' ' && p[2] ? p[2] : '?';
}

bool st_for_each_id(const char *dir, bool (*fn)(int id, void *arg), void *arg)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	bool stopped = false;

	while (d && !stopped && (e = readdir(d)))
		if (e->d_name[0] >= '1' && e->d_name[0] <= '9')
			stopped = fn(atoi(e->d_name), arg);
	if (d)
		closedir(d);
	return stopped;
}
