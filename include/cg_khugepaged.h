/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Types private to mm/khugepaged.c in Linux 6.1, mirrored once, here.
 *
 * collapse_file() and the helpers the module calls take and return these, so
 * the module must agree with the kernel on them exactly.  They come from
 * v6.1.192 (Debian 6.1.0-56).  module/layout.c checks them against the
 * running kernel at load time and refuses a kernel that differs:
 *  - enum scan_result against the value/description table the kernel itself
 *    prints for the mm_khugepaged_scan_file tracepoint;
 *  - struct collapse_control against the size of khugepaged_collapse_control.
 */
#ifndef _CG_KHUGEPAGED_H
#define _CG_KHUGEPAGED_H

#include <linux/types.h>
#include <linux/nodemask.h>

/* mm/khugepaged.c: enum scan_result (v6.1.192: 30 values) */
enum scan_result {
	SCAN_FAIL,
	SCAN_SUCCEED,
	SCAN_PMD_NULL,
	SCAN_PMD_NONE,
	SCAN_PMD_MAPPED,
	SCAN_EXCEED_NONE_PTE,
	SCAN_EXCEED_SWAP_PTE,
	SCAN_EXCEED_SHARED_PTE,
	SCAN_PTE_NON_PRESENT,
	SCAN_PTE_UFFD_WP,
	SCAN_PTE_MAPPED_HUGEPAGE,
	SCAN_PAGE_RO,
	SCAN_LACK_REFERENCED_PAGE,
	SCAN_PAGE_NULL,
	SCAN_SCAN_ABORT,
	SCAN_PAGE_COUNT,
	SCAN_PAGE_LRU,
	SCAN_PAGE_LOCK,
	SCAN_PAGE_ANON,
	SCAN_PAGE_COMPOUND,
	SCAN_ANY_PROCESS,
	SCAN_VMA_NULL,
	SCAN_VMA_CHECK,
	SCAN_ADDRESS_RANGE,
	SCAN_DEL_PAGE_LRU,
	SCAN_ALLOC_HUGE_PAGE_FAIL,
	SCAN_CGROUP_CHARGE_FAIL,
	SCAN_TRUNCATED,
	SCAN_PAGE_HAS_PRIVATE,
	SCAN_STORE_FAILED,
	CG_SCAN_NR_RESULTS
};

/* mm/khugepaged.c: struct collapse_control */
struct collapse_control {
	bool is_khugepaged;

	/* Num pages scanned per node */
	u32 node_load[MAX_NUMNODES];

	/* nodemask for allocation fallback */
	nodemask_t alloc_nmask;
};

/**
 * struct cg_scan_result_name - how one scan result is named
 * @stat:  the module's name for it, in the debugfs statistics
 * @trace: the kernel's own name for it, in include/trace/events/huge_memory.h
 */
struct cg_scan_result_name {
	const char *stat;
	const char *trace;
};

extern const struct cg_scan_result_name cg_scan_result_names[CG_SCAN_NR_RESULTS];

#endif /* _CG_KHUGEPAGED_H */
