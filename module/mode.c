// SPDX-License-Identifier: GPL-2.0
/*
 * The active mode and its names.  Switching it, with the hooks each mode
 * needs, and the mode module parameter are module/control.c's.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include "cg_mode.h"

static const char *const cg_mode_names[] = {
	[CG_MODE_OFF]		= "off",
	[CG_MODE_OBSERVE]	= "observe",
	[CG_MODE_GUARD]		= "guard",
};
static_assert(ARRAY_SIZE(cg_mode_names) == CG_MODE_COUNT);

static enum cg_mode cg_active_mode = CG_MODE_GUARD;

enum cg_mode cg_mode_get(void)
{
	return READ_ONCE(cg_active_mode);
}

const char *cg_mode_name(enum cg_mode mode)
{
	return cg_mode_names[mode];
}

void cg_mode_set(enum cg_mode mode)
{
	WRITE_ONCE(cg_active_mode, mode);
}

int cg_mode_parse(const char *buf)
{
	return sysfs_match_string(cg_mode_names, buf);
}

int cg_mode_format(char *buf, size_t size)
{
	enum cg_mode active = cg_mode_get();
	int len = 0;
	int m;

	for (m = 0; m < CG_MODE_COUNT; m++)
		len += scnprintf(buf + len, size - len,
				 m == active ? "%s[%s]" : "%s%s",
				 m ? " " : "", cg_mode_names[m]);
	len += scnprintf(buf + len, size - len, "\n");
	return len;
}
