// SPDX-License-Identifier: GPL-2.0
/*
 * The hooks on khugepaged's two collapse paths.
 *
 * Counting: a kretprobe on each of collapse_file() and collapse_huge_page()
 * counts the calls at entry and the scan result at return.  Kprobes sit on
 * the ftrace call site here (KPROBES_ON_FTRACE) without IPMODIFY, so they
 * coexist with the redirection below and see the result of whichever
 * collapse_file ran.
 *
 * Redirection: an ftrace_ops with IPMODIFY on collapse_file(), as livepatch
 * does (kernel/livepatch/patch.c), points the saved instruction pointer at
 * the guarded implementation when the mode is "guard".  The stock function
 * then never runs for that call.
 *
 * Unloading: unregister_ftrace_function() returns once no CPU can be in the
 * handler, so after it no call enters the module's collapse_file.  Calls that
 * entered are counted in cg_inflight; exit waits for them to return, then for
 * an RCU-tasks grace period, which covers the few instructions a task still
 * runs in the module after its decrement (a task preempted there has not
 * passed a voluntary context switch).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/ftrace.h>
#include <linux/kprobes.h>
#include <linux/rcupdate.h>
#include <linux/wait_bit.h>
#include "cg_collapse.h"
#include "cg_hooks.h"
#include "cg_ksyms.h"
#include "cg_mode.h"
#include "cg_stats.h"

/* Concurrent collapses the probes follow to their return, per path. */
#define CG_PROBE_MAXACTIVE	64

struct cg_probe {
	struct kretprobe krp;
	enum cg_path path;
	void *const *target;	/* the function's cg_ksyms entry */
};

static atomic_t cg_inflight = ATOMIC_INIT(0);

static int cg_probe_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct cg_probe *probe = container_of(get_kretprobe(ri),
					      struct cg_probe, krp);

	if (cg_mode_get() == CG_MODE_OFF)
		return 1;	/* no return hook for this call */
	cg_stats_count_call(probe->path);
	return 0;
}

static int cg_probe_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct cg_probe *probe = container_of(get_kretprobe(ri),
					      struct cg_probe, krp);

	cg_stats_count_result(probe->path, (int)regs_return_value(regs));
	return 0;
}

static struct cg_probe cg_probes[CG_PATH_COUNT] = {
	[CG_PATH_FILE] = {
		.path = CG_PATH_FILE,
		.target = &cg_ksyms.collapse_file,
	},
	[CG_PATH_ANON] = {
		.path = CG_PATH_ANON,
		.target = &cg_ksyms.collapse_huge_page,
	},
};

/* The guarded collapse_file(), entered from cg_redirect() only. */
static int cg_guarded_collapse_file(struct mm_struct *mm, unsigned long addr,
				    struct file *file, pgoff_t start,
				    struct collapse_control *cc)
{
	int result = cg_collapse_file(mm, addr, file, start, cc);

	if (atomic_dec_and_test(&cg_inflight))
		wake_up_var(&cg_inflight);
	return result;
}

static void notrace cg_redirect(unsigned long ip, unsigned long parent_ip,
				struct ftrace_ops *ops,
				struct ftrace_regs *fregs)
{
	if (cg_mode_get() != CG_MODE_GUARD)
		return;
	atomic_inc(&cg_inflight);
	ftrace_instruction_pointer_set(fregs,
				       (unsigned long)cg_guarded_collapse_file);
}

static struct ftrace_ops cg_redirect_ops = {
	.func = cg_redirect,
	.flags = FTRACE_OPS_FL_SAVE_REGS | FTRACE_OPS_FL_IPMODIFY,
};

static int cg_probes_register(void)
{
	struct kretprobe *krps[CG_PATH_COUNT];
	int i, ret;

	for (i = 0; i < CG_PATH_COUNT; i++) {
		struct kretprobe *krp = &cg_probes[i].krp;

		krp->kp.addr = *cg_probes[i].target;
		krp->entry_handler = cg_probe_entry;
		krp->handler = cg_probe_return;
		krp->maxactive = CG_PROBE_MAXACTIVE;
		krps[i] = krp;
	}
	ret = register_kretprobes(krps, CG_PATH_COUNT);
	if (ret)
		pr_err("cannot probe the collapse functions: %d\n", ret);
	return ret;
}

static void cg_probes_unregister(void)
{
	struct kretprobe *krps[CG_PATH_COUNT];
	int i;

	for (i = 0; i < CG_PATH_COUNT; i++)
		krps[i] = &cg_probes[i].krp;
	unregister_kretprobes(krps, CG_PATH_COUNT);
}

static int cg_redirect_register(void)
{
	unsigned long ip = (unsigned long)cg_ksyms.collapse_file;
	int ret;

	ret = ftrace_set_filter_ip(&cg_redirect_ops, ip, 0, 0);
	if (ret) {
		pr_err("cannot trace collapse_file: %d\n", ret);
		return ret;
	}
	ret = register_ftrace_function(&cg_redirect_ops);
	if (ret) {
		/* -EBUSY: another IPMODIFY user, e.g. a livepatch, owns it */
		pr_err("cannot redirect collapse_file: %d\n", ret);
		ftrace_set_filter_ip(&cg_redirect_ops, ip, 1, 0);
	}
	return ret;
}

static void cg_redirect_unregister(void)
{
	unregister_ftrace_function(&cg_redirect_ops);
	ftrace_set_filter_ip(&cg_redirect_ops,
			     (unsigned long)cg_ksyms.collapse_file, 1, 0);
	wait_var_event(&cg_inflight, !atomic_read(&cg_inflight));
	synchronize_rcu_tasks();
}

int cg_hooks_install(void)
{
	int ret = cg_probes_register();

	if (ret)
		return ret;
	ret = cg_redirect_register();
	if (ret)
		cg_probes_unregister();
	return ret;
}

void cg_hooks_remove(void)
{
	cg_redirect_unregister();
	cg_probes_unregister();
}

/* Out of instances (krp), or entered while another kprobe ran (kp). */
unsigned long cg_hooks_missed(void)
{
	unsigned long missed = 0;
	int i;

	for (i = 0; i < CG_PATH_COUNT; i++)
		missed += cg_probes[i].krp.nmissed + cg_probes[i].krp.kp.nmissed;
	return missed;
}
