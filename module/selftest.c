// SPDX-License-Identifier: GPL-2.0
/*
 * The selftest= parameter of test builds (CG_SELFTEST=1, never shipped):
 *   prototype       collapse_file's expected prototype differs from BTF's
 *   missing_btf     the kernel seems to have no BTF
 *   no_anon_symbol  collapse_huge_page seems inlined (not in kallsyms)
 */
#include <linux/moduleparam.h>
#include <linux/string.h>
#include "cg_selftest.h"

static char *cg_selftest_fault = "";
module_param_named(selftest, cg_selftest_fault, charp, 0444);
MODULE_PARM_DESC(selftest, "test build only: prototype, missing_btf or no_anon_symbol");

bool cg_selftest(const char *fault)
{
	return !strcmp(cg_selftest_fault, fault);
}
