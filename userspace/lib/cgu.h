/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cgu.h - the test workloads' libraries (userspace/lib), all of them.
 * Functions are cgu_*: no userspace name is one the module also uses.
 */
#ifndef CGU_H
#define CGU_H

#include "cgu_msg.h"
#include "cgu_time.h"
#include "cgu_mem.h"
#include "cgu_pattern.h"
#include "cgu_fill.h"
#include "cgu_proc.h"
#include "cgu_bench.h"
#include "cgu_filestate.h"
#include "cgu_twin.h"
#include "cgu_uffd.h"
#include "cgu_stats.h"
#include "cgu_sigbus.h"
#include "cgu_race.h"

#endif /* CGU_H */
