// SPDX-License-Identifier: GPL-2.0
/*
 * runas - run a command as another user, for the permission tests (the
 * guest's busybox has no su): runas UID GID COMMAND [ARGS...].
 * Drops supplementary groups, then the gid, then the uid, and execs.
 * Exit 2 on usage or setup errors, else the command's status.
 */
#include "cgu.h"

#include <grp.h>
#include <stdio.h>
#include <unistd.h>

static const char usage[] = "usage: runas UID GID COMMAND [ARGS...]\n";

int main(int argc, char **argv)
{
	unsigned long uid, gid;

	cgu_init(argv[0]);
	if (argc < 4)
		cgu_usage_fail(usage, "missing arguments");
	uid = cgu_parse_ulong(argv[1], "UID", 1, 65535);
	gid = cgu_parse_ulong(argv[2], "GID", 1, 65535);
	if (setgroups(0, NULL) || setgid((gid_t)gid) || setuid((uid_t)uid))
		cgu_setup_fail_errno("cannot become %lu:%lu", uid, gid);
	execvp(argv[3], argv + 3);
	cgu_setup_fail_errno("cannot run %s", argv[3]);
}
