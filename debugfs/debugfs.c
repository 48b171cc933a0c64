// SPDX-License-Identifier: GPL-2.0
/*
 * The control surface: /sys/kernel/debug/collapse_guard/
 *
 *   mode              rw  "off observe [guard]"; write one name to switch
 *   state             r   what the module is, one "name value" per line:
 *                         mode, redirect_live, <path>_available
 *   stats             r   what it counted, one "name value" per line
 *   hist              r   latency histograms in log2 buckets of nanoseconds
 *   reset             w   "1": zero every counter and histogram
 *   inject            rw  fault injection for tests (module/inject.c)
 *   anon_lock_timing  rw  "0"/"1": time collapse_huge_page()'s mmap write
 *                         lock (module/anon_lock.c); off by default
 *
 * Every write is validated: anything but what is documented is refused with
 * -EINVAL and changes nothing (docs/reference.md gives every file's format).
 *
 * Root only.  Without debugfs (debugfs=off, or where it cannot be created)
 * the module still loads and guards; /sys/module/collapse_guard/parameters/
 * mode is the same control, and the one left where lockdown refuses writes
 * to debugfs.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/build_bug.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include "cg_anon_lock.h"
#include "cg_debugfs.h"
#include "cg_hist.h"
#include "cg_control.h"
#include "cg_inject.h"
#include "cg_mode.h"
#include "cg_stats.h"

/* Longest write accepted by any file: "isolate_fail_after -1" and more. */
#define CG_WRITE_MAX	32

static struct dentry *cg_debugfs_dir;

static ssize_t cg_mode_read(struct file *file, char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	char buf[64];
	int len = cg_mode_format(buf, sizeof(buf));

	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

/*
 * Runs @apply on a whole write from offset 0, NUL-terminated: a short,
 * partial or offset write, or one with a NUL byte in it, is -EINVAL, so a
 * file changes only on a write it can parse whole.  @apply validates and
 * applies, or returns an error and changes nothing.
 */
static ssize_t cg_write_parsed(const char __user *ubuf, size_t count,
			       loff_t *ppos, int (*apply)(char *buf))
{
	char buf[CG_WRITE_MAX + 1];
	int ret;

	if (*ppos != 0 || count == 0 || count > CG_WRITE_MAX)
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	if (strlen(buf) != count)
		return -EINVAL;
	ret = apply(buf);
	return ret ? ret : count;
}

/* "0" or "1", with at most one trailing newline; else -EINVAL. */
static int cg_parse_flag(const char *buf)
{
	if (!strcmp(buf, "0") || !strcmp(buf, "0\n"))
		return 0;
	if (!strcmp(buf, "1") || !strcmp(buf, "1\n"))
		return 1;
	return -EINVAL;
}

static int cg_mode_apply(char *buf)
{
	int mode = cg_mode_parse(buf);

	return mode < 0 ? -EINVAL : cg_control_set_mode(mode);
}

static ssize_t cg_mode_write(struct file *file, const char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	return cg_write_parsed(ubuf, count, ppos, cg_mode_apply);
}

static const struct file_operations cg_mode_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = cg_mode_read,
	.write = cg_mode_write,
	.llseek = default_llseek,
};

/* The states (CG_STATE in cg_names.h): what the module is, not what it counted. */
enum cg_state {
#define CG_STATE(id, name, help) CG_STATE_##id,
#include "cg_names.h"
#undef CG_STATE
	CG_STATE_COUNT
};

static const char *const cg_state_names[] = {
#define CG_STATE(id, name, help) name,
#include "cg_names.h"
#undef CG_STATE
};
static_assert(ARRAY_SIZE(cg_state_names) == CG_STATE_COUNT);

/* One "name value" line; a state without a case here warns (-Wswitch). */
static void cg_state_show_one(struct seq_file *seq, enum cg_state state)
{
	const char *name = cg_state_names[state];

	switch (state) {
	case CG_STATE_MODE:
		seq_printf(seq, "%s %s\n", name, cg_mode_name(cg_mode_get()));
		break;
	case CG_STATE_REDIRECT_LIVE:
		seq_printf(seq, "%s %d\n", name, cg_control_redirect_live());
		break;
	case CG_STATE_FILE_AVAILABLE:
		seq_printf(seq, "%s %d\n", name,
			   cg_control_path_available(CG_PATH_FILE));
		break;
	case CG_STATE_ANON_AVAILABLE:
		seq_printf(seq, "%s %d\n", name,
			   cg_control_path_available(CG_PATH_ANON));
		break;
	case CG_STATE_COUNT:
		break;
	}
}

static int cg_state_seq_show(struct seq_file *seq, void *v)
{
	int i;

	for (i = 0; i < CG_STATE_COUNT; i++)
		cg_state_show_one(seq, i);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(cg_state_seq);

/*
 * "stats" still prints the states redirect_live and <path>_available among
 * the counters, as 0.3.0 did, until the next release.
 */
static int cg_stats_seq_show(struct seq_file *seq, void *v)
{
	bool available[CG_PATH_COUNT];
	int i;

	for (i = 0; i < CG_PATH_COUNT; i++)
		available[i] = cg_control_path_available(i);
	cg_stats_show(seq, available, cg_control_missed(),
		      cg_control_redirect_live());
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(cg_stats_seq);

static int cg_hist_seq_show(struct seq_file *seq, void *v)
{
	cg_hist_show(seq);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(cg_hist_seq);

static int cg_reset_apply(char *buf)
{
	if (cg_parse_flag(buf) != 1)
		return -EINVAL;
	cg_stats_reset();
	cg_hist_reset();
	cg_control_missed_reset();
	return 0;
}

static ssize_t cg_reset_write(struct file *file, const char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	return cg_write_parsed(ubuf, count, ppos, cg_reset_apply);
}

static const struct file_operations cg_reset_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = cg_reset_write,
	.llseek = default_llseek,
};

static int cg_inject_seq_show(struct seq_file *seq, void *v)
{
	cg_inject_show(seq);
	return 0;
}

static int cg_inject_open(struct inode *inode, struct file *file)
{
	return single_open(file, cg_inject_seq_show, NULL);
}

static ssize_t cg_inject_write(struct file *file, const char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	return cg_write_parsed(ubuf, count, ppos, cg_inject_parse_and_arm);
}

static const struct file_operations cg_inject_fops = {
	.owner = THIS_MODULE,
	.open = cg_inject_open,
	.read = seq_read,
	.write = cg_inject_write,
	.llseek = seq_lseek,
	.release = single_release,
};

static ssize_t cg_anon_timing_read(struct file *file, char __user *ubuf,
				   size_t count, loff_t *ppos)
{
	char buf[4];
	int len = scnprintf(buf, sizeof(buf), "%d\n",
			    cg_anon_lock_timing_enabled());

	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

/* -ENODEV where collapse_huge_page() cannot be probed (inlined). */
static int cg_anon_timing_apply(char *buf)
{
	int on = cg_parse_flag(buf);

	if (on < 0)
		return -EINVAL;
	if (on && !cg_control_path_available(CG_PATH_ANON))
		return -ENODEV;
	return cg_anon_lock_timing_set(on);
}

static ssize_t cg_anon_timing_write(struct file *file, const char __user *ubuf,
				    size_t count, loff_t *ppos)
{
	return cg_write_parsed(ubuf, count, ppos, cg_anon_timing_apply);
}

static const struct file_operations cg_anon_timing_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = cg_anon_timing_read,
	.write = cg_anon_timing_write,
	.llseek = default_llseek,
};

void cg_debugfs_init(void)
{
	struct dentry *dir = debugfs_create_dir(KBUILD_MODNAME, NULL);

	/* not fatal: the guard works, and the mode parameter controls it */
	if (IS_ERR(dir)) {
		pr_warn("debugfs unavailable (%ld): no statistics; the mode is at /sys/module/%s/parameters/mode\n",
			PTR_ERR(dir), KBUILD_MODNAME);
		return;
	}
	debugfs_create_file("mode", 0600, dir, NULL, &cg_mode_fops);
	debugfs_create_file("state", 0400, dir, NULL, &cg_state_seq_fops);
	debugfs_create_file("stats", 0400, dir, NULL, &cg_stats_seq_fops);
	debugfs_create_file("hist", 0400, dir, NULL, &cg_hist_seq_fops);
	debugfs_create_file("reset", 0200, dir, NULL, &cg_reset_fops);
	debugfs_create_file("inject", 0600, dir, NULL, &cg_inject_fops);
	debugfs_create_file("anon_lock_timing", 0600, dir, NULL,
			    &cg_anon_timing_fops);
	cg_debugfs_dir = dir;
}

void cg_debugfs_exit(void)
{
	debugfs_remove(cg_debugfs_dir);
}
