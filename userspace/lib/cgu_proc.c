// SPDX-License-Identifier: GPL-2.0
/* cgu_proc.c - /proc/self/smaps and /proc/meminfo. */
#include "cgu.h"

#include <string.h>

/* Parse "Name:   123 kB" lines: returns true and the value if name matches. */
static bool cgu_parse_kb_line(const char *line, const char *name, long *kb)
{
	size_t n = strlen(name);

	if (strncmp(line, name, n) || line[n] != ':')
		return false;
	return sscanf(line + n + 1, "%ld", kb) == 1;
}

long cgu_smaps_kb(const void *addr, const char *field)
{
	uintptr_t a = (uintptr_t)addr;
	bool inside = false;
	char line[512];
	long kb = -1;
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		cgu_setup_fail_errno("open /proc/self/smaps");
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;
		char perms[8];

		/* VMA header: "lo-hi perms offset dev inode [path]". */
		if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) == 3) {
			if (inside)
				break;
			inside = a >= lo && a < hi;
			continue;
		}
		if (inside && cgu_parse_kb_line(line, field, &kb))
			break;
	}
	fclose(f);
	return kb;
}

long cgu_meminfo_kb(const char *field)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		cgu_setup_fail_errno("open /proc/meminfo");
	while (fgets(line, sizeof(line), f))
		if (cgu_parse_kb_line(line, field, &kb))
			break;
	fclose(f);
	return kb;
}
