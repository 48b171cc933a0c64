/* SPDX-License-Identifier: GPL-2.0 */
/* cgu_proc.h - /proc/self/smaps and /proc/meminfo. */
#ifndef CGU_PROC_H
#define CGU_PROC_H

#include "cgu_base.h"

/* Value in kB of field (e.g. "ShmemPmdMapped") for the VMA containing addr;
 * -1 if the VMA or field is not found. */
long cgu_smaps_kb(const void *addr, const char *field);
/* Value in kB of a /proc/meminfo field, -1 if absent. */
long cgu_meminfo_kb(const char *field);

#endif /* CGU_PROC_H */
