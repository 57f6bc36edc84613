/*
 * Monitor entry: GRUB 2 enters _start in 32-bit protected mode (multiboot2,
 * EAX = magic, EBX = info). Identity-map the first 4 GiB with 2 MiB pages,
 * switch to long mode and call monitor_main(magic, info).
 */
#define MB2_MAGIC 0xE85250D6
#define PAGE_FLAGS 0x83          /* present, writable, 2 MiB */
#define PAGE_UC    0x18          /* PCD|PWT for the MMIO hole above 3 GiB */

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
	mov %eax, mb_magic
	mov %ebx, mb_info

	/* PML4[0] -> PDPT; PDPT[0..3] -> four page directories. */
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

	/* 2048 PD entries: entry i maps i * 2 MiB. */
	xor %ecx, %ecx
2:	mov %ecx, %eax
	shl $21, %eax
	or $PAGE_FLAGS, %eax
	cmp $1536, %ecx
	jb 3f
	or $PAGE_UC, %eax
3:	mov %eax, boot_pd(,%ecx,8)
	inc %ecx
	cmp $2048, %ecx
	jne 2b

	mov %cr4, %eax
	or $0x20, %eax                  /* PAE */
	mov %eax, %cr4
	mov $boot_pml4, %eax
	mov %eax, %cr3
	mov $0xC0000080, %ecx
	rdmsr
	or $0x900, %eax                 /* LME | NXE */
	wrmsr
	mov %cr0, %eax
	or $0x80000001, %eax            /* PG | PE */
	mov %eax, %cr0
	lgdt gdt64_ptr
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
