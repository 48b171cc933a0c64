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
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/userfaultfd_k.h>
#include "cg_ksyms.h"
#include "cg_selftest.h"
#include "collapse_phases.h"
#include "uffd_missing.h"

/* Context: i_mmap_rwsem of @mapping held (no VMA joins or leaves it). */
static bool cg_vmas_uffd_missing(struct address_space *mapping, pgoff_t first,
				 pgoff_t last)
{
	struct vm_area_struct *vma;

	lockdep_assert_held(&mapping->i_mmap_rwsem);
	/* the broken guard the tests hold their negative controls to */
	if (cg_selftest("no_uffd_check"))
		return false;
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

/*
 * The process an mm belongs to: its owner (the memory cgroup's pointer,
 * which Debian's kernels have), else none is named.
 */
static void cg_victim_of_mm(struct mm_struct *mm, struct cg_uffd_victim *v)
{
#ifdef CONFIG_MEMCG
	struct task_struct *owner;

	rcu_read_lock();
	owner = rcu_dereference(mm->owner);
	if (owner) {
		v->pid = task_tgid_nr(owner);
		__get_task_comm(v->comm, sizeof(v->comm), owner);
	}
	rcu_read_unlock();
#endif
}

/**
 * cg_uffd_missing_victim() - who loses the events of a collapsed range
 * @mapping: the file's page cache
 * @start:   the first index of the range
 * @end:     one past its last index
 * @v:       filled with the process owning the first VMA that maps the range
 *           with a MISSING-mode userfaultfd (pid 0 and "?" if none)
 *
 * The exposure detector names it in the uffd_exposed event: the collapsing
 * task (khugepaged, or a process that called MADV_COLLAPSE on its own
 * mapping) is rarely the one whose events are lost.
 * Context: process context, no locks of the mapping held; may sleep.
 */
void cg_uffd_missing_victim(struct address_space *mapping, pgoff_t start,
			    pgoff_t end, struct cg_uffd_victim *v)
{
	struct vm_area_struct *vma;

	v->pid = 0;
	strscpy(v->comm, "?", sizeof(v->comm));
	i_mmap_lock_read(mapping);
	cg_for_each_vma_mapping(vma, mapping, start, end - 1) {
		if (userfaultfd_missing(vma)) {
			cg_victim_of_mm(vma->vm_mm, v);
			break;
		}
	}
	i_mmap_unlock_read(mapping);
}
