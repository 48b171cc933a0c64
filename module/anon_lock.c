// SPDX-License-Identifier: GPL-2.0
/*
 * How long collapse_huge_page() holds the mmap lock for write: the cost of
 * anonymous collapse to the process, whose faults and mmap calls wait that
 * long.  Opt-in (debugfs "anon_lock_timing"), recorded into the
 * anon_mmap_write_ns histogram.
 *
 * How it is measured: the kernel's own mmap_lock trace points
 * (include/trace/events/mmap_lock.h, exported) report each acquisition and
 * release of an mmap lock.  The collapse_huge_page() probe marks the task
 * for the duration of the call (a slot per concurrent call); a write
 * acquisition by a marked task starts the clock and its write release
 * stops it.  That is what the kernel really holds: from down_write()
 * returning to up_write(), whatever collapse_huge_page() does in between.
 *
 * The cost: while enabled, every mmap lock operation on the machine runs
 * the trace points, which in 6.1 also look up the mm's memory cgroup path
 * (mm/mmap_lock.c).  Off by default; turn it on for a measurement.
 */
#include <linux/atomic.h>
#include <linux/ktime.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/tracepoint.h>
#include <trace/events/mmap_lock.h>
#include "cg_anon_lock.h"
#include "cg_hist.h"

/* Concurrent collapse_huge_page() calls followed (the probe's maxactive). */
#define CG_ANON_SLOTS	64

struct cg_anon_slot {
	struct task_struct *task;
	u64 locked_at;		/* 0: the task does not hold it for write */
};

static struct cg_anon_slot cg_anon_slots[CG_ANON_SLOTS];
static atomic_t cg_anon_busy = ATOMIC_INIT(0);
static bool cg_anon_timing;
static DEFINE_MUTEX(cg_anon_mutex);

/* Return: the slot marking current, or -1 (timing off, or all taken). */
int cg_anon_lock_enter(void)
{
	int i;

	if (!READ_ONCE(cg_anon_timing))
		return -1;
	for (i = 0; i < CG_ANON_SLOTS; i++) {
		if (cmpxchg(&cg_anon_slots[i].task, NULL, current) == NULL) {
			WRITE_ONCE(cg_anon_slots[i].locked_at, 0);
			atomic_inc(&cg_anon_busy);
			return i;
		}
	}
	return -1;
}

void cg_anon_lock_leave(int slot)
{
	if (slot < 0)
		return;
	WRITE_ONCE(cg_anon_slots[slot].locked_at, 0);
	/* the next owner of the slot must not see our locked_at */
	smp_store_release(&cg_anon_slots[slot].task, NULL);
	atomic_dec(&cg_anon_busy);
}

static struct cg_anon_slot *cg_anon_slot_of_current(void)
{
	int i;

	if (!atomic_read(&cg_anon_busy))
		return NULL;
	for (i = 0; i < CG_ANON_SLOTS; i++)
		if (READ_ONCE(cg_anon_slots[i].task) == current)
			return &cg_anon_slots[i];
	return NULL;
}

static void cg_anon_acquired(void *data, struct mm_struct *mm,
			     const char *memcg_path, bool write, bool success)
{
	struct cg_anon_slot *slot;

	if (!write || !success)
		return;
	slot = cg_anon_slot_of_current();
	if (slot)
		WRITE_ONCE(slot->locked_at, ktime_get_ns());
}

static void cg_anon_released(void *data, struct mm_struct *mm,
			     const char *memcg_path, bool write)
{
	struct cg_anon_slot *slot;
	u64 locked_at;

	if (!write)
		return;
	slot = cg_anon_slot_of_current();
	if (!slot)
		return;
	locked_at = READ_ONCE(slot->locked_at);
	if (!locked_at)
		return;
	cg_hist_record(CG_HIST_ANON_MMAP_WRITE, ktime_get_ns() - locked_at);
	WRITE_ONCE(slot->locked_at, 0);
}

bool cg_anon_lock_timing_enabled(void)
{
	return READ_ONCE(cg_anon_timing);
}

static int cg_anon_register(void)
{
	int ret;

	ret = register_trace_mmap_lock_acquire_returned(cg_anon_acquired, NULL);
	if (ret)
		return ret;
	ret = register_trace_mmap_lock_released(cg_anon_released, NULL);
	if (ret)
		unregister_trace_mmap_lock_acquire_returned(cg_anon_acquired, NULL);
	return ret;
}

static void cg_anon_unregister(void)
{
	unregister_trace_mmap_lock_released(cg_anon_released, NULL);
	unregister_trace_mmap_lock_acquire_returned(cg_anon_acquired, NULL);
	tracepoint_synchronize_unregister();
}

/* Return: 0, or the error of registering on the mmap_lock trace points. */
int cg_anon_lock_timing_set(bool on)
{
	int ret = 0;

	mutex_lock(&cg_anon_mutex);
	if (on && !cg_anon_timing)
		ret = cg_anon_register();
	else if (!on && cg_anon_timing)
		cg_anon_unregister();
	if (!ret)
		WRITE_ONCE(cg_anon_timing, on);
	mutex_unlock(&cg_anon_mutex);
	return ret;
}

void cg_anon_lock_exit(void)
{
	cg_anon_lock_timing_set(false);
}
