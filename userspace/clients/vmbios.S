/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmbios.S - the firmware of the running VM that tests/clients migrates:
 * a 64 KiB image QEMU maps at the top of the 4 GiB space and at 0xf0000
 * (-bios). It needs no BIOS services: from the reset vector it turns on
 * A20, enters 32-bit protected mode with flat segments, reads the RAM size
 * from the CMOS (as a BIOS would) and then, forever:
 *   - increments the first byte of every 4 KiB page from 1 MiB to the top
 *     of RAM, in address order (a pass);
 *   - adds 1 to the 32-bit pass counter at CG_VM_PASSES (0x7000);
 *   - writes 'B' to the first serial port.
 * So at any moment every page from 1 MiB holds the value v or v+1 (mod
 * 256) in its first byte, v+1 below the pass's current page and v above:
 * a page read back as anything else was lost (qemu_postcopy --running
 * checks this). QEMU's own migration test checks its guests' memory the
 * same way; this image is our own.
 */
#define CG_VM_PASSES	0x7000
#define CG_ROM_BASE	0xffff0000
#define CODE_SEG	0x08
#define DATA_SEG	0x10

	.code16
	.text
	.globl	_start
_start:
	cli
	/* A20 through the fast gate (port 0x92, bit 1) */
	inb	$0x92, %al
	orb	$0x02, %al
	andb	$0xfe, %al
	outb	%al, $0x92
	/* CS's base is 0xffff0000 after reset: reach the GDT through it */
	lgdtl	%cs:gdt_desc
	movl	%cr0, %eax
	orl	$1, %eax
	movl	%eax, %cr0
	ljmpl	$CODE_SEG, $(CG_ROM_BASE + protected)

	.code32
protected:
	movw	$DATA_SEG, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	/* CMOS 0x34/0x35: RAM above 16 MiB in 64 KiB units */
	movb	$0x35, %al
	outb	%al, $0x70
	inb	$0x71, %al
	movb	%al, %bh
	movb	$0x34, %al
	outb	%al, $0x70
	inb	$0x71, %al
	movb	%al, %bl
	movzwl	%bx, %ebx
	shll	$16, %ebx
	addl	$0x1000000, %ebx	/* %ebx: the top of RAM */
	movl	$0, CG_VM_PASSES
	movw	$0x3f8, %dx
pass:
	movl	$0x100000, %esi
page:
	incb	(%esi)
	addl	$0x1000, %esi
	cmpl	%ebx, %esi
	jb	page
	incl	CG_VM_PASSES
	movb	$'B', %al
	outb	%al, %dx
	jmp	pass

	.balign	8
gdt:
	.quad	0
	.quad	0x00cf9a000000ffff	/* code: base 0, limit 4 GiB, 32-bit */
	.quad	0x00cf92000000ffff	/* data: base 0, limit 4 GiB */
gdt_desc:
	.word	gdt_desc - gdt - 1
	.long	CG_ROM_BASE + gdt

	/* the reset vector: CS:IP = 0xf000:0xfff0, the image's last 16 bytes */
	.org	0xfff0
	.code16
	jmp	_start
	.org	0x10000
