// SPDX-License-Identifier: GPL-2.0
/*
 * Step 5 of the guarded collapse_file(): retract the page tables that map
 * the collapsed range, so it can be faulted in again as one PMD.
 *
 * This is 6.1's retract_page_tables() (v6.1.192), which the compiler inlined
 * into collapse_file() and so cannot be called: the same walk and the same
 * results, built on the helpers that are real symbols.  For every VMA that
 * maps the range PMD-aligned and has no anon_vma: take its mmap lock with a
 * trylock (the page lock is held, and faults take the two the other way
 * round), free the empty page table, and for MADV_COLLAPSE's own mapping map
 * the huge page by PMD.  Mappings that cannot be locked now are left to
 * khugepaged.  The result is the one for the caller's (mm, addr).
 */
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/userfaultfd_k.h>
#include "cg_ksyms.h"
#include "collapse_phases.h"

/* Under the mm's mmap lock for write: drop the table, map the huge page. */
static int cg_retract_locked(struct cg_collapse *c, struct vm_area_struct *vma,
			     unsigned long addr, pmd_t *pmd, bool is_target)
{
	struct mm_struct *mm = vma->vm_mm;

	/* mmap_assert_write_locked() needs dump_mm(), not exported on 6.1 */
	lockdep_assert_held_write(&mm->mmap_lock);
	/* anon_vma may have appeared under the mmap lock for read */
	if (vma->anon_vma)
		return SCAN_PAGE_ANON;
	/* hpage_collapse_test_exit(), inlined on 6.1 */
	if (atomic_read(&mm->mm_users) == 0)
		return SCAN_ANY_PROCESS;
	/* uffd-wp keeps PTE markers in the table: keep it */
	if (userfaultfd_wp(vma))
		return SCAN_PTE_UFFD_WP;

	cg_ksyms.collapse_and_free_pmd(mm, vma, addr, pmd);
	if (!c->cc->is_khugepaged && is_target)
		return cg_ksyms.set_huge_pmd(vma, addr, pmd, c->hpage);
	return SCAN_SUCCEED;
}

/* One VMA mapping the range: *@is_target tells whether it is the caller's. */
static int cg_retract_vma(struct cg_collapse *c, struct vm_area_struct *vma,
			  bool *is_target)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long addr;
	pmd_t *pmd;
	int result;

	lockdep_assert_held_write(&c->mapping->i_mmap_rwsem);
	*is_target = false;
	/* MAP_PRIVATE and written to: likely split again, not worth it */
	if (READ_ONCE(vma->anon_vma))
		return SCAN_PAGE_ANON;

	addr = vma->vm_start + ((c->start - vma->vm_pgoff) << PAGE_SHIFT);
	if (addr & ~HPAGE_PMD_MASK || vma->vm_end < addr + HPAGE_PMD_SIZE)
		return SCAN_VMA_CHECK;

	*is_target = mm == c->mm && addr == c->addr;
	result = cg_ksyms.find_pmd_or_thp_or_none(mm, addr, &pmd);
	if (result != SCAN_SUCCEED)
		return result;

	/* MADV_COLLAPSE does not retract other processes' tables */
	if ((c->cc->is_khugepaged || *is_target) && mmap_write_trylock(mm)) {
		result = cg_retract_locked(c, vma, addr, pmd, *is_target);
		mmap_write_unlock(mm);
		return result;
	}
	if (!*is_target)
		cg_ksyms.khugepaged_add_pte_mapped_thp(mm, addr);
	return SCAN_PTE_MAPPED_HUGEPAGE;
}

/**
 * cg_retract_page_tables() - step 5: let every mapping fault the huge page
 * @c: the committed collapse, its huge page still locked
 *
 * Context: process context; the huge page locked, no other locks held;
 * takes i_mmap_rwsem for write and, with trylocks, mmap locks.
 * Return: the scan result for the caller's own (mm, addr): SCAN_SUCCEED if
 * it is now mapped by PMD, SCAN_PTE_MAPPED_HUGEPAGE if left for later, or
 * why it could not be retracted.
 */
int cg_retract_page_tables(struct cg_collapse *c)
{
	int target_result = SCAN_FAIL;
	struct vm_area_struct *vma;

	i_mmap_lock_write(c->mapping);
	cg_for_each_vma_mapping(vma, c->mapping, c->start, c->start) {
		bool is_target;
		int result = cg_retract_vma(c, vma, &is_target);

		if (is_target)
			target_result = result;
	}
	i_mmap_unlock_write(c->mapping);
	return target_result;
}
