// SPDX-License-Identifier: GPL-2.0
/*
 * The selftest= parameter of test builds (CG_SELFTEST=1, never shipped):
 *   prototype       collapse_file's expected prototype differs from BTF's
 *   missing_btf     the kernel seems to have no BTF
 *   no_anon_symbol  collapse_huge_page seems inlined (not in kallsyms)
 * and, so that a test shows it fails without one, the guard without a fix
 * it carries or a porting trap it avoids (docs/upstream.md):
 *   early_any_registration  refuse early on a MISSING registration alone,
 *                   holes or not (before the full-range parity of
 *                   ac492b9c70ca)
 *   stats_6_1       6.1's page-cache statistics at commit (without
 *                   4188b2592ff6)
 *   isolate_lru_bool  folio_isolate_lru()'s result read as 6.3's bool (the
 *                   porting trap; the page is put back, nothing leaks)
 *   no_uffd_check   no MISSING-mode userfaultfd is ever seen: the broken
 *                   guard that tests/clients must catch losing data
 *   stale_xas       the isolation's xarray cursor is not walked again
 *                   from the root after the lock was dropped (without
 *                   e8c716bc6812)
 *   xas_set_index   the isolation's cursor is set back to the page just
 *                   isolated after each relock, so the next xas_next()
 *                   returns it again (without c8a8f3b4a95a)
 */
#include <linux/moduleparam.h>
#include <linux/string.h>
#include "cg_selftest.h"

static char *cg_selftest_fault = "";
module_param_named(selftest, cg_selftest_fault, charp, 0444);
MODULE_PARM_DESC(selftest, "test build only: prototype, missing_btf, no_anon_symbol, early_any_registration, stats_6_1, isolate_lru_bool, no_uffd_check, stale_xas or xas_set_index");

bool cg_selftest(const char *fault)
{
	return !strcmp(cg_selftest_fault, fault);
}
