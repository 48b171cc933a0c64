// SPDX-License-Identifier: GPL-2.0
/*
 * collapse_guard: userfaultfd-safe shmem collapse for Linux 6.1.
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
 *   rmmod collapse_guard
 *
 * A kernel it does not support (a missing or ambiguous symbol, khugepaged
 * types that differ from 6.1's, collapse_file already taken by a livepatch)
 * is refused at load with one line in the kernel log naming the reason.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/version.h>
#include "cg_debugfs.h"
#include "cg_hooks.h"
#include "cg_ksyms.h"
#include "cg_layout.h"
#include "cg_mode.h"

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 0) || \
	LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#error "collapse_guard supports Linux 6.1 only"
#endif
#if !IS_ENABLED(CONFIG_SHMEM) || !IS_ENABLED(CONFIG_TRANSPARENT_HUGEPAGE) || \
	!IS_ENABLED(CONFIG_USERFAULTFD)
#error "collapse_guard needs CONFIG_SHMEM, CONFIG_TRANSPARENT_HUGEPAGE and CONFIG_USERFAULTFD"
#endif
#if !IS_ENABLED(CONFIG_KRETPROBES) || !IS_ENABLED(CONFIG_DYNAMIC_FTRACE_WITH_ARGS)
#error "collapse_guard needs CONFIG_KRETPROBES and CONFIG_DYNAMIC_FTRACE_WITH_ARGS"
#endif
#if IS_ENABLED(CONFIG_READ_ONLY_THP_FOR_FS)
/* collapse_file() then also sees regular files: only shmem is handled */
#error "collapse_guard does not support CONFIG_READ_ONLY_THP_FOR_FS"
#endif
#if IS_ENABLED(CONFIG_X86_KERNEL_IBT)
/* IBT seals the ENDBR of statics never address-taken: calls to them fault */
#error "collapse_guard calls kernel statics indirectly: CONFIG_X86_KERNEL_IBT is not supported"
#endif

static int __init cg_init(void)
{
	int ret;

	ret = cg_ksyms_resolve();
	if (ret)
		return ret;
	ret = cg_layout_check();
	if (ret)
		return ret;
	ret = cg_hooks_install();
	if (ret)
		return ret;
	ret = cg_debugfs_init();
	if (ret) {
		cg_hooks_remove();
		return ret;
	}
	pr_info("loaded, mode %s\n", cg_mode_name(cg_mode_get()));
	return 0;
}

static void __exit cg_exit(void)
{
	cg_debugfs_exit();
	cg_hooks_remove();
	pr_info("unloaded\n");
}

module_init(cg_init);
module_exit(cg_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("userfaultfd-safe shmem collapse for Linux 6.1 (the 6.4 fix as a module)");
MODULE_AUTHOR("collapse_guard developers");
