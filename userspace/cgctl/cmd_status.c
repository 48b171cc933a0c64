// SPDX-License-Identifier: GPL-2.0
/*
 * cgctl status - the kernel, whether it needs the guard, and the module:
 * loaded, version, mode, whether the collapse_file() redirection is
 * registered.  One "key: value" per line.  Exit 0 when the module is
 * loaded, 1 when it is not.
 */
#include "cgctl.h"

#include <stdio.h>
#include <string.h>

#define CTL_MODE_LEN	32

static void ctl_status_kernel(const struct ctl_kernel *k)
{
	printf("kernel:          %s\n", k->release);
	if (!k->thp)
		printf("needs guard:     no (no transparent huge pages: shmem is never collapsed)\n");
	else if (ctl_kernel_needs_guard(k))
		printf("needs guard:     yes (%d.%d collapses shmem holes without asking userfaultfd; fixed in 6.4)\n",
		       k->major, k->minor);
	else if (k->major > 6 || (k->major == 6 && k->minor >= 4))
		printf("needs guard:     no (%d.%d has the upstream fix)\n", k->major, k->minor);
	else
		printf("needs guard:     unknown (the module supports 6.1 only)\n");
}

/* "yes", "no", or why it is not known. */
static const char *ctl_redirect_state(void)
{
	long long live = ctl_state_value("redirect_live");

	if (live < 0)
		return "unknown (debugfs state unreadable)";
	return live ? "yes" : "no";
}

int ctl_cmd_status(int argc, char **argv)
{
	struct ctl_kernel k;
	char version[64], mode[CTL_MODE_LEN];

	ctl_no_arguments(argc, argv);
	ctl_kernel_read(&k);
	ctl_status_kernel(&k);
	if (!ctl_module_loaded()) {
		printf("module:          not loaded\n");
		return CTL_EXIT_FAIL;
	}
	if (ctl_read_line(CTL_MODULE_DIR "/version", version, sizeof(version)))
		strcpy(version, "unknown");
	printf("module:          loaded, version %s\n", version);
	printf("mode:            %s\n", ctl_active_mode(mode, sizeof(mode)) ? mode : "unknown");
	printf("redirect live:   %s\n", ctl_redirect_state());
	return CTL_EXIT_OK;
}
