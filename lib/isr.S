/* 256 interrupt stubs: push a dummy error code where the CPU pushes none,
 * push the vector, save registers and call trap(frame). trap returns the
 * frame to resume, which may belong to another thread: that is how the
 * kernel switches threads.
 *
 * Vectors 0-31 are an exception's, but a peer can send a fixed IPI on one
 * of them: then the CPU pushes no error code even where the exception
 * would, and the local APIC has the vector in service. isr_low tells the
 * two apart and gives such an interrupt the error code ISR_FOREIGN (no
 * exception has it), so trap() sees a whole frame and knows. */
#define LAPIC_ISR0     0xFEE00100       /* in-service bits of vectors 0-31 */
#define ERROR_VECTORS  0x60227D00       /* 8, 10-14, 17, 21, 29, 30 push an error code */

	.text
.macro STUB n
	.align 16
isr_\n:
	.if \n < 32
	push $\n
	jmp isr_low
	.else
	push $0
	push $\n
	jmp isr_common
	.endif
.endm

	.global isr_table_start
	.align 16
isr_table_start:
	.altmacro
	.set i, 0
	.rept 256
	STUB %i
	.set i, i + 1
	.endr

isr_low:                                /* stack: vector, [error], rip, ... */
	push %rax
	push %rcx
	mov 16(%rsp), %ecx
	movabs $LAPIC_ISR0, %rax
	mov (%rax), %eax
	bt %ecx, %eax
	jc 2f                           /* in service: an interrupt, no error code */
	mov $ERROR_VECTORS, %eax
	bt %ecx, %eax
	pop %rcx
	pop %rax
	jc isr_common                   /* an exception with its error code */
	push (%rsp)                     /* an exception without: error 0 under the vector */
	movq $0, 8(%rsp)
	jmp isr_common
2:	pop %rcx
	pop %rax
	push (%rsp)
	movq $-1, 8(%rsp)               /* ISR_FOREIGN */
	jmp isr_common

isr_common:
	push %rax
	push %rbx
	push %rcx
	push %rdx
	push %rsi
	push %rdi
	push %rbp
	push %r8
	push %r9
	push %r10
	push %r11
	push %r12
	push %r13
	push %r14
	push %r15
	mov %rsp, %rdi
	cld
	call trap
	mov %rax, %rsp
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %r11
	pop %r10
	pop %r9
	pop %r8
	pop %rbp
	pop %rdi
	pop %rsi
	pop %rdx
	pop %rcx
	pop %rbx
	pop %rax
	add $16, %rsp
	iretq
