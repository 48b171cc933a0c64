/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _CG_BTF_H
#define _CG_BTF_H

/*
 * 0 when the running kernel's BTF has exactly the prototypes, enum values
 * and struct layouts the module was written against (module/btf.c).
 */
int cg_btf_check(void);

#endif /* _CG_BTF_H */
