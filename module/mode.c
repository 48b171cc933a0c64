// SPDX-License-Identifier: GPL-2.0
/*
 * The active mode, its names, and the mode module parameter.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/string.h>
#include "cg_hooks.h"
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

/* At load it only sets the mode; afterwards it switches, as debugfs does. */
static int cg_param_set_mode(const char *val, const struct kernel_param *kp)
{
	int mode = cg_mode_parse(val);

	if (mode < 0)
		return mode;
	return cg_hooks_switch_mode(mode);
}

static int cg_param_get_mode(char *buf, const struct kernel_param *kp)
{
	return cg_mode_format(buf, PAGE_SIZE);
}

static const struct kernel_param_ops cg_mode_param_ops = {
	.set = cg_param_set_mode,
	.get = cg_param_get_mode,
};

/*
 * Writable by root in sysfs too: the control that still works where
 * lockdown (Secure Boot) refuses writes to debugfs.
 */
module_param_cb(mode, &cg_mode_param_ops, NULL, 0600);
MODULE_PARM_DESC(mode, "off, observe or guard (default: guard); writable at runtime");
