/*
 * Sandbox kernel entry, 32-bit protected mode with paging off. Two ways
 * in, same path: GRUB (multiboot2, native baseline) or the monitor (EAX =
 * BOOTINFO_MAGIC, EBX = bootinfo). Builds a temporary identity map of the
 * first 4 GiB (2 MiB pages), enters long mode and calls
 * kmain(magic, info); paging.c replaces the map with the kernel's own.
 */
#define MB2_MAGIC 0xE85250D6

	.section .multiboot2, "a"
	.align 8
mb2_header:
	.long MB2_MAGIC, 0, mb2_header_end - mb2_header
	.long -(MB2_MAGIC + (mb2_header_end - mb2_header))
	.short 0, 0
	.long 8
mb2_header_end:

	.section .text.boot, "ax"
	.code32
	.global _start
_start:
	cli
	mov %eax, boot_magic
	mov %ebx, boot_info

	mov $boot_pdpt, %eax
	or $3, %eax
	mov %eax, boot_pml4
	mov $boot_pd, %eax
	or $3, %eax
	xor %ecx, %ecx
1:	mov %eax, boot_pdpt(,%ecx,8)
	add $4096, %eax
	inc %ecx
	cmp $4, %ecx
	jne 1b
	xor %ecx, %ecx
2:	mov %ecx, %eax
	shl $21, %eax
	or $0x83, %eax
	mov %eax, boot_pd(,%ecx,8)
	inc %ecx
	cmp $2048, %ecx
	jne 2b

	mov %cr4, %eax
	or $0x20, %eax
	mov %eax, %cr4
	mov $boot_pml4, %eax
	mov %eax, %cr3
	mov $0xC0000080, %ecx
	rdmsr
	or $0x900, %eax                 /* LME | NXE */
	wrmsr
	mov %cr0, %eax
	or $0x80000001, %eax
	mov %eax, %cr0
	lgdt gdt_ptr
	ljmp $0x08, $long_entry

	.code64
long_entry:
	mov $0x10, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	xor %ax, %ax
	mov %ax, %fs
	mov %ax, %gs
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
