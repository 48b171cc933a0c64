/* SPDX-License-Identifier: GPL-2.0 */
/* The check at load of the mirrored khugepaged types (module/layout.c). */
#ifndef _CG_LAYOUT_H
#define _CG_LAYOUT_H

/* 0 when the running kernel's khugepaged types are the mirrored ones. */
int cg_layout_check(void);

#endif /* _CG_LAYOUT_H */
