/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fault switches for the tests, compiled in only by "make selftest-module"
 * (CG_SELFTEST=1): the selftest= parameter names one kernel difference to
 * fake, so that a test can watch the module refuse it, or one fix of the
 * guard to leave out, so that a test can watch itself fail without it
 * (module/selftest.c lists them).  A normal build has no parameter and every
 * cg_selftest() is false.
 */
#ifndef _CG_SELFTEST_H
#define _CG_SELFTEST_H

#include <linux/types.h>

#ifdef CG_SELFTEST
bool cg_selftest(const char *fault);
#else
static inline bool cg_selftest(const char *fault)
{
	return false;
}
#endif

#endif /* _CG_SELFTEST_H */
