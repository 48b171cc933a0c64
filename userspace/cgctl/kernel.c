// SPDX-License-Identifier: GPL-2.0
/* kernel.c - what the running kernel is, and the module's active mode. */
#include "cgctl.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>

void ctl_kernel_read(struct ctl_kernel *k)
{
	struct utsname u;
	struct stat st;

	memset(k, 0, sizeof(*k));
	if (!uname(&u)) {
		const char *deb = strstr(u.version, "Debian ");

		snprintf(k->release, sizeof(k->release), "%s", u.release);
		/* Debian's ABI name hides the stable release it was built from */
		if (deb)
			sscanf(deb + strlen("Debian "), "%63s", k->upstream);
	}
	if (sscanf(k->release, "%d.%d", &k->major, &k->minor) != 2)
		k->major = k->minor = 0;
	k->thp = !stat("/sys/kernel/mm/transparent_hugepage", &st);
}

bool ctl_kernel_needs_guard(const struct ctl_kernel *k)
{
	return k->major == 6 && k->minor >= 1 && k->minor < 4;
}

bool ctl_bracketed(const char *line, char *out, size_t len)
{
	const char *open = strchr(line, '['), *close;

	if (!open)
		return false;
	close = strchr(open, ']');
	if (!close || close == open + 1 || (size_t)(close - open - 1) >= len)
		return false;
	memcpy(out, open + 1, (size_t)(close - open - 1));
	out[close - open - 1] = '\0';
	return true;
}

bool ctl_read_bracketed(const char *path, char *out, size_t len)
{
	char line[256];

	return !ctl_read_line(path, line, sizeof(line)) &&
	       ctl_bracketed(line, out, len);
}

bool ctl_active_mode(char *out, size_t len)
{
	char path[PATH_MAX];

	ctl_mode_path(path, sizeof(path));
	return ctl_read_bracketed(path, out, len);
}
