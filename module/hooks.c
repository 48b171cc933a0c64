// SPDX-License-Identifier: GPL-2.0
/*
 * The hooks on khugepaged's two collapse paths.
 *
 * Counting: collapse_file()'s calls and results are counted by the targets
 * of the redirection below (the guarded implementation, or in observe the
 * exposure detector's wrapper), so the redirection has that call site to
 * itself.  A kretprobe on collapse_huge_page() counts the anonymous path:
 * calls at entry, the scan result at return (on the ftrace call site,
 * KPROBES_ON_FTRACE).
 *
 * Redirection: an ftrace_ops with IPMODIFY on collapse_file(), as livepatch
 * does (kernel/livepatch/patch.c), points the saved instruction pointer at
 * the guarded implementation when the mode is "guard"; the stock function
 * then never runs for that call.  In mode "observe" it points at the
 * exposure detector (observe.c), which calls the stock function itself: the
 * redirection lets calls made from the module through.
 *
 * Both are registered while the mode is "observe" or "guard", and only then:
 *  - the redirection is FTRACE_OPS_FL_PERMANENT, as livepatch's: while it
 *    is registered, "sysctl kernel.ftrace_enabled=0" fails with EBUSY
 *    instead of silently turning it and the probes into NOPs, and it cannot
 *    be registered while that sysctl is 0 (the switch, or the load, fails
 *    and says why);
 *  - the module holds a reference on itself, as a livepatch module does
 *    while its patch is enabled: "rmmod" fails with EBUSY until the mode is
 *    "off".  The reference is dropped only once the hooks are removed; if
 *    ftrace was torn down under us (ftrace_kill() after an ftrace bug), the
 *    redirection cannot be removed and its call site may still enter our
 *    handler, so the module stays pinned for good and says so once;
 *  - in "off" nothing of the module is hooked: a livepatch may take
 *    collapse_file(), and the ftrace_enabled sysctl may be changed.
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
#include <linux/lockdep.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/wait_bit.h>
#include "cg_anon_lock.h"
#include "cg_collapse.h"
#include "cg_hooks.h"
#include "cg_ksyms.h"
#include "cg_mode.h"
#include "cg_stats.h"

/* Concurrent anonymous collapses the probe follows to their return. */
#define CG_PROBE_MAXACTIVE	64

static atomic_t cg_inflight = ATOMIC_INIT(0);

/* Serialises mode switches with the (un)registration of the redirection. */
static DEFINE_MUTEX(cg_switch_mutex);
static bool cg_hooks_ready;	/* installed: a switch (un)registers hooks */
static bool cg_hooks_attached;
static bool cg_pinned_for_good;

/*
 * collapse_huge_page(): counts the call and marks the task for the mmap
 * lock timing (the instance's data keeps the mark).
 */
static int cg_anon_probe_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	if (cg_mode_get() == CG_MODE_OFF)
		return 1;	/* no return hook for this call */
	cg_stats_count_call(CG_PATH_ANON);
	*(int *)ri->data = cg_anon_lock_enter();
	return 0;
}

static int cg_anon_probe_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	cg_anon_lock_leave(*(int *)ri->data);
	cg_stats_count_result(CG_PATH_ANON, (int)regs_return_value(regs));
	return 0;
}

static struct kretprobe cg_anon_probe;

static void cg_inflight_done(void)
{
	if (atomic_dec_and_test(&cg_inflight))
		wake_up_var(&cg_inflight);
}

/*
 * The targets of the redirection count collapse_file()'s calls and results
 * themselves: no probe needs to sit on collapse_file() beside the
 * redirection, which then has the call site to itself.  Each call was
 * counted in flight by cg_redirect().
 */
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

/* The guarded collapse_file(), entered from cg_redirect() only. */
static int cg_guarded_collapse_file(struct mm_struct *mm, unsigned long addr,
				    struct file *file, pgoff_t start,
				    struct collapse_control *cc)
{
	return cg_run_redirected(cg_collapse_file, mm, addr, file, start, cc);
}

/* Mode observe: the stock collapse_file() under the exposure detector. */
static int cg_watched_collapse_file(struct mm_struct *mm, unsigned long addr,
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
		target = (unsigned long)cg_guarded_collapse_file;
		break;
	case CG_MODE_OBSERVE:
		target = (unsigned long)cg_watched_collapse_file;
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

/* Why an ftrace_ops of ours cannot be registered, in one line. */
static void cg_report_ftrace_error(const char *what, int ret, bool permanent_only)
{
	if (ret == -EBUSY && (permanent_only || !READ_ONCE(*cg_ksyms.ftrace_enabled)))
		pr_err("cannot %s: kernel.ftrace_enabled is 0 (set it to 1 first)\n", what);
	else if (ret == -EBUSY)
		pr_err("cannot %s: another IPMODIFY ftrace user (a livepatch?) owns collapse_file\n",
		       what);
	else if (ret == -ENODEV)
		pr_err("cannot %s: ftrace is shut down (after an ftrace bug)\n", what);
	else
		pr_err("cannot %s: %d\n", what, ret);
}

/*
 * Missed calls of the probe's earlier registrations: each registration
 * starts from a zeroed kretprobe, since unregistering leaves it marked
 * disabled and a re-registered probe would keep that mark and never fire.
 */
static unsigned long cg_probes_missed_before;

/* collapse_huge_page() is only observed: the kernel may have inlined it. */
static bool cg_anon_probe_available(void)
{
	return cg_ksyms.collapse_huge_page;
}

static int cg_probes_register(void)
{
	int ret;

	if (!cg_anon_probe_available())
		return 0;
	memset(&cg_anon_probe, 0, sizeof(cg_anon_probe));
	cg_anon_probe.kp.addr = cg_ksyms.collapse_huge_page;
	cg_anon_probe.entry_handler = cg_anon_probe_entry;
	cg_anon_probe.handler = cg_anon_probe_return;
	cg_anon_probe.maxactive = CG_PROBE_MAXACTIVE;
	cg_anon_probe.data_size = sizeof(int);
	ret = register_kretprobe(&cg_anon_probe);
	if (ret == -ENODEV)
		pr_err("cannot probe collapse_huge_page: ftrace is shut down (after an ftrace bug)\n");
	else if (ret)
		pr_err("cannot probe collapse_huge_page: %d\n", ret);
	return ret;
}

static unsigned long cg_probes_missed(void)
{
	if (!cg_anon_probe_available())
		return 0;
	return cg_anon_probe.nmissed + cg_anon_probe.kp.nmissed;
}

static void cg_probes_unregister(void)
{
	if (!cg_anon_probe_available())
		return;
	unregister_kretprobe(&cg_anon_probe);
	cg_probes_missed_before += cg_probes_missed();
}

/* collapse_file() is required (the load refuses without it). */
bool cg_hooks_path_available(enum cg_path path)
{
	return path == CG_PATH_FILE || cg_anon_probe_available();
}

static void notrace cg_nop(unsigned long ip, unsigned long parent_ip,
			   struct ftrace_ops *ops, struct ftrace_regs *fregs)
{
}

/*
 * Held while the module loads: a PERMANENT ops (no IPMODIFY, so it does not
 * compete with a livepatch) that keeps kernel.ftrace_enabled at 1 while the
 * load uses kprobes, and that cannot be registered while it is 0.  On 6.1,
 * kprobes on ftrace registered or removed while ftrace_enabled is 0 leave
 * ftrace's records unbalanced, and a later removal trips an FTRACE_WARN_ON
 * that shuts ftrace down: nothing of ours touches ftrace while it is 0.
 * It traces kallsyms_lookup_name(), which the load probes anyway and which
 * is cold, rather than patch the hot collapse_file() call site twice more.
 */
static struct ftrace_ops cg_load_ops = {
	.func = cg_nop,
	.flags = FTRACE_OPS_FL_PERMANENT,
};

int cg_hooks_hold_ftrace(void)
{
	static unsigned char name[] = "kallsyms_lookup_name";
	int ret;

	ret = ftrace_set_filter(&cg_load_ops, name, sizeof(name) - 1, 1);
	if (ret) {
		pr_err("cannot trace %s: %d\n", name, ret);
		return ret;
	}
	ret = register_ftrace_function(&cg_load_ops);
	if (ret) {
		cg_report_ftrace_error("load", ret, true);
		ftrace_free_filter(&cg_load_ops);
	}
	return ret;
}

void cg_hooks_release_ftrace(void)
{
	if (unregister_ftrace_function(&cg_load_ops)) {
		/* ftrace died while we loaded: its call site may still enter us */
		__module_get(THIS_MODULE);
		pr_warn("ftrace was shut down while loading: the module stays loaded for good\n");
		return;
	}
	ftrace_free_filter(&cg_load_ops);
}

/*
 * Registers the redirection, then the probes (the PERMANENT redirection
 * keeps ftrace enabled for them), and pins the module while they are there.
 */
static int cg_hooks_attach(void)
{
	int ret;

	lockdep_assert_held(&cg_switch_mutex);
	ret = register_ftrace_function(&cg_redirect_ops);
	if (ret) {
		cg_report_ftrace_error("redirect collapse_file", ret, false);
		return ret;
	}
	ret = cg_probes_register();
	if (ret) {
		unregister_ftrace_function(&cg_redirect_ops);
		return ret;
	}
	__module_get(THIS_MODULE);
	cg_hooks_attached = true;
	return 0;
}

/*
 * Removes the probes, then the redirection, and unpins the module.  If
 * ftrace is dead, the redirection cannot be removed and its call site may
 * still enter our handler (and removing the probes would only warn): all
 * stays as it is and the module stays pinned, for good.
 */
static void cg_hooks_detach(void)
{
	lockdep_assert_held(&cg_switch_mutex);
	if (!cg_ksyms.ftrace_is_dead()) {
		cg_probes_unregister();
		if (!unregister_ftrace_function(&cg_redirect_ops)) {
			cg_hooks_attached = false;
			module_put(THIS_MODULE);
			return;
		}
	}
	if (!cg_pinned_for_good)
		pr_warn("cannot remove the collapse_file redirection: ftrace was shut down under it, so the module stays loaded for good\n");
	cg_pinned_for_good = true;
}

static bool cg_mode_needs_hooks(enum cg_mode mode)
{
	return mode != CG_MODE_OFF;
}

static int cg_switch_mode_locked(enum cg_mode mode)
{
	int ret;

	lockdep_assert_held(&cg_switch_mutex);
	if (cg_mode_needs_hooks(mode) && !cg_hooks_attached) {
		ret = cg_hooks_attach();
		if (ret)
			return ret;
	}
	/* each call reads the mode once: the hooks exist before it says so */
	cg_mode_set(mode);
	if (!cg_mode_needs_hooks(mode) && cg_hooks_attached && !cg_pinned_for_good)
		cg_hooks_detach();
	return 0;
}

int cg_hooks_switch_mode(enum cg_mode mode)
{
	int ret = 0;

	mutex_lock(&cg_switch_mutex);
	if (cg_hooks_ready)
		ret = cg_switch_mode_locked(mode);
	else
		cg_mode_set(mode);	/* mode= at load: installed later */
	mutex_unlock(&cg_switch_mutex);
	return ret;
}

bool cg_hooks_redirect_live(void)
{
	return READ_ONCE(cg_hooks_attached);
}

int cg_hooks_install(void)
{
	unsigned long ip = (unsigned long)cg_ksyms.collapse_file;
	int ret;

	ret = ftrace_set_filter_ip(&cg_redirect_ops, ip, 0, 0);
	if (ret) {
		pr_err("cannot trace collapse_file: %d\n", ret);
		return ret;
	}
	mutex_lock(&cg_switch_mutex);
	ret = cg_switch_mode_locked(cg_mode_get());
	cg_hooks_ready = !ret;
	mutex_unlock(&cg_switch_mutex);
	if (ret)
		ftrace_free_filter(&cg_redirect_ops);
	return ret;
}

/* Called with the mode "off" (else the module is pinned), or from init. */
void cg_hooks_remove(void)
{
	mutex_lock(&cg_switch_mutex);
	cg_switch_mode_locked(CG_MODE_OFF);
	cg_hooks_ready = false;
	mutex_unlock(&cg_switch_mutex);
	ftrace_free_filter(&cg_redirect_ops);
	wait_var_event(&cg_inflight, !atomic_read(&cg_inflight));
	synchronize_rcu_tasks();
}

static unsigned long cg_probes_missed_total(void)
{
	lockdep_assert_held(&cg_switch_mutex);
	return cg_probes_missed_before +
	       (cg_hooks_attached ? cg_probes_missed() : 0);
}

/* Counted from the last reset (cg_hooks_missed_reset()). */
static unsigned long cg_probes_missed_at_reset;

/* Out of instances (krp), or entered while another kprobe ran (kp). */
unsigned long cg_hooks_missed(void)
{
	unsigned long missed;

	mutex_lock(&cg_switch_mutex);
	missed = cg_probes_missed_total() - cg_probes_missed_at_reset;
	mutex_unlock(&cg_switch_mutex);
	return missed;
}

void cg_hooks_missed_reset(void)
{
	mutex_lock(&cg_switch_mutex);
	cg_probes_missed_at_reset = cg_probes_missed_total();
	mutex_unlock(&cg_switch_mutex);
}
