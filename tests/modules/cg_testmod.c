// SPDX-License-Identifier: GPL-2.0
/*
 * cg_testmod: what the guest tests need the kernel to do that no user
 * interface does.  Never for a production kernel.
 *
 * Usage (one action per load):
 *
 *   insmod cg_testmod.ko action=ipmodify
 *	registers an IPMODIFY ftrace_ops on collapse_file(), as a livepatch
 *	of it would (the handler changes nothing); the load fails with the
 *	error register_ftrace_function() returned (EBUSY: someone owns it).
 *	rmmod cg_testmod unregisters it.
 *
 *   insmod cg_testmod.ko action=call_collapse_file
 *	calls collapse_file() as 6.1's callers never should: with /dev/zero
 *	(not shmem) at index 1, and with a shmem file at index 1 (not PMD
 *	aligned), printing each scan result.  Only with collapse_guard loaded
 *	in mode guard, which must refuse both before touching anything.  The
 *	load then fails on purpose (ENODEV), leaving nothing loaded.
 *
 *   insmod cg_testmod.ko action=kill_ftrace
 *	calls ftrace_kill(), what the kernel does after an ftrace bug:
 *	ftrace is dead for the rest of the boot.  The load then fails on
 *	purpose (ENODEV), leaving nothing loaded.
 *
 *   insmod cg_testmod.ko action=hold_rcu_tasks
 *	starts a kernel thread (cg_hold) that runs without ever sleeping of
 *	its own accord (it only yields through cond_resched()), as khugepaged
 *	with scan_sleep_millisecs=0 and work to do does: an RCU-tasks grace
 *	period, and so the removal of an ftrace_ops, waits until it stops.
 *	rmmod cg_testmod stops it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/fs.h>
#include <linux/ftrace.h>
#include <linux/kprobes.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/string.h>

static char *action = "";
module_param(action, charp, 0444);
MODULE_PARM_DESC(action, "ipmodify, call_collapse_file, kill_ftrace or hold_rcu_tasks");

static void notrace cg_testmod_nop(unsigned long ip, unsigned long parent_ip,
				   struct ftrace_ops *ops,
				   struct ftrace_regs *fregs)
{
}

static struct ftrace_ops cg_testmod_ops = {
	.func = cg_testmod_nop,
	.flags = FTRACE_OPS_FL_SAVE_REGS | FTRACE_OPS_FL_IPMODIFY,
};
static bool cg_testmod_registered;

static int cg_testmod_ipmodify(void)
{
	static unsigned char name[] = "collapse_file";
	int ret;

	ret = ftrace_set_filter(&cg_testmod_ops, name, strlen(name), 1);
	if (ret)
		return ret;
	ret = register_ftrace_function(&cg_testmod_ops);
	if (ret) {
		pr_info("cannot register an IPMODIFY ops on collapse_file: %d\n", ret);
		ftrace_free_filter(&cg_testmod_ops);
		return ret;
	}
	cg_testmod_registered = true;
	pr_info("IPMODIFY ops on collapse_file registered\n");
	return 0;
}

static unsigned long cg_testmod_lookup(const char *name)
{
	struct kprobe kp = { .symbol_name = "kallsyms_lookup_name" };
	unsigned long (*lookup)(const char *name);

	if (register_kprobe(&kp))
		return 0;
	lookup = (void *)kp.addr;
	unregister_kprobe(&kp);
	return lookup(name);
}

typedef void (*cg_ftrace_kill_fn)(void);

static int cg_testmod_kill_ftrace(void)
{
	cg_ftrace_kill_fn kill = (cg_ftrace_kill_fn)cg_testmod_lookup("ftrace_kill");

	if (!kill)
		return -ENOENT;
	pr_info("calling ftrace_kill()\n");
	kill();
	return -ENODEV;
}

typedef int (*cg_collapse_file_fn)(struct mm_struct *mm, unsigned long addr,
				  struct file *file, pgoff_t start, void *cc);

/* Larger than 6.1's struct collapse_control, zeroed: not khugepaged. */
#define CG_TESTMOD_CC_SIZE	8192

static void cg_testmod_call(cg_collapse_file_fn fn, const char *what,
			    struct file *file, void *cc)
{
	if (IS_ERR(file)) {
		pr_err("%s: cannot open the file: %ld\n", what, PTR_ERR(file));
		return;
	}
	pr_info("collapse_file(%s, index 1) returned %d\n", what,
		fn(current->mm, 0x200000, file, 1, cc));
	fput(file);
}

static int cg_testmod_call_collapse_file(void)
{
	cg_collapse_file_fn fn = (void *)cg_testmod_lookup("collapse_file");
	void *cc;

	if (!fn)
		return -ENOENT;
	cc = kzalloc(CG_TESTMOD_CC_SIZE, GFP_KERNEL);
	if (!cc)
		return -ENOMEM;
	cg_testmod_call(fn, "/dev/zero", filp_open("/dev/zero", O_RDWR, 0), cc);
	cg_testmod_call(fn, "shmem", shmem_file_setup("cg_testmod", 4 << 20, 0), cc);
	kfree(cc);
	return -ENODEV;
}

static struct task_struct *cg_testmod_holder;

/* Never a voluntary context switch: cond_resched() only preempts. */
static int cg_testmod_hold(void *unused)
{
	while (!kthread_should_stop()) {
		cond_resched();
		cpu_relax();
	}
	return 0;
}

static int cg_testmod_hold_rcu_tasks(void)
{
	cg_testmod_holder = kthread_run(cg_testmod_hold, NULL, "cg_hold");
	if (IS_ERR(cg_testmod_holder))
		return PTR_ERR(cg_testmod_holder);
	return 0;
}

static int __init cg_testmod_init(void)
{
	if (!strcmp(action, "call_collapse_file"))
		return cg_testmod_call_collapse_file();
	if (!strcmp(action, "ipmodify"))
		return cg_testmod_ipmodify();
	if (!strcmp(action, "kill_ftrace"))
		return cg_testmod_kill_ftrace();
	if (!strcmp(action, "hold_rcu_tasks"))
		return cg_testmod_hold_rcu_tasks();
	pr_err("action=ipmodify, call_collapse_file, kill_ftrace or hold_rcu_tasks\n");
	return -EINVAL;
}

static void __exit cg_testmod_exit(void)
{
	if (cg_testmod_holder)
		kthread_stop(cg_testmod_holder);
	if (cg_testmod_registered) {
		unregister_ftrace_function(&cg_testmod_ops);
		ftrace_free_filter(&cg_testmod_ops);
	}
}

module_init(cg_testmod_init);
module_exit(cg_testmod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("collapse_guard test helper: a livepatch stand-in, an ftrace killer, an RCU-tasks holdout");
