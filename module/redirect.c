// SPDX-License-Identifier: GPL-2.0
/*
 * The redirection of collapse_file(): an ftrace_ops with IPMODIFY on it, as
 * livepatch does (kernel/livepatch/patch.c), points the saved instruction
 * pointer at the guarded implementation when the mode is "guard"; the stock
 * function then never runs for that call.  In mode "observe" it points at
 * the exposure detector (observe.c), which calls the stock function itself:
 * the redirection lets calls made from the module through.
 *
 * Counting: collapse_file()'s calls and results are counted here, by the
 * targets of the redirection, so no probe shares the call site with it.
 *
 * While registered it is FTRACE_OPS_FL_PERMANENT, as livepatch's: while it
 * is registered, "sysctl kernel.ftrace_enabled=0" fails with EBUSY instead
 * of silently turning it into a NOP, and it cannot be registered while that
 * sysctl is 0 (the switch, or the load, fails and says why).  The module
 * holds a reference on itself while it is registered, as a livepatch module
 * does while its patch is enabled: "rmmod" fails with EBUSY until the mode
 * is "off".
 *
 * Unloading: unregister_ftrace_function() returns once no CPU can be in the
 * handler, so after it no call enters the module's collapse_file.  Calls
 * that entered are counted in cg_inflight; the unload waits for them to
 * return, then for an RCU-tasks grace period, which covers the few
 * instructions a task still runs in the module after its decrement (a task
 * preempted there has not passed a voluntary context switch).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/ftrace.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/wait_bit.h>
#include "cg_collapse.h"
#include "cg_ksyms.h"
#include "cg_mode.h"
#include "cg_stats.h"
#include "ftrace_hold.h"
#include "observe.h"
#include "redirect.h"

static atomic_t cg_inflight = ATOMIC_INIT(0);
static bool cg_redirect_attached;

static void cg_inflight_done(void)
{
	if (atomic_dec_and_test(&cg_inflight))
		wake_up_var(&cg_inflight);
}

/* One redirected call, counted; it was counted in flight by cg_redirect(). */
static int cg_run_redirected(cg_collapse_file_fn impl, struct mm_struct *mm,
			     unsigned long addr, struct file *file,
			     pgoff_t start, struct collapse_control *cc)
{
	int result;

	cg_stats_count_call(CG_PATH_FILE);
	result = impl(mm, addr, file, start, cc);
	cg_stats_count_result(CG_PATH_FILE, result);
	cg_inflight_done();
	return result;
}

/* Mode guard: the guarded collapse_file(), entered from cg_redirect() only. */
static int cg_redirected_to_guard(struct mm_struct *mm, unsigned long addr,
				  struct file *file, pgoff_t start,
				  struct collapse_control *cc)
{
	return cg_run_redirected(cg_collapse_file, mm, addr, file, start, cc);
}

/* Mode observe: the stock collapse_file() under the exposure detector. */
static int cg_redirected_to_observe(struct mm_struct *mm, unsigned long addr,
				    struct file *file, pgoff_t start,
				    struct collapse_control *cc)
{
	return cg_run_redirected(cg_observed_collapse_file, mm, addr, file,
				 start, cc);
}

/*
 * Each call reads the mode once.  A call made from the module itself (mode
 * observe's call of the stock function) is let through, as ftrace-based
 * function hooks do to avoid recursing into themselves.
 */
static void notrace cg_redirect(unsigned long ip, unsigned long parent_ip,
				struct ftrace_ops *ops,
				struct ftrace_regs *fregs)
{
	unsigned long target;

	if (within_module(parent_ip, THIS_MODULE))
		return;
	switch (cg_mode_get()) {
	case CG_MODE_GUARD:
		target = (unsigned long)cg_redirected_to_guard;
		break;
	case CG_MODE_OBSERVE:
		target = (unsigned long)cg_redirected_to_observe;
		break;
	default:
		return;
	}
	atomic_inc(&cg_inflight);
	ftrace_instruction_pointer_set(fregs, target);
}

static struct ftrace_ops cg_redirect_ops = {
	.func = cg_redirect,
	.flags = FTRACE_OPS_FL_SAVE_REGS | FTRACE_OPS_FL_IPMODIFY |
		 FTRACE_OPS_FL_PERMANENT,
};

int cg_redirect_prepare(void)
{
	unsigned long ip = (unsigned long)cg_ksyms.collapse_file;
	int ret = ftrace_set_filter_ip(&cg_redirect_ops, ip, 0, 0);

	if (ret)
		pr_err("cannot trace collapse_file: %d\n", ret);
	return ret;
}

void cg_redirect_release(void)
{
	ftrace_free_filter(&cg_redirect_ops);
}

int cg_redirect_attach(void)
{
	int ret = register_ftrace_function(&cg_redirect_ops);

	if (ret) {
		cg_ftrace_report_error("redirect collapse_file", ret, false);
		return ret;
	}
	__module_get(THIS_MODULE);
	WRITE_ONCE(cg_redirect_attached, true);
	return 0;
}

/*
 * False if ftrace is dead: the redirection cannot be removed, its call site
 * may still enter our handler, and the module must stay pinned.
 */
bool cg_redirect_detach(void)
{
	if (unregister_ftrace_function(&cg_redirect_ops))
		return false;
	WRITE_ONCE(cg_redirect_attached, false);
	module_put(THIS_MODULE);
	return true;
}

bool cg_redirect_live(void)
{
	return READ_ONCE(cg_redirect_attached);
}

void cg_redirect_wait_inflight(void)
{
	wait_var_event(&cg_inflight, !atomic_read(&cg_inflight));
	synchronize_rcu_tasks();
}
