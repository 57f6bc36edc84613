/*
 * Sandbox kernel entry, 32-bit protected mode with paging off. Two ways
 * in, same path: GRUB (multiboot2, native baseline) or the monitor (EAX =
 * BOOTINFO_MAGIC, EBX = bootinfo). Builds a temporary identity map of the
 * first 4 GiB (2 MiB pages), enters long mode and calls
 * kmain(magic, info); paging.c replaces the map with the kernel's own.
 */
#include "lib/boot.inc"

	MULTIBOOT2_HEADER

	.section .text.boot, "ax"
	.code32
	.global _start
_start:
	cli
	mov %eax, boot_magic
	mov %ebx, boot_info
	IDENTITY_MAP_4G boot_pml4, boot_pdpt, boot_pd
	LONG_MODE_ON $boot_pml4
	lgdt gdt_ptr
	ljmp $0x08, $long_entry

	.code64
long_entry:
	FLAT_DATA_SEGMENTS
	mov $stack_top, %rsp
	mov boot_magic, %edi
	mov boot_info, %esi
	call kmain
3:	cli
	hlt
	jmp 3b

	.section .rodata
	.align 16
gdt:
	.quad 0
	.quad 0x00AF9A000000FFFF        /* 0x08: 64-bit code */
	.quad 0x00CF92000000FFFF        /* 0x10: data */
gdt_end:
gdt_ptr:
	.short gdt_end - gdt - 1
	.quad gdt

	.data
boot_magic: .long 0
boot_info:  .long 0

	.bss
	.align 4096
boot_pml4: .skip 4096
boot_pdpt: .skip 4096
boot_pd:   .skip 4 * 4096
	.align 16
	.skip 32768
stack_top:
