// SPDX-License-Identifier: GPL-2.0
/*
 * Checks, at load, that the types mirrored in cg_khugepaged.h are the
 * running kernel's, from what a kernel shows without BTF.  A kernel whose
 * layout differs is refused, not corrupted.
 *
 * Which check is the authority: btf.c, which compares the types themselves
 * (every enumerator, every member's offset).  This file is the second,
 * independent look that also covers what BTF does not say, and the only
 * one when the load is told to go on without BTF (ignore_missing_btf=1):
 * the kernel's own names of the results (scan_results.c names them the
 * same way) and the one instance of collapse_control the kernel has.
 *
 * enum scan_result: the kernel prints the result of mm_khugepaged_scan_file
 * with __print_symbolic(), and at boot the tracing core rewrites the enum
 * names in that format into their values (trace_event_eval_update()).  The
 * format thus holds the kernel's own { value, "name" } table, which must
 * match ours entry for entry.
 *
 * struct collapse_control: the module reads only is_khugepaged, at offset
 * 0, and passes the rest through to the kernel's own helpers.  The kernel's
 * one static instance, khugepaged_collapse_control, must have is_khugepaged
 * set, and kallsyms must give it at least our size (kallsyms counts up to
 * the next symbol, so only a smaller struct is caught).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ctype.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/trace_events.h>
#include "cg_ksyms.h"
#include "cg_layout.h"

/*
 * Parses "{ value, "name" }" at @s (just past the brace): the end of it, with
 * @value and @name (of @len bytes) set, or NULL.  The tracing core writes the
 * values in decimal.
 */
static const char *cg_parse_symbolic(const char *s, long *value,
				     const char **name, size_t *len)
{
	const char *q;

	s = skip_spaces(s);
	if (!isdigit(*s))
		return NULL;
	for (*value = 0; isdigit(*s); s++)
		*value = *value * 10 + (*s - '0');
	s = skip_spaces(s);
	if (*s++ != ',')
		return NULL;
	s = skip_spaces(s);
	if (*s++ != '"')
		return NULL;
	q = strchr(s, '"');
	if (!q)
		return NULL;
	*name = s;
	*len = q - s;
	return q + 1;
}

/* The next "{ value, "name" }" of a __print_symbolic() table after *@p. */
static bool cg_next_symbolic(const char **p, long *value, const char **name,
			     size_t *len)
{
	const char *s;

	for (s = strchr(*p, '{'); s; s = strchr(s + 1, '{')) {
		const char *end = cg_parse_symbolic(s + 1, value, name, len);

		if (end) {
			*p = end;
			return true;
		}
	}
	return false;
}

static int cg_check_scan_result(void)
{
	const struct trace_event_call *call = cg_ksyms.event_mm_khugepaged_scan_file;
	const char *p = call->print_fmt;
	unsigned long seen = 0;
	const char *name;
	size_t len;
	long value;

	if (!p || !strstr(p, "__print_symbolic")) {
		pr_err("mm_khugepaged_scan_file has no result table: unsupported kernel\n");
		return -EINVAL;
	}
	p = strstr(p, "__print_symbolic");
	while (cg_next_symbolic(&p, &value, &name, &len)) {
		if (value < 0 || value >= CG_SCAN_NR_RESULTS ||
		    strlen(cg_scan_result_names[value].trace) != len ||
		    strncmp(cg_scan_result_names[value].trace, name, len)) {
			pr_err("scan result %ld (%.*s) is not 6.1's: unsupported kernel\n",
			       value, (int)len, name);
			return -EINVAL;
		}
		seen |= BIT(value);
	}
	if (seen != GENMASK(CG_SCAN_NR_RESULTS - 1, 0)) {
		pr_err("the kernel's scan results are not 6.1's (%#lx): unsupported kernel\n",
		       seen);
		return -EINVAL;
	}
	return 0;
}

static int cg_check_collapse_control(void)
{
	const struct collapse_control *kcc = cg_ksyms.khugepaged_collapse_control;
	unsigned long size, offset;

	if (!cg_ksyms.kallsyms_lookup_size_offset((unsigned long)kcc, &size,
						  &offset) ||
	    offset || size < sizeof(*kcc) || !READ_ONCE(kcc->is_khugepaged)) {
		pr_err("struct collapse_control is not 6.1's (%lu bytes, expected %zu): unsupported kernel\n",
		       size, sizeof(*kcc));
		return -EINVAL;
	}
	return 0;
}

int cg_layout_check(void)
{
	int ret = cg_check_scan_result();

	return ret ? ret : cg_check_collapse_control();
}
