/*
 * Monitor entry: GRUB 2 enters _start in 32-bit protected mode (multiboot2,
 * EAX = magic, EBX = info). Identity-map the first 4 GiB with 2 MiB pages,
 * switch to long mode and call monitor_main(magic, info).
 */
#include "lib/boot.inc"

	MULTIBOOT2_HEADER

	.section .text.boot, "ax"
	.code32
	.global _start
_start:
	cli
	mov %eax, mb_magic
	mov %ebx, mb_info
	IDENTITY_MAP_4G boot_pml4, boot_pdpt, boot_pd
	LONG_MODE_ON $boot_pml4
	lgdt gdt64_ptr
	ljmp $0x08, $long_entry

	.code64
long_entry:
	FLAT_DATA_SEGMENTS
	mov $bsp_stack_top, %rsp
	mov mb_magic, %edi
	mov mb_info, %esi
	call monitor_main
4:	cli
	hlt
	jmp 4b

	.section .rodata
	.align 16
	.global gdt64
gdt64:
	.quad 0
	.quad 0x00AF9A000000FFFF        /* 0x08: 64-bit code */
	.quad 0x00CF92000000FFFF        /* 0x10: data */
	.quad 0x00CF9A000000FFFF        /* 0x18: 32-bit code (AP trampoline) */
gdt64_end:
	.global gdt64_ptr
gdt64_ptr:
	.short gdt64_end - gdt64 - 1
	.quad gdt64

	.data
mb_magic: .long 0
mb_info:  .long 0

	.bss
	.align 4096
	.global boot_pml4
boot_pml4: .skip 4096
boot_pdpt: .skip 4096
boot_pd:   .skip 4 * 4096
	.align 16
	.skip 16384
bsp_stack_top:
