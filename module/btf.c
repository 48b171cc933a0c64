// SPDX-License-Identifier: GPL-2.0
/*
 * Exact verification, at load, against the running kernel's BTF
 * (CONFIG_DEBUG_INFO_BTF, /sys/kernel/btf/vmlinux on every Debian 6.1):
 *  - the prototype of every function in the symbol table (module/symbols.c),
 *    the static khugepaged helpers the module calls and collapse_file()
 *    itself, which it replaces;
 *  - enum scan_result, enumerator by enumerator (name and value);
 *  - struct collapse_control: its size and the offset of every member.
 * Prototypes are compared as text in one canonical spelling: integer and
 * pointer typedefs resolved, struct typedefs (pmd_t) kept, "T *" for
 * pointers.  The first difference refuses the load with one line naming the
 * symbol, what the kernel has and what the module expects.
 *
 * A kernel without BTF is refused too, unless the ignore_missing_btf=1
 * parameter says to load unchecked, which the log then says.
 *
 * This is the authority on the mirrored types; layout.c looks again from
 * the trace format and kallsyms (and alone, without BTF).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/btf.h>
#include <linux/ctype.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "cg_btf.h"
#include "cg_khugepaged.h"
#include "cg_ksyms.h"
#include "cg_selftest.h"

static bool cg_ignore_missing_btf;
module_param_named(ignore_missing_btf, cg_ignore_missing_btf, bool, 0444);
MODULE_PARM_DESC(ignore_missing_btf,
		 "load on a kernel without BTF, unverified (default: refuse)");

/* Longest prototype we spell; a longer one is a mismatch by itself. */
#define CG_BTF_TEXT_MAX		256
/* Type chains deeper than this are not the module's (and not cyclic). */
#define CG_BTF_DEPTH_MAX	8

struct cg_btf_text {
	char buf[CG_BTF_TEXT_MAX];
	size_t len;
};

static void cg_text_add(struct cg_btf_text *t, const char *s)
{
	t->len += strscpy(t->buf + t->len, s, sizeof(t->buf) - t->len) < 0 ?
		  0 : strlen(s);
}

static const char *cg_btf_name(const struct btf *btf, const struct btf_type *t)
{
	const char *name = cg_ksyms.btf_name_by_offset(btf, t->name_off);

	return name && *name ? name : "(anon)";
}

static bool cg_btf_is_modifier(const struct btf_type *t)
{
	switch (btf_kind(t)) {
	case BTF_KIND_CONST:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		return true;
	default:
		return false;
	}
}

/* Skips typedefs and modifiers: the type a typedef finally names. */
static const struct btf_type *cg_btf_resolve(const struct btf *btf, u32 id)
{
	const struct btf_type *t = cg_ksyms.btf_type_by_id(btf, id);
	int depth;

	for (depth = 0; t && depth < CG_BTF_DEPTH_MAX; depth++) {
		if (!btf_type_is_typedef(t) && !cg_btf_is_modifier(t))
			return t;
		t = cg_ksyms.btf_type_by_id(btf, t->type);
	}
	return NULL;
}

/* A typedef of an integer, enum or pointer is spelt as what it names. */
static bool cg_btf_typedef_transparent(const struct btf *btf,
				       const struct btf_type *t)
{
	const struct btf_type *target = cg_btf_resolve(btf, t->type);

	return target && (btf_type_is_int(target) || btf_is_any_enum(target) ||
			  btf_type_is_ptr(target));
}

static void cg_btf_spell(const struct btf *btf, u32 id, struct cg_btf_text *t,
			 int depth)
{
	const struct btf_type *type = cg_ksyms.btf_type_by_id(btf, id);

	if (!id) {
		cg_text_add(t, "void");
		return;
	}
	if (!type || depth > CG_BTF_DEPTH_MAX) {
		cg_text_add(t, "?");
		return;
	}
	switch (btf_kind(type)) {
	case BTF_KIND_INT:
		cg_text_add(t, cg_btf_name(btf, type));
		break;
	case BTF_KIND_PTR:
		cg_btf_spell(btf, type->type, t, depth + 1);
		cg_text_add(t, t->len && t->buf[t->len - 1] == '*' ? "*" : " *");
		break;
	case BTF_KIND_TYPEDEF:
		if (cg_btf_typedef_transparent(btf, type))
			cg_btf_spell(btf, type->type, t, depth + 1);
		else
			cg_text_add(t, cg_btf_name(btf, type));
		break;
	case BTF_KIND_CONST:
		cg_text_add(t, "const ");
		cg_btf_spell(btf, type->type, t, depth + 1);
		break;
	case BTF_KIND_VOLATILE:
		cg_text_add(t, "volatile ");
		cg_btf_spell(btf, type->type, t, depth + 1);
		break;
	case BTF_KIND_STRUCT:
	case BTF_KIND_FWD:
		cg_text_add(t, "struct ");
		cg_text_add(t, cg_btf_name(btf, type));
		break;
	case BTF_KIND_UNION:
		cg_text_add(t, "union ");
		cg_text_add(t, cg_btf_name(btf, type));
		break;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		cg_text_add(t, "enum ");
		cg_text_add(t, cg_btf_name(btf, type));
		break;
	default:
		cg_text_add(t, "?");
		break;
	}
}

/* "ret (arg, arg)" for the function @name, or -ENOENT. */
static int cg_btf_spell_func(const struct btf *btf, const char *name,
			     struct cg_btf_text *t)
{
	const struct btf_type *func, *proto;
	const struct btf_param *args;
	s32 id;
	u16 i;

	id = cg_ksyms.btf_find_by_name_kind(btf, name, BTF_KIND_FUNC);
	if (id < 0)
		return -ENOENT;
	func = cg_ksyms.btf_type_by_id(btf, id);
	proto = func ? cg_ksyms.btf_type_by_id(btf, func->type) : NULL;
	if (!proto || !btf_type_is_func_proto(proto))
		return -ENOENT;

	t->len = 0;
	t->buf[0] = '\0';
	cg_btf_spell(btf, proto->type, t, 0);
	cg_text_add(t, " (");
	args = btf_params(proto);
	for (i = 0; i < btf_type_vlen(proto); i++) {
		if (i)
			cg_text_add(t, ", ");
		cg_btf_spell(btf, args[i].type, t, 0);
	}
	cg_text_add(t, ")");
	return 0;
}

static const char *cg_expected_proto(const struct cg_ksym_entry *e)
{
	/* the test build's "mismatch": what a changed prototype looks like */
	if (cg_selftest("prototype") && !strcmp(e->name, "collapse_file"))
		return "int (struct mm_struct *, long unsigned int, struct file *, long unsigned int)";
	return e->proto;
}

static int cg_btf_check_functions(const struct btf *btf)
{
	struct cg_btf_text *t = kmalloc(sizeof(*t), GFP_KERNEL);
	int ret = 0;
	unsigned int i;

	if (!t)
		return -ENOMEM;
	for (i = 0; i < cg_ksym_count && !ret; i++) {
		const struct cg_ksym_entry *e = &cg_ksym_table[i];
		const char *want = cg_expected_proto(e);

		if (!want || !*e->slot)
			continue;	/* data, or an observation target not there */
		if (cg_btf_spell_func(btf, e->name, t)) {
			pr_err("kernel function %s has no BTF prototype: cannot verify it, unsupported kernel\n",
			       e->name);
			ret = -EINVAL;
		} else if (strcmp(t->buf, want)) {
			pr_err("kernel function %s is \"%s\", expected \"%s\": unsupported kernel\n",
			       e->name, t->buf, want);
			ret = -EINVAL;
		}
	}
	kfree(t);
	return ret;
}

/* "SCAN_" and the statistic's name in capitals: the enumerator's name. */
static bool cg_is_scan_result_name(const char *btf_name, int value)
{
	const char *stat = cg_scan_result_names[value].stat;
	size_t i;

	if (strncmp(btf_name, "SCAN_", 5))
		return false;
	btf_name += 5;
	for (i = 0; stat[i]; i++)
		if (btf_name[i] != toupper(stat[i]))
			return false;
	return btf_name[i] == '\0';
}

static int cg_btf_check_scan_result(const struct btf *btf)
{
	const struct btf_type *t;
	const struct btf_enum *e;
	s32 id;
	u16 i;

	id = cg_ksyms.btf_find_by_name_kind(btf, "scan_result", BTF_KIND_ENUM);
	t = id < 0 ? NULL : cg_ksyms.btf_type_by_id(btf, id);
	if (!t) {
		pr_err("enum scan_result has no BTF type: unsupported kernel\n");
		return -EINVAL;
	}
	if (btf_type_vlen(t) != CG_SCAN_NR_RESULTS) {
		pr_err("enum scan_result has %u values, expected %d: unsupported kernel\n",
		       btf_type_vlen(t), CG_SCAN_NR_RESULTS);
		return -EINVAL;
	}
	e = btf_enum(t);
	for (i = 0; i < btf_type_vlen(t); i++) {
		const char *name = cg_ksyms.btf_name_by_offset(btf, e[i].name_off);

		if (e[i].val != i || !name || !cg_is_scan_result_name(name, i)) {
			pr_err("enum scan_result value %u is %s = %d, expected SCAN_%s = %u: unsupported kernel\n",
			       i, name ?: "?", e[i].val, cg_scan_result_names[i].stat, i);
			return -EINVAL;
		}
	}
	return 0;
}

struct cg_btf_member {
	const char *name;
	size_t offset;
};

static const struct cg_btf_member cg_collapse_control_members[] = {
	{ "is_khugepaged", offsetof(struct collapse_control, is_khugepaged) },
	{ "node_load", offsetof(struct collapse_control, node_load) },
	{ "alloc_nmask", offsetof(struct collapse_control, alloc_nmask) },
};

static int cg_btf_check_collapse_control(const struct btf *btf)
{
	const struct btf_member *m;
	const struct btf_type *t;
	s32 id;
	u16 i;

	id = cg_ksyms.btf_find_by_name_kind(btf, "collapse_control", BTF_KIND_STRUCT);
	t = id < 0 ? NULL : cg_ksyms.btf_type_by_id(btf, id);
	if (!t) {
		pr_err("struct collapse_control has no BTF type: unsupported kernel\n");
		return -EINVAL;
	}
	if (t->size != sizeof(struct collapse_control) ||
	    btf_type_vlen(t) != ARRAY_SIZE(cg_collapse_control_members)) {
		pr_err("struct collapse_control is %u bytes with %u members, expected %zu and %zu: unsupported kernel\n",
		       t->size, btf_type_vlen(t), sizeof(struct collapse_control),
		       ARRAY_SIZE(cg_collapse_control_members));
		return -EINVAL;
	}
	m = btf_members(t);
	for (i = 0; i < btf_type_vlen(t); i++) {
		const struct cg_btf_member *want = &cg_collapse_control_members[i];
		const char *name = cg_ksyms.btf_name_by_offset(btf, m[i].name_off);
		u32 bits = __btf_member_bit_offset(t, &m[i]);

		if (!name || strcmp(name, want->name) || bits != want->offset * 8) {
			pr_err("struct collapse_control member %u is %s at bit %u, expected %s at byte %zu: unsupported kernel\n",
			       i, name ?: "?", bits, want->name, want->offset);
			return -EINVAL;
		}
	}
	return 0;
}

/* The kernel's BTF, or NULL if it has none (or not the helpers to read it). */
static struct btf *cg_btf_vmlinux(void)
{
	struct btf *btf;

	if (cg_selftest("missing_btf") || !cg_ksyms.bpf_get_btf_vmlinux ||
	    !cg_ksyms.btf_find_by_name_kind || !cg_ksyms.btf_name_by_offset ||
	    !cg_ksyms.btf_type_by_id)
		return NULL;
	btf = cg_ksyms.bpf_get_btf_vmlinux();
	return IS_ERR(btf) ? NULL : btf;
}

int cg_btf_check(void)
{
	struct btf *btf = cg_btf_vmlinux();
	int ret;

	if (!btf && cg_ignore_missing_btf) {
		pr_warn("the kernel has no BTF: prototypes and layouts unverified, loading anyway (ignore_missing_btf=1)\n");
		return 0;
	}
	if (!btf) {
		pr_err("the kernel has no BTF (CONFIG_DEBUG_INFO_BTF) to verify prototypes and layouts against: refusing (ignore_missing_btf=1 loads unverified)\n");
		return -ENOENT;
	}
	ret = cg_btf_check_functions(btf);
	if (!ret)
		ret = cg_btf_check_scan_result(btf);
	if (!ret)
		ret = cg_btf_check_collapse_control(btf);
	return ret;
}
