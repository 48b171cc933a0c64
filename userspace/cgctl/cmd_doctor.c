// SPDX-License-Identifier: GPL-2.0
/*
 * cgctl doctor - is this machine exposed to the lost-event bug?
 *
 * Checks the kernel (does it need the guard), transparent huge pages and
 * khugepaged, the module (loaded, mode, redirection live; in observe, how
 * many collapses already lost events), and which processes map shmem with
 * a MISSING-mode userfaultfd.  Ends with one verdict:
 *
 *   protected     the guard runs (exit 0)
 *   exposed       the kernel needs the guard, it does not run, and a
 *                 process relies on MISSING-mode userfaultfd over shmem
 *                 (exit 1)
 *   not affected  the kernel has the fix or no THP, or no process relies
 *                 on it now (exit 3)
 *
 * Needs root (debugfs and every process's map_files); exit 2 otherwise.
 */
#include "cgctl.h"
#include "uffd_scan.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CTL_THP_DIR	"/sys/kernel/mm/transparent_hugepage"
#define CTL_MODE_LEN	32

enum ctl_verdict { CTL_PROTECTED, CTL_EXPOSED, CTL_NOT_AFFECTED };

struct ctl_findings {
	bool needs_guard;	/* the kernel has the bug */
	bool guarding;		/* mode guard, redirection registered */
	int users;		/* MISSING-registered shmem mappings */
};

static void ctl_show_knob(const char *label, const char *file)
{
	char path[256], value[256];

	snprintf(path, sizeof(path), CTL_THP_DIR "/%s", file);
	if (ctl_read_line(path, value, sizeof(value)))
		snprintf(value, sizeof(value), "(unreadable)");
	printf("     %-28s %s\n", label, value);
}

/* The bracketed choice of a THP knob into @mode, or false. */
static bool ctl_thp_choice(const char *file, char *mode, size_t len)
{
	char path[256];

	snprintf(path, sizeof(path), CTL_THP_DIR "/%s", file);
	return ctl_read_bracketed(path, mode, len);
}

/*
 * shmem_enabled=advise on 6.1 and 6.2: a shmem mapping's MADV_HUGEPAGE is
 * judged on the VMA's flags from before the call, so it does not by itself
 * put the mm on khugepaged's list (2cf1338454a8, v6.3, never in 6.1.y).
 */
static void ctl_doctor_shmem_advise(void)
{
	char mode[32];

	if (!ctl_thp_choice("shmem_enabled", mode, sizeof(mode)) || strcmp(mode, "advise"))
		return;
	printf("     note: with shmem_enabled=advise, MADV_HUGEPAGE alone may not bring khugepaged\n"
	       "     to a memfd or shared anonymous mapping on 6.1 (2cf1338454a8 is not in 6.1.y);\n"
	       "     MADV_COLLAPSE still collapses it (docs/upstream.md)\n");
}

/*
 * enabled=never with shmem THP on: 6.1 runs the khugepaged thread only for
 * the anonymous setting (start_stop_khugepaged() tests
 * hugepage_flags_enabled()), so no shmem is collapsed but by MADV_COLLAPSE.
 * Upstream starts it for shmem alone with 00f58104202c (6.11) and Baolin
 * Wang's "mm: shmem: fix khugepaged activation policy for shmem"; neither
 * is in 6.1.y.
 */
static void ctl_doctor_khugepaged_off(void)
{
	char anon[32], shmem[32];

	if (!ctl_thp_choice("enabled", anon, sizeof(anon)) ||
	    !ctl_thp_choice("shmem_enabled", shmem, sizeof(shmem)) ||
	    strcmp(anon, "never") || !strcmp(shmem, "never") ||
	    !strcmp(shmem, "deny"))
		return;
	printf("     note: with enabled=never, 6.1 does not run khugepaged, whatever shmem_enabled\n"
	       "     says: shmem is collapsed only by MADV_COLLAPSE (00f58104202c is not in 6.1.y)\n");
}

static void ctl_doctor_kernel(const struct ctl_kernel *k, struct ctl_findings *f)
{
	bool fixed = k->major > 6 || (k->major == 6 && k->minor >= 4);

	f->needs_guard = k->thp && !fixed;
	printf("[%s] kernel %s%s%s%s: %s\n", f->needs_guard ? "!!" : "ok", k->release,
	       k->upstream[0] ? " (Debian " : "", k->upstream,
	       k->upstream[0] ? ")" : "",
	       !k->thp ? "no transparent huge pages, shmem is never collapsed" :
	       fixed ? "has the upstream fix (6.4)" :
	       ctl_kernel_needs_guard(k) ?
	       "collapses shmem holes without asking userfaultfd: needs the guard" :
	       "not a kernel the module supports (6.1), and without the fix");
	if (!k->thp)
		return;
	printf("[--] transparent huge pages (MADV_COLLAPSE works whatever they say):\n");
	ctl_show_knob("enabled", "enabled");
	ctl_show_knob("shmem_enabled", "shmem_enabled");
	if (f->needs_guard && k->minor < 3)
		ctl_doctor_shmem_advise();
	if (f->needs_guard)
		ctl_doctor_khugepaged_off();
	ctl_show_knob("khugepaged pages_to_scan", "khugepaged/pages_to_scan");
	ctl_show_knob("khugepaged scan_sleep_ms", "khugepaged/scan_sleep_millisecs");
	ctl_show_knob("khugepaged max_ptes_none", "khugepaged/max_ptes_none");
}

static long long ctl_stat_value(const char *name)
{
	static struct cgu_stats s;
	char path[512];
	const struct cgu_stat *st;

	ctl_debugfs_path(path, sizeof(path), "stats");
	if (cgu_stats_load(path, &s))
		return -1;
	st = cgu_stats_find(&s, name);
	return st ? st->value : -1;
}

/* $CG_MODULES_DIR (default /lib/modules)/<release>/@rel exists. */
static bool ctl_release_has(const char *release, const char *rel)
{
	const char *dir = getenv("CG_MODULES_DIR");
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s/%s", dir ? dir : "/lib/modules", release, rel);
	return access(path, F_OK) == 0;
}

/*
 * The flavour of a Debian release ("amd64" of 6.1.0-57-amd64, "cloud-amd64"),
 * whose metapackages follow the newest ABI; NULL for another form of release.
 */
static const char *ctl_debian_flavour(const char *release)
{
	unsigned int abi;
	int end = 0;

	if (sscanf(release, "6.1.0-%u-%n", &abi, &end) != 1 || !end || !release[end])
		return NULL;
	return release + end;
}

/*
 * No headers for this release: DKMS cannot build here. The headers package
 * may only be missing (install it), or the archive may have none for this
 * ABI (6.1.0-48, -49, -51, -52): then no build is possible for it, as only
 * this ABI's own headers (its Module.symvers, its config) make a module it
 * loads; the way out is another ABI.
 */
static void ctl_doctor_no_headers(const char *release)
{
	const char *flavour = ctl_debian_flavour(release);

	printf("     no headers for %s: DKMS cannot build the module here (no /lib/modules/%s/build)\n"
	       "     - if the archive has linux-headers-%s: apt install linux-headers-%s\n"
	       "       (DKMS then builds the module; modprobe collapse_guard)\n"
	       "     - if it has none (Debian published no headers for 6.1.0-48, -49, -51, -52): no\n"
	       "       build for this kernel is possible, not with headers from elsewhere either;\n",
	       release, release, release, release);
	if (flavour)
		printf("       boot a 6.1 kernel with headers, e.g. the next point release's:\n"
		       "       apt install linux-image-%s linux-headers-%s, then reboot\n",
		       flavour, flavour);
	else
		printf("       boot a 6.1 kernel with headers, e.g. the next point release's, then reboot\n");
}

/*
 * Not loaded on a kernel that needs it: is there a module to load at all?
 * Rather than leave "modprobe" to fail: installed, buildable, or no headers.
 */
static void ctl_doctor_no_module(const struct ctl_kernel *k)
{
	if (ctl_release_has(k->release, "updates/dkms/collapse_guard.ko") ||
	    ctl_release_has(k->release, "updates/collapse_guard.ko"))
		printf("     a module is installed for %s: modprobe collapse_guard\n", k->release);
	else if (!ctl_release_has(k->release, "build"))
		ctl_doctor_no_headers(k->release);
	else
		printf("     no module built for %s: dkms autoinstall -k %s (or make && insmod collapse_guard.ko)\n",
		       k->release, k->release);
}

static void ctl_doctor_module(const struct ctl_kernel *k, struct ctl_findings *f)
{
	char mode[CTL_MODE_LEN];
	long long live, exposed;

	if (!ctl_module_loaded()) {
		printf("[%s] collapse_guard is not loaded\n", f->needs_guard ? "!!" : "--");
		if (f->needs_guard)
			ctl_doctor_no_module(k);
		return;
	}
	if (!ctl_active_mode(mode, sizeof(mode)))
		strcpy(mode, "unknown");
	live = ctl_state_value("redirect_live");
	/* without debugfs, the mode alone says it: hooks exist before the mode does */
	f->guarding = !strcmp(mode, "guard") && live != 0;
	printf("[%s] collapse_guard loaded, mode %s, redirection %s\n",
	       f->guarding ? "ok" : "!!", mode,
	       live < 0 ? "unknown (no debugfs)" : live ? "live" : "not registered");
	exposed = ctl_stat_value("uffd_exposed");
	if (!strcmp(mode, "observe") && exposed >= 0)
		printf("     observe: %lld collapse(s) lost userfaultfd events since load or reset\n",
		       exposed);
}

/* What a collapse of one such mapping would do now: the line's verdict. */
static const char *ctl_user_state(const struct ctl_findings *f)
{
	if (!f->needs_guard)
		return "not affected";
	return f->guarding ? "protected" : "EXPOSED";
}

/* One mapping: its process (a QEMU postcopy destination shows as
 * qemu-system-*, its RAM as /memfd:... or the memory backend's file). */
static void ctl_print_user(const struct ctl_uffd_user *u, void *ctx)
{
	printf("     %s: pid %d (%s) %s %s\n", ctl_user_state(ctx), u->pid,
	       u->comm, u->range, u->path);
}

static int ctl_doctor_users(struct ctl_findings *f)
{
	printf("[--] processes mapping shmem with a MISSING-mode userfaultfd:\n");
	f->users = ctl_uffd_scan(ctl_print_user, f);
	if (f->users < 0) {
		fprintf(stderr, "cgctl: cannot read /proc\n");
		return CTL_EXIT_USAGE;
	}
	if (!f->users)
		printf("     none\n");
	return CTL_EXIT_OK;
}

static enum ctl_verdict ctl_verdict(const struct ctl_findings *f)
{
	if (!f->needs_guard)
		return CTL_NOT_AFFECTED;
	if (f->guarding)
		return CTL_PROTECTED;
	return f->users ? CTL_EXPOSED : CTL_NOT_AFFECTED;
}

static int ctl_report_verdict(enum ctl_verdict v, const struct ctl_findings *f)
{
	switch (v) {
	case CTL_PROTECTED:
		printf("verdict: protected (the guard runs%s)\n",
		       f->users ? " and covers the mappings above" : "");
		return CTL_EXIT_OK;
	case CTL_EXPOSED:
		printf("verdict: exposed (%d mapping(s) can lose missing-page events: cgctl mode guard)\n",
		       f->users);
		return CTL_EXIT_FAIL;
	default:
		printf("verdict: not affected%s\n", f->needs_guard ?
		       " (no process relies on MISSING-mode userfaultfd over shmem now; load the guard before one does)" :
		       "");
		return CTL_EXIT_NOT_AFFECTED;
	}
}

int ctl_cmd_doctor(int argc, char **argv)
{
	struct ctl_findings f = { 0 };
	struct ctl_kernel k;
	int ret;

	ctl_no_arguments(argc, argv);
	if (geteuid() != 0) {
		fprintf(stderr, "cgctl: doctor needs root (it reads debugfs and every process's mappings)\n");
		return CTL_EXIT_USAGE;
	}
	ctl_kernel_read(&k);
	ctl_doctor_kernel(&k, &f);
	ctl_doctor_module(&k, &f);
	ret = ctl_doctor_users(&f);
	if (ret)
		return ret;
	return ctl_report_verdict(ctl_verdict(&f), &f);
}
