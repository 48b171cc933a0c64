// SPDX-License-Identifier: GPL-2.0
/*
 * collapse_guard: userfaultfd-safe shmem collapse for Linux 6.1.  This file
 * loads and unloads the module: the checks, then the hooks, then debugfs.
 *
 * On 6.1, khugepaged and MADV_COLLAPSE collapse a shmem range into a huge
 * page by filling its holes, and a userfaultfd registered in MISSING mode on
 * that range never gets the missing-page event for them.  Linux 6.4 fixed
 * that (series "mm/khugepaged: fixes for khugepaged+shmem"); this module
 * brings the fixed collapse_file() to 6.1 without rebuilding the kernel.
 *
 * Usage:
 *
 *   insmod collapse_guard.ko [mode=off|observe|guard]     (default: guard)
 *   cat /sys/kernel/debug/collapse_guard/mode             off observe [guard]
 *   echo observe > /sys/kernel/debug/collapse_guard/mode
 *   cat /sys/kernel/debug/collapse_guard/stats
 *   echo off > /sys/kernel/debug/collapse_guard/mode      (unpins the module)
 *   rmmod collapse_guard
 *
 * In observe and guard the module holds collapse_file() (as a livepatch
 * does): rmmod and "sysctl kernel.ftrace_enabled=0" fail with EBUSY until
 * the mode is off.  A kernel it does not support (a missing or ambiguous
 * symbol, khugepaged types that differ from 6.1's, collapse_file already
 * taken by a livepatch, ftrace disabled) is refused at load with one line in
 * the kernel log naming the reason.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include "cg_anon_lock.h"
#include "cg_btf.h"
#include "cg_control.h"
#include "cg_debugfs.h"
#include "cg_ksyms.h"
#include "cg_layout.h"
#include "cg_mode.h"
#include "ftrace_hold.h"
#include "observe.h"

/* Everything the load does while ftrace is held enabled. */
static int __init cg_init_hooked(void)
{
	int ret;

	ret = cg_ksyms_resolve();
	if (ret)
		return ret;
	ret = cg_btf_check();
	if (ret)
		return ret;
	ret = cg_layout_check();
	if (ret)
		return ret;
	ret = cg_control_start();
	if (ret)
		return ret;
	/* without debugfs the module guards all the same (it says so once) */
	cg_debugfs_init();
	return 0;
}

static int __init cg_init(void)
{
	int ret;

	cg_observe_init();
	ret = cg_ftrace_hold();
	if (ret)
		return ret;
	ret = cg_init_hooked();
	cg_ftrace_release();
	if (ret)
		return ret;
	pr_info("version %s loaded, mode %s\n", CG_VERSION, cg_mode_name(cg_mode_get()));
	return 0;
}

static void __exit cg_exit(void)
{
	cg_debugfs_exit();
	cg_control_stop();
	cg_anon_lock_exit();
	pr_info("unloaded\n");
}

module_init(cg_init);
module_exit(cg_exit);

MODULE_LICENSE("GPL");
MODULE_VERSION(CG_VERSION);
MODULE_DESCRIPTION("userfaultfd-safe shmem collapse for Linux 6.1 (the 6.4 fix as a module)");
MODULE_AUTHOR("collapse_guard developers");
