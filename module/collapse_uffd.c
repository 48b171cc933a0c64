// SPDX-License-Identifier: GPL-2.0
/*
 * Which mappings of the range promise missing-page events: a VMA with a
 * MISSING-mode userfaultfd (6.4, ac492b9c70ca).  WP and MINOR registrations
 * promise nothing about holes and do not count.
 *
 * The check is made twice.  Before anything is allocated, isolated or
 * unmapped, so that a range a MISSING registration already covers costs one
 * walk of i_mmap, not a collapse (upstream pays the whole collapse, and
 * khugepaged pays it again at every pass).  Then, as the authority, inside
 * the sealed section (collapse_seal.c), for registrations that race with the
 * collapse.
 */
#include <linux/fs.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/userfaultfd_k.h>
#include "cg_collapse.h"
#include "cg_ksyms.h"

/**
 * cg_uffd_missing_mapped() - a VMA mapping the range is userfaultfd_missing()
 * @c: the collapse
 *
 * Context: i_mmap_rwsem of the mapping held (no VMA joins or leaves it).
 * Return: true if some VMA mapping a page of the range has VM_UFFD_MISSING.
 */
bool cg_uffd_missing_mapped(struct cg_collapse *c)
{
	struct vm_area_struct *vma;

	lockdep_assert_held(&c->mapping->i_mmap_rwsem);
	cg_for_each_vma_mapping(vma, c->mapping, c->start, c->end - 1) {
		if (userfaultfd_missing(vma))
			return true;
	}
	return false;
}

/**
 * cg_uffd_missing_mapped_unlocked() - the early check, before any work
 * @c: the collapse
 *
 * Context: process context, no locks of the mapping held; may sleep.
 * Return: as cg_uffd_missing_mapped(), at the time of the walk.
 */
bool cg_uffd_missing_mapped_unlocked(struct cg_collapse *c)
{
	bool found;

	i_mmap_lock_read(c->mapping);
	found = cg_uffd_missing_mapped(c);
	i_mmap_unlock_read(c->mapping);
	return found;
}
