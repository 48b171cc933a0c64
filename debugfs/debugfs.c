// SPDX-License-Identifier: GPL-2.0
/*
 * The control surface: /sys/kernel/debug/collapse_guard/
 *
 *   mode   rw  "off observe [guard]"; write one name to switch.  Anything
 *              else is refused with -EINVAL and changes nothing.
 *   stats  r   one "name value" per line (see README.md)
 *
 * Root only.  Without debugfs (debugfs=off, or where it cannot be created)
 * the module still loads and guards; /sys/module/collapse_guard/parameters/
 * mode is the same control, and the one left where lockdown refuses writes
 * to debugfs.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>
#include "cg_debugfs.h"
#include "cg_hooks.h"
#include "cg_mode.h"
#include "cg_stats.h"

/* Longest write accepted by "mode": a name and a newline. */
#define CG_MODE_WRITE_MAX	16

static struct dentry *cg_debugfs_dir;

static ssize_t cg_mode_read(struct file *file, char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	char buf[64];
	int len = cg_mode_format(buf, sizeof(buf));

	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

static ssize_t cg_mode_write(struct file *file, const char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	char buf[CG_MODE_WRITE_MAX + 1];
	int mode, ret;

	if (*ppos != 0 || count == 0 || count > CG_MODE_WRITE_MAX)
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';

	mode = cg_mode_parse(buf);
	if (mode < 0)
		return -EINVAL;
	ret = cg_hooks_switch_mode(mode);
	return ret ? ret : count;
}

static const struct file_operations cg_mode_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = cg_mode_read,
	.write = cg_mode_write,
	.llseek = default_llseek,
};

static int cg_stats_seq_show(struct seq_file *seq, void *v)
{
	bool available[CG_PATH_COUNT];
	int i;

	for (i = 0; i < CG_PATH_COUNT; i++)
		available[i] = cg_hooks_path_available(i);
	cg_stats_show(seq, available, cg_hooks_missed());
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(cg_stats_seq);

int cg_debugfs_init(void)
{
	struct dentry *dir = debugfs_create_dir(KBUILD_MODNAME, NULL);

	/* not fatal: the guard works, and the mode parameter controls it */
	if (IS_ERR(dir)) {
		pr_warn("debugfs unavailable (%ld): no statistics; the mode is at /sys/module/%s/parameters/mode\n",
			PTR_ERR(dir), KBUILD_MODNAME);
		return 0;
	}
	debugfs_create_file("mode", 0600, dir, NULL, &cg_mode_fops);
	debugfs_create_file("stats", 0400, dir, NULL, &cg_stats_seq_fops);
	cg_debugfs_dir = dir;
	return 0;
}

void cg_debugfs_exit(void)
{
	debugfs_remove(cg_debugfs_dir);
}
