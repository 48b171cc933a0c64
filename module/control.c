// SPDX-License-Identifier: GPL-2.0
/*
 * Switching modes: the mode parameter and debugfs's mode file come here.
 * The hooks (the collapse_file redirection, redirect.c, and the anonymous
 * path's probe, anon_probe.c) are registered while the mode is "observe" or
 * "guard", and only then: in "off" nothing of the module is hooked, a
 * livepatch may take collapse_file(), and the ftrace_enabled sysctl may be
 * changed.  If ftrace was torn down under us (ftrace_kill() after an ftrace
 * bug), the redirection cannot be removed and its call site may still enter
 * our handler: the module then stays pinned for good and says so once.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include "anon_probe.h"
#include "cg_control.h"
#include "cg_ksyms.h"
#include "cg_mode.h"
#include "redirect.h"

/* Serialises mode switches with the registration of the hooks. */
static DEFINE_MUTEX(cg_switch_mutex);
static bool cg_control_started;	/* a switch (un)registers hooks */
static bool cg_hooks_attached;
static bool cg_pinned_for_good;

/* The redirection, then the probe (the PERMANENT redirection keeps ftrace on). */
static int cg_hooks_attach(void)
{
	int ret;

	lockdep_assert_held(&cg_switch_mutex);
	ret = cg_redirect_attach();
	if (ret)
		return ret;
	ret = cg_anon_probe_register();
	if (ret) {
		cg_redirect_detach();
		return ret;
	}
	cg_hooks_attached = true;
	return 0;
}

/*
 * The probe, then the redirection.  With ftrace dead, all stays as it is
 * (removing the probe would only warn) and the module stays pinned.
 */
static void cg_hooks_detach(void)
{
	lockdep_assert_held(&cg_switch_mutex);
	if (!cg_ksyms.ftrace_is_dead()) {
		cg_anon_probe_unregister();
		if (cg_redirect_detach()) {
			cg_hooks_attached = false;
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

int cg_control_set_mode(enum cg_mode mode)
{
	int ret = 0;

	mutex_lock(&cg_switch_mutex);
	if (cg_control_started)
		ret = cg_switch_mode_locked(mode);
	else
		cg_mode_set(mode);	/* mode= at load: applied by cg_control_start() */
	mutex_unlock(&cg_switch_mutex);
	return ret;
}

int cg_control_start(void)
{
	int ret = cg_redirect_prepare();

	if (ret)
		return ret;
	mutex_lock(&cg_switch_mutex);
	ret = cg_switch_mode_locked(cg_mode_get());
	cg_control_started = !ret;
	mutex_unlock(&cg_switch_mutex);
	if (ret)
		cg_redirect_release();
	return ret;
}

/* Called with the mode "off" (else the module is pinned), or from init. */
void cg_control_stop(void)
{
	mutex_lock(&cg_switch_mutex);
	cg_switch_mode_locked(CG_MODE_OFF);
	cg_control_started = false;
	mutex_unlock(&cg_switch_mutex);
	cg_redirect_release();
	cg_redirect_wait_inflight();
}

bool cg_control_redirect_live(void)
{
	return cg_redirect_live();
}

/* collapse_file() is required (the load refuses without it). */
bool cg_control_path_available(enum cg_path path)
{
	return path == CG_PATH_FILE || cg_anon_probe_available();
}

unsigned long cg_control_missed(void)
{
	return cg_anon_probe_missed();
}

void cg_control_missed_reset(void)
{
	cg_anon_probe_missed_reset();
}

/* At load it only sets the mode; afterwards it switches, as debugfs does. */
static int cg_param_set_mode(const char *val, const struct kernel_param *kp)
{
	int mode = cg_mode_parse(val);

	if (mode < 0)
		return mode;
	return cg_control_set_mode(mode);
}

static int cg_param_get_mode(char *buf, const struct kernel_param *kp)
{
	return cg_mode_format(buf, PAGE_SIZE);
}

static const struct kernel_param_ops cg_mode_param_ops = {
	.set = cg_param_set_mode,
	.get = cg_param_get_mode,
};

/*
 * Writable by root in sysfs too: the control that still works where
 * lockdown (Secure Boot) refuses writes to debugfs.
 */
module_param_cb(mode, &cg_mode_param_ops, NULL, 0600);
MODULE_PARM_DESC(mode, "off, observe or guard (default: guard); writable at runtime");
