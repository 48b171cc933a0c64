// SPDX-License-Identifier: GPL-2.0
/*
 * The names of 6.1's enum scan_result (mirrored in cg_khugepaged.h): the
 * module's own, in the statistics and trace events, and the kernel's, in
 * include/trace/events/huge_memory.h, which the load checks against the
 * running kernel (layout.c; btf.c checks the enum itself).
 */
#include "cg_khugepaged.h"

const struct cg_scan_result_name cg_scan_result_names[CG_SCAN_NR_RESULTS] = {
	[SCAN_FAIL]			= { "fail", "failed" },
	[SCAN_SUCCEED]			= { "succeed", "succeeded" },
	[SCAN_PMD_NULL]			= { "pmd_null", "pmd_null" },
	[SCAN_PMD_NONE]			= { "pmd_none", "pmd_none" },
	[SCAN_PMD_MAPPED]		= { "pmd_mapped", "page_pmd_mapped" },
	[SCAN_EXCEED_NONE_PTE]		= { "exceed_none_pte", "exceed_none_pte" },
	[SCAN_EXCEED_SWAP_PTE]		= { "exceed_swap_pte", "exceed_swap_pte" },
	[SCAN_EXCEED_SHARED_PTE]	= { "exceed_shared_pte", "exceed_shared_pte" },
	[SCAN_PTE_NON_PRESENT]		= { "pte_non_present", "pte_non_present" },
	[SCAN_PTE_UFFD_WP]		= { "pte_uffd_wp", "pte_uffd_wp" },
	[SCAN_PTE_MAPPED_HUGEPAGE]	= { "pte_mapped_hugepage", "pte_mapped_hugepage" },
	[SCAN_PAGE_RO]			= { "page_ro", "no_writable_page" },
	[SCAN_LACK_REFERENCED_PAGE]	= { "lack_referenced_page", "lack_referenced_page" },
	[SCAN_PAGE_NULL]		= { "page_null", "page_null" },
	[SCAN_SCAN_ABORT]		= { "scan_abort", "scan_aborted" },
	[SCAN_PAGE_COUNT]		= { "page_count", "not_suitable_page_count" },
	[SCAN_PAGE_LRU]			= { "page_lru", "page_not_in_lru" },
	[SCAN_PAGE_LOCK]		= { "page_lock", "page_locked" },
	[SCAN_PAGE_ANON]		= { "page_anon", "page_not_anon" },
	[SCAN_PAGE_COMPOUND]		= { "page_compound", "page_compound" },
	[SCAN_ANY_PROCESS]		= { "any_process", "no_process_for_page" },
	[SCAN_VMA_NULL]			= { "vma_null", "vma_null" },
	[SCAN_VMA_CHECK]		= { "vma_check", "vma_check_failed" },
	[SCAN_ADDRESS_RANGE]		= { "address_range", "not_suitable_address_range" },
	[SCAN_DEL_PAGE_LRU]		= { "del_page_lru", "could_not_delete_page_from_lru" },
	[SCAN_ALLOC_HUGE_PAGE_FAIL]	= { "alloc_huge_page_fail", "alloc_huge_page_failed" },
	[SCAN_CGROUP_CHARGE_FAIL]	= { "cgroup_charge_fail", "ccgroup_charge_failed" },
	[SCAN_TRUNCATED]		= { "truncated", "truncated" },
	[SCAN_PAGE_HAS_PRIVATE]		= { "page_has_private", "page_has_private" },
	[SCAN_STORE_FAILED]		= { "store_failed", "store_failed" },
};
