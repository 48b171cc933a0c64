// SPDX-License-Identifier: GPL-2.0
/*
 * Resolution of the kernel symbols 6.1 does not export, from one table.
 *
 * kallsyms_lookup_name() is not exported on 6.1 either: its address comes
 * from a kprobe registered on it (kprobes resolve names through kallsyms),
 * which is removed at once.  Every entry of the table must name exactly one
 * symbol of the kernel image: a missing name, a static name defined in two
 * files (the lookup would return either), or a compiler clone of the
 * function, fails the load naming it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/kallsyms.h>
#include "cg_ksyms.h"
#include "cg_selftest.h"

struct cg_ksyms cg_ksyms __ro_after_init;

#define CG_KSYM(member, symbol, prototype) \
	{ symbol, (void **)&cg_ksyms.member, prototype, false, NULL }
/* An observation target: missing or inlined, it is skipped, not refused. */
#define CG_KSYM_OPTIONAL(member, symbol, prototype) \
	{ symbol, (void **)&cg_ksyms.member, prototype, true, \
	  "inlined? its statistics are unavailable" }
/* Missing, the kernel has no BTF: module/btf.c says what that means. */
#define CG_KSYM_BTF(member, symbol, prototype) \
	{ symbol, (void **)&cg_ksyms.member, prototype, true, NULL }
#define CG_KSYM_DATA(member, symbol) \
	{ symbol, (void **)&cg_ksyms.member, NULL, false, NULL }

/*
 * Every prototype as the kernel's BTF spells it (module/btf.c): typedefs of
 * integers and pointers resolved (pgoff_t is "long unsigned int", bool is
 * "_Bool"), typedefs of structs kept (pmd_t).  From v6.1.192's sources.
 */
const struct cg_ksym_entry cg_ksym_table[] = {
	CG_KSYM(collapse_file, "collapse_file",
		"int (struct mm_struct *, long unsigned int, struct file *, long unsigned int, struct collapse_control *)"),
	CG_KSYM_OPTIONAL(collapse_huge_page, "collapse_huge_page",
			 "int (struct mm_struct *, long unsigned int, int, int, struct collapse_control *)"),
	CG_KSYM(alloc_charge_hpage, "alloc_charge_hpage",
		"int (struct page **, struct mm_struct *, struct collapse_control *)"),
	CG_KSYM(find_pmd_or_thp_or_none, "find_pmd_or_thp_or_none",
		"int (struct mm_struct *, long unsigned int, pmd_t **)"),
	CG_KSYM(collapse_and_free_pmd, "collapse_and_free_pmd",
		"void (struct mm_struct *, struct vm_area_struct *, long unsigned int, pmd_t *)"),
	CG_KSYM(set_huge_pmd, "set_huge_pmd",
		"int (struct vm_area_struct *, long unsigned int, pmd_t *, struct page *)"),
	CG_KSYM(khugepaged_add_pte_mapped_thp, "khugepaged_add_pte_mapped_thp",
		"_Bool (struct mm_struct *, long unsigned int)"),
	CG_KSYM_DATA(khugepaged_collapse_control, "khugepaged_collapse_control"),
	CG_KSYM_DATA(event_mm_khugepaged_scan_file, "event_mm_khugepaged_scan_file"),
	CG_KSYM(shmem_charge, "shmem_charge", "_Bool (struct inode *, long int)"),
	CG_KSYM(shmem_uncharge, "shmem_uncharge", "void (struct inode *, long int)"),
	CG_KSYM(shmem_get_folio, "shmem_get_folio",
		"int (struct inode *, long unsigned int, struct folio **, enum sgp_type)"),
	CG_KSYM(folio_isolate_lru, "folio_isolate_lru", "int (struct folio *)"),
	CG_KSYM(putback_lru_page, "putback_lru_page", "void (struct page *)"),
	CG_KSYM(lru_add_drain, "lru_add_drain", "void ()"),
	CG_KSYM(try_to_unmap, "try_to_unmap", "void (struct folio *, enum ttu_flags)"),
	CG_KSYM(try_to_unmap_flush, "try_to_unmap_flush", "void ()"),
	CG_KSYM(vma_interval_tree_iter_first, "vma_interval_tree_iter_first",
		"struct vm_area_struct * (struct rb_root_cached *, long unsigned int, long unsigned int)"),
	CG_KSYM(vma_interval_tree_iter_next, "vma_interval_tree_iter_next",
		"struct vm_area_struct * (struct vm_area_struct *, long unsigned int, long unsigned int)"),
	CG_KSYM(mem_cgroup_uncharge, "__mem_cgroup_uncharge", "void (struct folio *)"),
	CG_KSYM_DATA(ftrace_enabled, "ftrace_enabled"),
	CG_KSYM(ftrace_is_dead, "ftrace_is_dead", "int ()"),
	CG_KSYM(kallsyms_lookup_size_offset, "kallsyms_lookup_size_offset",
		"int (long unsigned int, long unsigned int *, long unsigned int *)"),
	CG_KSYM_BTF(bpf_get_btf_vmlinux, "bpf_get_btf_vmlinux", "struct btf * ()"),
	CG_KSYM_BTF(btf_find_by_name_kind, "btf_find_by_name_kind",
		    "int (const struct btf *, const char *, unsigned char)"),
	CG_KSYM_BTF(btf_name_by_offset, "btf_name_by_offset",
		    "const char * (const struct btf *, unsigned int)"),
	CG_KSYM_BTF(btf_type_by_id, "btf_type_by_id",
		    "const struct btf_type * (const struct btf *, unsigned int)"),
};
const unsigned int cg_ksym_count = ARRAY_SIZE(cg_ksym_table);

static typeof(&kallsyms_lookup_name) cg_find_kallsyms_lookup_name(void)
{
	struct kprobe kp = { .symbol_name = "kallsyms_lookup_name" };
	typeof(&kallsyms_lookup_name) lookup;

	if (register_kprobe(&kp))
		return NULL;
	lookup = (typeof(lookup))kp.addr;
	unregister_kprobe(&kp);
	return lookup;
}

/*
 * A GCC clone of a function ("name.constprop.0", ".isra.0", ".part.0") has
 * its own calling convention and may be what the callers call: redirecting
 * or calling the plain symbol would then be wrong.  ".cold" is the unlikely
 * half of the same function, not a clone.
 */
static bool cg_is_clone_of(const char *sym, const char *name)
{
	size_t len = strlen(name);

	return !strncmp(sym, name, len) && sym[len] == '.' &&
	       strcmp(sym + len, ".cold");
}

/* Counts, per table entry, the kernel image's symbols of that name or clones. */
static int cg_count_symbol(void *data, const char *name, struct module *mod,
			   unsigned long addr)
{
	unsigned int *count = data;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cg_ksym_table); i++)
		if (!strcmp(name, cg_ksym_table[i].name) ||
		    cg_is_clone_of(name, cg_ksym_table[i].name))
			count[i]++;
	return 0;
}

static int cg_check_unique(typeof(&kallsyms_lookup_name) lookup)
{
	unsigned int count[ARRAY_SIZE(cg_ksym_table)] = { };
	typeof(&kallsyms_on_each_symbol) each_symbol;
	unsigned int i;

	each_symbol = (typeof(each_symbol))lookup("kallsyms_on_each_symbol");
	if (!each_symbol) {
		pr_err("kernel symbol kallsyms_on_each_symbol not found: unsupported kernel\n");
		return -ENOENT;
	}
	each_symbol(cg_count_symbol, count);

	for (i = 0; i < ARRAY_SIZE(cg_ksym_table); i++) {
		if (cg_ksym_table[i].optional && !*cg_ksym_table[i].slot)
			continue;
		if (count[i] != 1) {
			pr_err("kernel symbol %s is defined or cloned %u times: unsupported kernel\n",
			       cg_ksym_table[i].name, count[i]);
			return -ENOENT;
		}
	}
	return 0;
}

int cg_ksyms_resolve(void)
{
	typeof(&kallsyms_lookup_name) lookup = cg_find_kallsyms_lookup_name();
	unsigned int i;

	if (!lookup) {
		pr_err("cannot find kallsyms_lookup_name (kprobes unavailable?)\n");
		return -ENOENT;
	}

	for (i = 0; i < ARRAY_SIZE(cg_ksym_table); i++) {
		const struct cg_ksym_entry *e = &cg_ksym_table[i];
		unsigned long addr = lookup(e->name);

		if (cg_selftest("no_anon_symbol") && !strcmp(e->name, "collapse_huge_page"))
			addr = 0;
		if (!addr && e->optional) {
			if (e->missing)
				pr_info("kernel symbol %s not found (%s)\n", e->name,
					e->missing);
			continue;
		}
		if (!addr) {
			pr_err("kernel symbol %s not found: unsupported kernel\n",
			       e->name);
			return -ENOENT;
		}
		*e->slot = (void *)addr;
	}
	return cg_check_unique(lookup);
}
