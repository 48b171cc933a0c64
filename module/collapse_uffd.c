// SPDX-License-Identifier: GPL-2.0
/*
 * Which mappings of the range promise missing-page events: a VMA with a
 * MISSING-mode userfaultfd (6.4, ac492b9c70ca).  WP and MINOR registrations
 * promise nothing about holes and do not count.
 *
 * A registration matters only to a range with holes: a full range loses no
 * event, and upstream collapses it under any registration.  The check is
 * made twice.  Before anything is allocated, isolated or unmapped, so that a
 * range with holes that a MISSING registration already covers costs one walk
 * of i_mmap and one lock-free look at the page cache, not a collapse
 * (upstream pays the whole collapse, and khugepaged pays it again at every
 * pass).  Then, as the authority, inside the sealed section
 * (collapse_seal.c), only when the scan found holes, for registrations and
 * holes that race with the collapse.
 */
#include <linux/fs.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/userfaultfd_k.h>
#include "cg_ksyms.h"
#include "collapse_phases.h"
#include "uffd_missing.h"

/* Context: i_mmap_rwsem of @mapping held (no VMA joins or leaves it). */
static bool cg_vmas_uffd_missing(struct address_space *mapping, pgoff_t first,
				 pgoff_t last)
{
	struct vm_area_struct *vma;

	lockdep_assert_held(&mapping->i_mmap_rwsem);
	cg_for_each_vma_mapping(vma, mapping, first, last) {
		if (userfaultfd_missing(vma))
			return true;
	}
	return false;
}

/**
 * cg_uffd_missing_mapped() - a VMA mapping the range is userfaultfd_missing()
 * @c: the collapse
 *
 * Context: i_mmap_rwsem of the mapping held (no VMA joins or leaves it).
 * Return: true if some VMA mapping a page of the range has VM_UFFD_MISSING.
 */
bool cg_uffd_missing_mapped(struct cg_collapse *c)
{
	return cg_vmas_uffd_missing(c->mapping, c->start, c->end - 1);
}

/**
 * cg_uffd_missing_mapped_unlocked() - the check outside the sealed section
 * @mapping: the file's page cache
 * @start:   the first index of the range
 * @end:     one past its last index
 *
 * Used before any work (the early refusal) and by the exposure detector.
 * Context: process context, no locks of the mapping held; may sleep.
 * Return: as cg_uffd_missing_mapped(), at the time of the walk.
 */
bool cg_uffd_missing_mapped_unlocked(struct address_space *mapping,
				     pgoff_t start, pgoff_t end)
{
	bool found;

	i_mmap_lock_read(mapping);
	found = cg_vmas_uffd_missing(mapping, start, end - 1);
	i_mmap_unlock_read(mapping);
	return found;
}
