/*
 * AP start-up code, copied to TRAMPOLINE_PA (0x8000) and started by SIPI
 * in real mode. Goes to long mode on the monitor's page tables, takes a
 * stack by atomically counting itself in, and jumps to ap_entry(index).
 * A core counted in beyond the stacks there are parks instead, so repeated
 * starts cannot walk a stack onto what lies past the array; smp.c wipes
 * this page once the cores are up.
 */
#include "lib/boot.inc"
#define TRAMPOLINE_PA 0x8000
#define ADDR(x) ((x) - tramp_start + TRAMPOLINE_PA)

	.section .rodata
	.global tramp_start, tramp_end, tramp_cr3, tramp_stacks, tramp_stack_size, tramp_entry
	.global tramp_max
	.code16
tramp_start:
	cli
	xor %ax, %ax
	mov %ax, %ds
	lgdtl ADDR(tramp_gdtr)
	mov %cr0, %eax
	or $1, %eax
	mov %eax, %cr0
	ljmpl $0x18, $ADDR(tramp32)

	.code32
tramp32:
	mov $0x10, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	LONG_MODE_ON ADDR(tramp_cr3)
	ljmp $0x08, $ADDR(tramp64)

	.code64
tramp64:
	mov $1, %eax
	lock xadd %eax, ADDR(tramp_count)
	cmp ADDR(tramp_max), %eax
	jae 1f
	mov %eax, %edi                  /* AP index, from 1 */
	mov %rax, %rcx
	inc %rcx
	imul ADDR(tramp_stack_size), %rcx
	add ADDR(tramp_stacks), %rcx
	mov %rcx, %rsp
	mov ADDR(tramp_entry), %rax
	jmp *%rax
1:	cli
	hlt
	jmp 1b

	.align 8
tramp_gdt:
	.quad 0
	.quad 0x00AF9A000000FFFF
	.quad 0x00CF92000000FFFF
	.quad 0x00CF9A000000FFFF
tramp_gdtr:
	.short 31
	.long ADDR(tramp_gdt)
	.align 8
tramp_cr3:        .quad 0
tramp_stacks:     .quad 0   /* base of the AP stack array */
tramp_stack_size: .quad 0
tramp_entry:      .quad 0
tramp_count:      .long 1
tramp_max:        .long 0   /* stacks in the array: indices 1 .. tramp_max-1 */
tramp_end:
