/* SPDX-License-Identifier: GPL-2.0 */
/* khugepaged's two collapse paths, as the module hooks and counts them. */
#ifndef _CG_PATH_H
#define _CG_PATH_H

enum cg_path {
	CG_PATH_FILE,	/* collapse_file(): shmem */
	CG_PATH_ANON,	/* collapse_huge_page(): anonymous memory */
	CG_PATH_COUNT
};

#endif /* _CG_PATH_H */
