/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The phases of the guarded collapse_file() (module/collapse*.c,
 * module/retract.c) and the state they share; private to them.
 */
#ifndef _CG_COLLAPSE_PHASES_H
#define _CG_COLLAPSE_PHASES_H

#include <linux/build_bug.h>
#include <linux/fs.h>
#include <linux/list.h>
#include <linux/mm_types.h>
#include <linux/xarray.h>
#include "cg_khugepaged.h"
#include "cg_selftest.h"

/**
 * struct cg_collapse - one collapse of [start, end) of a shmem file
 * @mm:       the mm collapse_file() was called for
 * @addr:     the address of the range in @mm
 * @mapping:  the shmem file's page cache
 * @cc:       the caller's collapse_control
 * @start:    first page-cache index of the range (PMD aligned)
 * @end:      one past the last index
 * @xas:      cursor over the range (of order HPAGE_PMD_ORDER for the
 *            slot reservation and the final store, single slots otherwise)
 * @hpage:    the new huge page, locked, with index and mapping set
 * @pagelist: present pages, locked and isolated, in index order
 * @nr_present: present pages isolated (on @pagelist)
 * @nr_none:  holes seen while scanning
 * @nr_sealed: retry entries currently in the page cache
 * @sealed:   the sealed section ran (a refusal is then "sealed", not "early")
 * @committed: the huge page is in the page cache (whatever the result)
 * @irqsoff_ns: how long the sealed section ran with irqs off
 */
struct cg_collapse {
	struct mm_struct *mm;
	unsigned long addr;
	struct address_space *mapping;
	struct collapse_control *cc;
	pgoff_t start;
	pgoff_t end;
	struct xa_state *xas;
	struct page *hpage;
	struct list_head pagelist;
	int nr_present;
	int nr_none;
	int nr_sealed;
	bool sealed;
	bool committed;
	u64 irqsoff_ns;
};

/*
 * The guard's own reasons for refusing, which 6.1 has no code for (CG_REASON
 * in include/cg_names.h: their names, and their counters guard_veto_<name>).
 * As results they follow 6.1's codes and never leave the module:
 * cg_result_for_caller() maps them to the 6.1 codes whose MADV_COLLAPSE
 * errno is current upstream's for the same reason.
 */
enum cg_reason {
#define CG_REASON(id, name, help) CG_REASON_##id,
#include "cg_names.h"
#undef CG_REASON
	CG_REASON_COUNT
};

/* CG_SCAN_<ID> is CG_SCAN_NR_RESULTS + CG_REASON_<ID>: the same list. */
enum cg_guard_result {
	CG_SCAN_GUARD_BEFORE_FIRST = CG_SCAN_NR_RESULTS - 1,
#define CG_REASON(id, name, help) CG_SCAN_##id,
#include "cg_names.h"
#undef CG_REASON
	CG_SCAN_GUARD_END
};
static_assert(CG_SCAN_GUARD_END - CG_SCAN_NR_RESULTS == CG_REASON_COUNT);

/*
 * Positions @xas on the single slot @index, whatever the order of its last
 * store, and clears any error it holds.
 */
static inline void cg_xas_seek(struct xa_state *xas, pgoff_t index)
{
	xas_set_order(xas, index, 0);
}

/*
 * After the xarray lock was dropped and taken again, @xas must walk from the
 * root to @index: the node it pointed into may have been freed meanwhile
 * (e8c716bc6812).  The test build's selftest=stale_xas keeps the stale
 * cursor instead, to show what the re-walk prevents.
 */
static inline void cg_xas_rewalk(struct xa_state *xas, pgoff_t index)
{
	if (!cg_selftest("stale_xas"))
		cg_xas_seek(xas, index);
}

/* module/collapse_isolate.c */
int cg_reserve_slots(struct cg_collapse *c);
int cg_isolate_range(struct cg_collapse *c);

/* module/collapse_uffd.c: the authority, inside the sealed section */
bool cg_uffd_missing_mapped(struct cg_collapse *c);

/* module/collapse_seal.c */
int cg_seal_and_store(struct cg_collapse *c);

/* module/retract.c */
int cg_retract_page_tables(struct cg_collapse *c);

/* The name of a result, 6.1's or the guard's own (statistics, events). */
const char *cg_result_name(int result);

#endif /* _CG_COLLAPSE_PHASES_H */
