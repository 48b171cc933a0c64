// SPDX-License-Identifier: GPL-2.0
/*
 * Fault injection for the guarded collapse_file(), so that tests drive each
 * rollback on purpose and widen the race windows.  Nothing is armed at
 * load; each point affects guarded collapses (mode guard) only.
 *
 *   store_fail N          the next N huge-page stores of the sealed section
 *                         fail as if the xarray had no memory (SCAN_STORE_FAILED)
 *   hole_filled N         the next N seals find a hole filled (page_filled)
 *   uffd_veto N           the next N sealed sections veto as if a
 *                         MISSING-mode userfaultfd had just registered
 *   isolate_fail_after N  the next scan fails (SCAN_FAIL) once N present
 *                         pages are isolated; -1 disarms
 *   seal_delay_ms N       every guarded collapse sleeps N ms (at most 10000)
 *                         between the scan and the seal; 0 disarms
 *   reserve_nomem N       the next N reservations of the range's xarray
 *                         nodes fail once for memory under the lock and
 *                         retry with a node allocated outside it, which the
 *                         retry does not need: its nodes were made meanwhile
 *   off                   disarms everything
 *
 * Writes are validated: an unknown name, a value out of range or trailing
 * garbage is -EINVAL and changes nothing.
 */
#include <linux/atomic.h>
#include <linux/build_bug.h>
#include <linux/jiffies.h>
#include <linux/sched.h>
#include <linux/kernel.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/sched/signal.h>
#include <linux/string.h>
#include "cg_inject.h"

#define CG_SEAL_DELAY_MAX_MS	10000
#define CG_INJECT_SHOTS_MAX	1000000

struct cg_inject {
	int min, max;		/* accepted values */
	int disarmed;		/* the value that means "not armed" */
	atomic_t value;
	atomic_long_t fired;
};

#define CG_INJECT_RANGE(_min, _max, _off) {				\
	.min = _min, .max = _max, .disarmed = _off,			\
	.value = ATOMIC_INIT(_off),					\
}

static struct cg_inject cg_injects[] = {
	[CG_INJECT_STORE_FAIL]	 = CG_INJECT_RANGE(0, CG_INJECT_SHOTS_MAX, 0),
	[CG_INJECT_HOLE_FILLED]	 = CG_INJECT_RANGE(0, CG_INJECT_SHOTS_MAX, 0),
	[CG_INJECT_UFFD_VETO]	 = CG_INJECT_RANGE(0, CG_INJECT_SHOTS_MAX, 0),
	[CG_INJECT_ISOLATE_FAIL] = CG_INJECT_RANGE(-1, 512, -1),
	[CG_INJECT_SEAL_DELAY]	 = CG_INJECT_RANGE(0, CG_SEAL_DELAY_MAX_MS, 0),
	[CG_INJECT_RESERVE_NOMEM] = CG_INJECT_RANGE(0, CG_INJECT_SHOTS_MAX, 0),
};
static_assert(ARRAY_SIZE(cg_injects) == CG_INJECT_COUNT);

static const char *const cg_inject_names[] = {
#define CG_INJECT(id, name, help) name,
#include "cg_names.h"
#undef CG_INJECT
};
static_assert(ARRAY_SIZE(cg_inject_names) == CG_INJECT_COUNT);

/* Any point armed: the fast path's one load. */
static atomic_t cg_inject_armed = ATOMIC_INIT(0);

/* Serialises writers, which recompute cg_inject_armed. */
static DEFINE_MUTEX(cg_inject_mutex);

static void cg_inject_update_armed(void)
{
	int i, armed = 0;

	lockdep_assert_held(&cg_inject_mutex);
	for (i = 0; i < CG_INJECT_COUNT; i++)
		if (atomic_read(&cg_injects[i].value) != cg_injects[i].disarmed)
			armed = 1;
	atomic_set(&cg_inject_armed, armed);
}

bool cg_inject_fire(enum cg_inject_point point)
{
	struct cg_inject *inj = &cg_injects[point];

	if (likely(!atomic_read(&cg_inject_armed)))
		return false;
	if (atomic_dec_if_positive(&inj->value) < 0)
		return false;
	atomic_long_inc(&inj->fired);
	return true;
}

bool cg_inject_isolate_fail(int isolated)
{
	struct cg_inject *inj = &cg_injects[CG_INJECT_ISOLATE_FAIL];
	int after;

	if (likely(!atomic_read(&cg_inject_armed)))
		return false;
	after = atomic_read(&inj->value);
	if (after < 0 || isolated < after)
		return false;
	/* one shot: only the collapse that disarms it fails */
	if (atomic_cmpxchg(&inj->value, after, -1) != after)
		return false;
	atomic_long_inc(&inj->fired);
	return true;
}

void cg_inject_seal_delay(void)
{
	struct cg_inject *inj = &cg_injects[CG_INJECT_SEAL_DELAY];
	int ms;

	if (likely(!atomic_read(&cg_inject_armed)))
		return;
	ms = atomic_read(&inj->value);
	if (ms <= 0)
		return;
	atomic_long_inc(&inj->fired);
	schedule_timeout_killable(msecs_to_jiffies(ms));
}

void cg_inject_show(struct seq_file *seq)
{
	int i;

	for (i = 0; i < CG_INJECT_COUNT; i++)
		seq_printf(seq, "%s %d fired=%ld\n", cg_inject_names[i],
			   atomic_read(&cg_injects[i].value),
			   atomic_long_read(&cg_injects[i].fired));
}

static void cg_inject_disarm_all(void)
{
	int i;

	for (i = 0; i < CG_INJECT_COUNT; i++)
		atomic_set(&cg_injects[i].value, cg_injects[i].disarmed);
}

static int cg_inject_find(const char *name)
{
	int i;

	for (i = 0; i < CG_INJECT_COUNT; i++)
		if (!strcmp(name, cg_inject_names[i]))
			return i;
	return -EINVAL;
}

/**
 * cg_inject_parse_and_arm() - "NAME VALUE" or "off", one trailing newline
 * @buf: the NUL-terminated write, modified while parsing
 *
 * Return: 0, or -EINVAL with nothing changed.
 */
int cg_inject_parse_and_arm(char *buf)
{
	char *name, *arg = strim(buf);
	int point = -1, value = 0;

	if (strcmp(arg, "off")) {
		name = strsep(&arg, " ");
		if (!arg)
			return -EINVAL;
		point = cg_inject_find(name);
		if (point < 0 || kstrtoint(arg, 10, &value))
			return -EINVAL;
		if (value < cg_injects[point].min || value > cg_injects[point].max)
			return -EINVAL;
	}
	mutex_lock(&cg_inject_mutex);
	if (point < 0)
		cg_inject_disarm_all();
	else
		atomic_set(&cg_injects[point].value, value);
	cg_inject_update_armed();
	mutex_unlock(&cg_inject_mutex);
	return 0;
}
