// SPDX-License-Identifier: GPL-2.0
/*
 * The anonymous path, observed only: a kretprobe on collapse_huge_page()
 * (on the ftrace call site, KPROBES_ON_FTRACE) counts the calls at entry
 * and the scan results at return, and marks the task for the mmap lock
 * timing (anon_lock.c).  It is registered while the mode is observe or
 * guard (module/control.c decides when).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/string.h>
#include "anon_probe.h"
#include "cg_anon_lock.h"
#include "cg_ksyms.h"
#include "cg_mode.h"
#include "cg_stats.h"

/* Concurrent anonymous collapses the probe follows to their return. */
#define CG_PROBE_MAXACTIVE	64

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

/* Serialises registration with the missed counts' readers. */
static DEFINE_MUTEX(cg_anon_probe_mutex);
static bool cg_anon_probe_registered;

/*
 * Missed calls of the probe's earlier registrations: each registration
 * starts from a zeroed kretprobe, since unregistering leaves it marked
 * disabled and a re-registered probe would keep that mark and never fire.
 */
static unsigned long cg_missed_before;
/* The total at the last reset. */
static unsigned long cg_missed_at_reset;

bool cg_anon_probe_available(void)
{
	return cg_ksyms.collapse_huge_page;
}

int cg_anon_probe_register(void)
{
	int ret;

	if (!cg_anon_probe_available())
		return 0;
	mutex_lock(&cg_anon_probe_mutex);
	memset(&cg_anon_probe, 0, sizeof(cg_anon_probe));
	cg_anon_probe.kp.addr = cg_ksyms.collapse_huge_page;
	cg_anon_probe.entry_handler = cg_anon_probe_entry;
	cg_anon_probe.handler = cg_anon_probe_return;
	cg_anon_probe.maxactive = CG_PROBE_MAXACTIVE;
	cg_anon_probe.data_size = sizeof(int);
	ret = register_kretprobe(&cg_anon_probe);
	cg_anon_probe_registered = !ret;
	mutex_unlock(&cg_anon_probe_mutex);
	if (ret == -ENODEV)
		pr_err("cannot probe collapse_huge_page: ftrace is shut down (after an ftrace bug)\n");
	else if (ret)
		pr_err("cannot probe collapse_huge_page: %d\n", ret);
	return ret;
}

static unsigned long cg_anon_probe_missed_now(void)
{
	lockdep_assert_held(&cg_anon_probe_mutex);
	if (!cg_anon_probe_registered)
		return 0;
	return cg_anon_probe.nmissed + cg_anon_probe.kp.nmissed;
}

void cg_anon_probe_unregister(void)
{
	mutex_lock(&cg_anon_probe_mutex);
	if (cg_anon_probe_registered) {
		unregister_kretprobe(&cg_anon_probe);
		cg_missed_before += cg_anon_probe_missed_now();
		cg_anon_probe_registered = false;
	}
	mutex_unlock(&cg_anon_probe_mutex);
}

static unsigned long cg_anon_probe_missed_total(void)
{
	lockdep_assert_held(&cg_anon_probe_mutex);
	return cg_missed_before + cg_anon_probe_missed_now();
}

/* Out of instances (krp), or entered while another kprobe ran (kp). */
unsigned long cg_anon_probe_missed(void)
{
	unsigned long missed;

	mutex_lock(&cg_anon_probe_mutex);
	missed = cg_anon_probe_missed_total() - cg_missed_at_reset;
	mutex_unlock(&cg_anon_probe_mutex);
	return missed;
}

void cg_anon_probe_missed_reset(void)
{
	mutex_lock(&cg_anon_probe_mutex);
	cg_missed_at_reset = cg_anon_probe_missed_total();
	mutex_unlock(&cg_anon_probe_mutex);
}
