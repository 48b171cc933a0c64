// SPDX-License-Identifier: GPL-2.0
/*
 * The hold during load: a PERMANENT ftrace_ops (no IPMODIFY, so it does not
 * compete with a livepatch) that keeps kernel.ftrace_enabled at 1 while the
 * load uses kprobes, and that cannot be registered while it is 0.  On 6.1,
 * kprobes on ftrace registered or removed while ftrace_enabled is 0 leave
 * ftrace's records unbalanced, and a later removal trips an FTRACE_WARN_ON
 * that shuts ftrace down: nothing of ours touches ftrace while it is 0.
 * It traces kallsyms_lookup_name(), which the load probes anyway and which
 * is cold, rather than patch the hot collapse_file() call site twice more.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ftrace.h>
#include <linux/module.h>
#include "cg_ksyms.h"
#include "ftrace_hold.h"

void cg_ftrace_report_error(const char *what, int ret, bool permanent_only)
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

static void notrace cg_nop(unsigned long ip, unsigned long parent_ip,
			   struct ftrace_ops *ops, struct ftrace_regs *fregs)
{
}

static struct ftrace_ops cg_load_ops = {
	.func = cg_nop,
	.flags = FTRACE_OPS_FL_PERMANENT,
};

int cg_ftrace_hold(void)
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
		cg_ftrace_report_error("load", ret, true);
		ftrace_free_filter(&cg_load_ops);
	}
	return ret;
}

void cg_ftrace_release(void)
{
	if (unregister_ftrace_function(&cg_load_ops)) {
		/* ftrace died while we loaded: its call site may still enter us */
		__module_get(THIS_MODULE);
		pr_warn("ftrace was shut down while loading: the module stays loaded for good\n");
		return;
	}
	ftrace_free_filter(&cg_load_ops);
}
