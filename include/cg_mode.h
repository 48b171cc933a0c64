/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module's mode: what runs when khugepaged or MADV_COLLAPSE calls
 * collapse_file().  Switching is allowed at any time; each call reads the
 * mode once, at entry.
 */
#ifndef _CG_MODE_H
#define _CG_MODE_H

#include <linux/types.h>

enum cg_mode {
	CG_MODE_OFF,		/* the stock 6.1 code runs; nothing is counted */
	/* the stock code runs, counted, timed, watched for lost events */
	CG_MODE_OBSERVE,
	CG_MODE_GUARD,		/* the module's userfaultfd-safe collapse_file runs */
	CG_MODE_COUNT
};

enum cg_mode cg_mode_get(void);
const char *cg_mode_name(enum cg_mode mode);
void cg_mode_set(enum cg_mode mode);

/* Parses a mode name (one trailing newline allowed): the mode, or -EINVAL. */
int cg_mode_parse(const char *buf);

/* "off observe [guard]" into @buf (with a newline); returns the length. */
int cg_mode_format(char *buf, size_t size);

#endif /* _CG_MODE_H */
