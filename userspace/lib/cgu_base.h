/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cgu_base.h - what every collapse_guard userspace library and program shares.
 *
 * Exit codes used by every program:
 *   0 (CG_EXIT_OK)     what the program asserts held
 *   1 (CG_EXIT_FAIL)   an assertion failed
 *   2 (CG_EXIT_SETUP)  usage error or a setup step failed (nothing asserted)
 */
#ifndef CGU_BASE_H
#define CGU_BASE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define CG_EXIT_OK	0
#define CG_EXIT_FAIL	1
#define CG_EXIT_SETUP	2

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE	25
#endif
#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT	21
#endif

#define CG_PAGE_SIZE	4096UL
/* Pages of one PMD-sized range the programs handle (x86-64: 2 MiB). */
#define CG_MAX_RANGE_PAGES	512

#define cgu_noreturn __attribute__((noreturn))
#define cgu_printf(a, b) __attribute__((format(printf, a, b)))

#endif /* CGU_BASE_H */
