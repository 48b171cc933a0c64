/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vm_ram.h - what a migrated VM's RAM must hold, written and checked
 * through a descriptor of the RAM with pwrite and pread (a pread of a hole
 * reads zeros and leaves it a hole).
 *
 * A paused VM's RAM holds the verifiable page pattern (cgu_pattern) from
 * the first page to the last. A running VM runs vmbios.S: from 1 MiB up,
 * the first byte of every page is v+1 below the page its current pass has
 * reached and v above it (mod 256); the pass counter is at VM_RAM_PASSES.
 */
#ifndef CG_VM_RAM_H
#define CG_VM_RAM_H

#include <stddef.h>
#include <stdint.h>

#define VM_RAM_PASSES	0x7000		/* vmbios.S's CG_VM_PASSES */
#define VM_RAM_LOOP_START	0x100000	/* where its passes start */

struct vm_ram_check {
	size_t pages;		/* pages checked */
	size_t wrong;		/* pages that do not hold what they must */
	size_t zero;		/* ... of them, pages that read as zeros */
	size_t first_wrong;	/* the first wrong page's index */
};

void vm_ram_fill_pattern(int fd, size_t len, uint64_t seed);
void vm_ram_check_pattern(int fd, size_t len, uint64_t seed,
			  struct vm_ram_check *c);
void vm_ram_check_running(int fd, size_t len, struct vm_ram_check *c);
uint32_t vm_ram_passes(int fd);

#endif /* CG_VM_RAM_H */
