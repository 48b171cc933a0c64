/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fault injection into the guarded collapse_file(), for tests: off by
 * default, armed through debugfs "inject" (see module/inject.c).
 */
#ifndef _CG_INJECT_H
#define _CG_INJECT_H

#include <linux/seq_file.h>
#include <linux/types.h>

/* The injection points (cg_names.h). */
enum cg_inject_point {
#define CG_INJECT(id, name, help) CG_INJECT_##id,
#include "cg_names.h"
#undef CG_INJECT
	CG_INJECT_COUNT
};

/*
 * Whether the point fires now: for the one-shot points, consumes one of the
 * armed shots.  Cheap when nothing is armed.
 */
bool cg_inject_fire(enum cg_inject_point point);

/* ISOLATE_FAIL: fires once @isolated pages reach the armed number. */
bool cg_inject_isolate_fail(int isolated);

/* SEAL_DELAY: sleeps as armed (interruptibly by a fatal signal). */
void cg_inject_seal_delay(void);

/* debugfs: "name value fired=N" per point; "name value" or "off" to write. */
void cg_inject_show(struct seq_file *seq);
int cg_inject_parse_and_arm(char *buf);

#endif /* _CG_INJECT_H */
