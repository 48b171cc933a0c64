/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel symbols the module uses that 6.1 does not export.
 *
 * All of them are resolved once, at load, from one table (module/symbols.c);
 * a missing one fails the load.  The pointers are read-only after init.
 * Where the kernel declares the function in a header, the pointer's type is
 * taken from that declaration, so a prototype that differs fails the build.
 * The functions that are static in mm/khugepaged.c are declared here, as 6.1
 * defines them.  A static keeps the standard calling convention unless GCC
 * clones it (.isra/.constprop/.part), and module/symbols.c refuses a kernel
 * with a clone of any name in the table.  Every function's prototype is
 * checked at load against the running kernel's BTF (module/btf.c).
 *
 * 6.1 is not built with -flive-patching=inline-clone, so -fipa-ra lets the
 * caller of a static function keep values in registers its callee is known
 * not to clobber.  Replacing collapse_file() is safe from that: it calls
 * external functions, so its callers must assume every caller-saved register
 * clobbered (and the one call site, in hpage_collapse_scan_file(), reuses
 * only %eax and callee-saved registers on 6.1.0-56).
 */
#ifndef _CG_KSYMS_H
#define _CG_KSYMS_H

#include <linux/mm.h>
#include <linux/rmap.h>
#include <linux/shmem_fs.h>
#include <linux/swap.h>
#include <linux/memcontrol.h>
#include <linux/kallsyms.h>
#include <linux/btf.h>
#include "cg_khugepaged.h"

struct trace_event_call;

struct cg_ksyms {
	/* mm/khugepaged.c: hooked */
	void *collapse_file;
	void *collapse_huge_page;

	/* mm/khugepaged.c: static helpers (see the 6.1 source for each) */
	int (*alloc_charge_hpage)(struct page **hpage, struct mm_struct *mm,
				  struct collapse_control *cc);
	int (*find_pmd_or_thp_or_none)(struct mm_struct *mm,
				       unsigned long address, pmd_t **pmd);
	void (*collapse_and_free_pmd)(struct mm_struct *mm,
				      struct vm_area_struct *vma,
				      unsigned long addr, pmd_t *pmdp);
	int (*set_huge_pmd)(struct vm_area_struct *vma, unsigned long addr,
			    pmd_t *pmdp, struct page *hpage);
	bool (*khugepaged_add_pte_mapped_thp)(struct mm_struct *mm,
					      unsigned long addr);

	/* mm/khugepaged.c: data, for the layout checks */
	struct collapse_control *khugepaged_collapse_control;
	struct trace_event_call *event_mm_khugepaged_scan_file;

	/* mm/shmem.c */
	typeof(&shmem_charge) shmem_charge;
	typeof(&shmem_uncharge) shmem_uncharge;
	typeof(&shmem_get_folio) shmem_get_folio;

	/* mm/vmscan.c, mm/folio-compat.c, mm/swap.c (the first two: mm/internal.h) */
	int (*folio_isolate_lru)(struct folio *folio);
	void (*putback_lru_page)(struct page *page);
	typeof(&lru_add_drain) lru_add_drain;

	/* mm/rmap.c (try_to_unmap_flush: mm/internal.h) */
	typeof(&try_to_unmap) try_to_unmap;
	void (*try_to_unmap_flush)(void);

	/* mm/interval_tree.c */
	typeof(&vma_interval_tree_iter_first) vma_interval_tree_iter_first;
	typeof(&vma_interval_tree_iter_next) vma_interval_tree_iter_next;

	/* mm/memcontrol.c */
	typeof(&__mem_cgroup_uncharge) mem_cgroup_uncharge;

	/* kernel/trace/ftrace.c: the kernel.ftrace_enabled sysctl, read only */
	int *ftrace_enabled;
	int (*ftrace_is_dead)(void);

	/* kernel/kallsyms.c */
	typeof(&kallsyms_lookup_size_offset) kallsyms_lookup_size_offset;

	/*
	 * kernel/bpf/btf.c: the kernel's own BTF, for module/btf.c.  Spelt
	 * out (the headers declare them only with CONFIG_BPF_SYSCALL); a
	 * kernel without them has no BTF, which module/btf.c reports.
	 */
	struct btf *(*bpf_get_btf_vmlinux)(void);
	s32 (*btf_find_by_name_kind)(const struct btf *btf, const char *name, u8 kind);
	const char *(*btf_name_by_offset)(const struct btf *btf, u32 offset);
	const struct btf_type *(*btf_type_by_id)(const struct btf *btf, u32 type_id);
};

extern struct cg_ksyms cg_ksyms;

/**
 * struct cg_ksym_entry - one kernel symbol the module resolves
 * @name:     its name in kallsyms
 * @slot:     where its address goes, in cg_ksyms
 * @proto:    a function's prototype as BTF spells it (module/btf.c); NULL
 *            for data
 * @optional: the module can do without it: if missing, @missing says what
 *            is lost (NULL: the user of the symbol says it)
 * @missing:  see @optional
 */
struct cg_ksym_entry {
	const char *name;
	void **slot;
	const char *proto;
	bool optional;
	const char *missing;
};

extern const struct cg_ksym_entry cg_ksym_table[];
extern const unsigned int cg_ksym_count;

int cg_ksyms_resolve(void);

/*
 * Every VMA that maps some page of [first, last] in @mapping; the caller holds
 * i_mmap_rwsem.  vma_interval_tree_foreach() with the resolved helpers.
 */
#define cg_for_each_vma_mapping(vma, mapping, first, last)			\
	for (vma = cg_ksyms.vma_interval_tree_iter_first(&(mapping)->i_mmap,	\
							 first, last);		\
	     vma;								\
	     vma = cg_ksyms.vma_interval_tree_iter_next(vma, first, last))

#endif /* _CG_KSYMS_H */
