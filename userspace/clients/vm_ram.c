// SPDX-License-Identifier: GPL-2.0
/* vm_ram.c - the contents a migrated VM's RAM must hold (see vm_ram.h). */
#include "vm_ram.h"

#include "cgu.h"

#include <stdbool.h>
#include <string.h>
#include <unistd.h>

void vm_ram_fill_pattern(int fd, size_t len, uint64_t seed)
{
	unsigned char page[CG_PAGE_SIZE];
	size_t i;

	for (i = 0; i < len / CG_PAGE_SIZE; i++) {
		cgu_pattern_fill_page(page, seed, i);
		if (pwrite(fd, page, sizeof(page), i * CG_PAGE_SIZE) != sizeof(page))
			cgu_setup_fail_errno("writing the source VM's RAM");
	}
}

static void vm_ram_read(int fd, void *buf, size_t len, size_t off)
{
	if (pread(fd, buf, len, off) != (ssize_t)len)
		cgu_setup_fail_errno("reading the VM's RAM");
}

static bool vm_ram_page_is_zero(const unsigned char *page)
{
	return page[0] == 0 && !memcmp(page, page + 1, CG_PAGE_SIZE - 1);
}

static void vm_ram_wrong(struct vm_ram_check *c, size_t page, bool zero)
{
	if (!c->wrong)
		c->first_wrong = page;
	c->wrong++;
	c->zero += zero;
}

void vm_ram_check_pattern(int fd, size_t len, uint64_t seed,
			  struct vm_ram_check *c)
{
	unsigned char page[CG_PAGE_SIZE];
	struct cgu_mismatch mm;
	size_t i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < len / CG_PAGE_SIZE; i++) {
		vm_ram_read(fd, page, sizeof(page), i * CG_PAGE_SIZE);
		c->pages++;
		if (!cgu_check_page(page, CG_EXPECT_PATTERN, seed, i, &mm))
			vm_ram_wrong(c, i, vm_ram_page_is_zero(page));
	}
}

/*
 * The last page holds v (the pass has not reached it, or it just has and
 * every page holds v); pages before it hold v+1 up to where the pass is,
 * then v. Any other value, or a v+1 after a v, is a page the VM did not
 * write: lost in the migration.
 */
void vm_ram_check_running(int fd, size_t len, struct vm_ram_check *c)
{
	size_t first = VM_RAM_LOOP_START / CG_PAGE_SIZE;
	size_t last = len / CG_PAGE_SIZE - 1, i;
	unsigned char v, b, page[CG_PAGE_SIZE];
	bool behind = false;

	memset(c, 0, sizeof(*c));
	vm_ram_read(fd, &v, 1, last * CG_PAGE_SIZE);
	for (i = first; i <= last; i++) {
		vm_ram_read(fd, page, sizeof(page), i * CG_PAGE_SIZE);
		b = page[0];
		c->pages++;
		if (b == v) {
			behind = true;
			continue;
		}
		if (b == (unsigned char)(v + 1) && !behind)
			continue;
		vm_ram_wrong(c, i, vm_ram_page_is_zero(page));
	}
}

uint32_t vm_ram_passes(int fd)
{
	uint32_t passes;

	vm_ram_read(fd, &passes, sizeof(passes), VM_RAM_PASSES);
	return passes;
}
