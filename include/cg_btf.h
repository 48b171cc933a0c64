/* SPDX-License-Identifier: GPL-2.0 */
/* The check at load against the running kernel's BTF (module/btf.c). */
#ifndef _CG_BTF_H
#define _CG_BTF_H

/*
 * 0 when the running kernel's BTF has exactly the prototypes, enum values
 * and struct layouts the module was written against.
 */
int cg_btf_check(void);

#endif /* _CG_BTF_H */
