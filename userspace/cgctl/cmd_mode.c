// SPDX-License-Identifier: GPL-2.0
/*
 * cgctl mode [MODE] - print the active mode, or switch it.  Output:
 * "mode=NAME".  Uses the module parameter (works under lockdown and
 * without debugfs).
 */
#include "cgctl.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#define CTL_MODE_LEN	32

static int ctl_mode_show(void)
{
	char path[PATH_MAX], mode[CTL_MODE_LEN];

	ctl_mode_path(path, sizeof(path));
	if (!ctl_active_mode(mode, sizeof(mode))) {
		if (errno == ENOENT || errno == EACCES)
			ctl_fail_io("cannot read", path);
		fprintf(stderr, "cgctl: no [active] mode in %s\n", path);
		return CTL_EXIT_FAIL;
	}
	printf("mode=%s\n", mode);
	return CTL_EXIT_OK;
}

static int ctl_mode_set(const char *want)
{
	char path[PATH_MAX], text[CTL_MODE_LEN + 2], now[CTL_MODE_LEN];

	ctl_mode_path(path, sizeof(path));
	if (strlen(want) > CTL_MODE_LEN) {
		fprintf(stderr, "cgctl: mode name too long: %s\n", want);
		return CTL_EXIT_FAIL;
	}
	snprintf(text, sizeof(text), "%s\n", want);
	if (ctl_write_text(path, text)) {
		if (errno == EINVAL) {
			fprintf(stderr, "cgctl: the kernel refused mode '%s': %s (off, observe or guard)\n",
				want, strerror(errno));
			return CTL_EXIT_FAIL;
		}
		if (errno == EBUSY) {
			fprintf(stderr, "cgctl: the kernel refused mode '%s': %s (kernel.ftrace_enabled=0, or a livepatch owns collapse_file: see dmesg)\n",
				want, strerror(errno));
			return CTL_EXIT_FAIL;
		}
		ctl_fail_io("cannot write", path);
	}
	if (!ctl_active_mode(now, sizeof(now)) || strcmp(now, want)) {
		fprintf(stderr, "cgctl: wrote mode '%s' but the active mode is '%s'\n",
			want, now);
		return CTL_EXIT_FAIL;
	}
	printf("mode=%s\n", now);
	return CTL_EXIT_OK;
}

int ctl_cmd_mode(int argc, char **argv)
{
	if (argc == 0)
		return ctl_mode_show();
	if (argc == 1)
		return ctl_mode_set(argv[0]);
	cgu_usage_fail(ctl_usage, "mode: too many arguments");
}
