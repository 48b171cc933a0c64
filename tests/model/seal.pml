/* SPDX-License-Identifier: GPL-2.0 */
/*
 * seal.pml - a model of the guarded collapse's seal protocol (collapse_guard
 * module/collapse_seal.c), checked with spin by tests/harness/model-check.sh.
 *
 * Two page-cache slots of a range: slot 0 starts as a hole, slot 1 holds a
 * page. Processes, each step of which spin interleaves in every order:
 *  - collapser: the early userfaultfd check; the scan under the xarray lock
 *    (a range with slot 1 gone was truncated); the lock of slot 1's page;
 *    then one locked section: the seal (a retry entry in the hole), the
 *    "hole filled" check, the barrier, the userfaultfd check, and either
 *    the huge page over both slots or the unseal; then the page unlocked.
 *    Its stores to slot 0 go through a store buffer (x86-TSO: a later load
 *    may pass them), drained by a locked instruction, smp_mb(), or, in
 *    order, by the unlock;
 *  - registrant: UFFDIO_REGISTER in MISSING mode (a locked RMW: sequentially
 *    consistent), then a fault on slot 0: a lock-free lookup that retries on
 *    a retry entry; a hole raises the missing-page event, answered by
 *    UFFDIO_COPY under the xarray lock into a hole within i_size;
 *  - reader: two lock-free lookups of slot 0 (read, SEEK_HOLE, mincore);
 *  - truncator: i_size to 0, the page lock of slot 1 (the locked page the
 *    collapser holds), the entries removed under the xarray lock.
 *
 * Checked, in every interleaving:
 *  - no lost event: a registrant that registered while slot 0 was a hole
 *    gets its event, and its UFFDIO_COPY lands (unless truncated);
 *  - no reader sees, after the registration, a hole that then becomes the
 *    huge page;
 *  - after a truncation, no slot holds data.
 * Abstracted: one hole and one page stand for 512 slots (every hole is
 * handled alike, and the page's lock is what a truncation waits for); the
 * copy, the LRU, page tables and memory cgroups are left out; i_mmap_rwsem
 * is folded into the sections it guards; the store buffer holds one store.
 *
 * -DNO_SEAL (no retry entries) and -DNO_BARRIER (no smp_mb() before the
 * userfaultfd check) are the mutants the check must find lose an event;
 * -DREACH_COLLAPSE and -DREACH_EVENT assert that the collapse and the
 * answered event never happen, which the check must refute (the model is
 * not vacuous); -DTRUNCATE adds the truncator.
 */

mtype = { EMPTY, PAGE, RETRY, HPAGE, DATA };

mtype slot[2];
bool pend;		/* the collapser's store buffer: one store to slot 0 */
mtype pend_val;

bool xa_locked;
bool page_locked;	/* slot 1's page, or the huge page until committed */
bool missing;		/* VM_UFFD_MISSING on the registrant's mapping */
bool truncated;		/* i_size is 0 */

bool hole_at_register;	/* ghost: slot 0 was a hole when it registered */
bool event;		/* the missing-page event was raised */
bool copied;		/* UFFDIO_COPY put the registrant's data in slot 0 */
bool collapsed;		/* ghost: the huge page was stored */

inline drain() {
	if
	:: pend -> slot[0] = pend_val; pend = false
	:: else -> skip
	fi
}

/* a store of the collapser to slot 0, through its buffer */
inline buffered_store0(v) {
	atomic { drain(); pend = true; pend_val = v }
}

/* slot 0 as the collapser sees it: its own buffered store first */
inline collapser_load0(v) {
	v = (pend -> pend_val : slot[0])
}

/* a locked instruction drains the buffer */
inline xa_lock() {
	atomic { !xa_locked -> drain(); xa_locked = true }
}

/* the unlock is a store: it becomes visible after the buffered ones */
inline xa_unlock() {
	atomic { drain(); xa_locked = false }
}

proctype store_buffer() {
	do
	:: atomic { pend -> slot[0] = pend_val; pend = false }
	:: _nr_pr == 2 && !pend -> break
	od
}

proctype collapser() {
	mtype v;
	bool holes = false, sealed = false, ok = true;

	/* 0. the early refusal */
	if
	:: missing -> goto done
	:: else -> skip
	fi;

	/* 2. the scan, under the xarray lock */
	xa_lock();
	ok = slot[1] != EMPTY;
	holes = slot[0] == EMPTY;
	xa_unlock();
	if
	:: !ok -> goto done
	:: else -> skip
	fi;
	atomic { !page_locked -> page_locked = true };
	if
	:: slot[1] == EMPTY -> page_locked = false; goto done	/* truncated */
	:: else -> skip
	fi;

	/* 4. the sealed section */
	xa_lock();
	collapser_load0(v);
#ifndef NO_SEAL
	if
	:: v == EMPTY -> buffered_store0(RETRY); sealed = true
	:: else -> skip
	fi;
#else
	sealed = v == EMPTY;
#endif
	ok = sealed == holes;
#ifndef NO_BARRIER
	atomic { drain() };	/* smp_mb() */
#endif
	if
	:: ok && missing -> ok = false
	:: else -> skip
	fi;
	if
	:: ok -> atomic { drain(); slot[0] = HPAGE; slot[1] = HPAGE; collapsed = true }
	:: else ->
		collapser_load0(v);
		if
		:: v == RETRY -> buffered_store0(EMPTY)
		:: else -> skip
		fi
	fi;
	xa_unlock();
	page_locked = false;
done:
	skip
}

proctype registrant() {
	mtype v;

	atomic { missing = true; hole_at_register = slot[0] == EMPTY };
	atomic { slot[0] != RETRY -> v = slot[0] };
	if
	:: v == EMPTY ->
		event = true;
		xa_lock();
		if
		:: slot[0] == EMPTY && !truncated -> slot[0] = DATA; copied = true
		:: else -> skip
		fi;
		xa_unlock()
	:: else -> skip
	fi;
	assert(!hole_at_register || event)
}

proctype reader() {
	mtype v;
	bool hole_seen;

	atomic { slot[0] != RETRY -> v = slot[0]; hole_seen = v == EMPTY && missing };
	atomic { slot[0] != RETRY -> v = slot[0]; assert(!(hole_seen && v == HPAGE)) }
}

proctype truncator() {
	truncated = true;
	atomic { !page_locked -> page_locked = true };
	xa_lock();
	atomic { slot[0] != RETRY -> slot[0] = EMPTY; slot[1] = EMPTY };
	xa_unlock();
	page_locked = false
}

init {
	slot[0] = EMPTY;
	slot[1] = PAGE;
	atomic {
		run store_buffer();
		run collapser();
		run registrant();
		run reader();
#ifdef TRUNCATE
		run truncator();
#endif
	}
	_nr_pr == 1;
	assert(!pend);
	/* the registrant's event was answered, and its data stays */
	assert(!event || copied || truncated);
	assert(!copied || truncated || slot[0] == DATA);
	/* nothing past EOF */
	assert(!truncated || (slot[0] == EMPTY && slot[1] == EMPTY));
	/* that the paths are reachable: these must fail */
#ifdef REACH_COLLAPSE
	assert(!collapsed);
#endif
#ifdef REACH_EVENT
	assert(!copied);
#endif
	skip
}
