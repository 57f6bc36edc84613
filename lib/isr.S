/* 256 interrupt stubs: push a dummy error code where the CPU pushes none,
 * push the vector, save registers and call trap(frame). trap returns the
 * frame to resume, which may belong to another thread: that is how the
 * kernel switches threads. */
	.text
.macro STUB n
	.align 16
isr_\n:
	.if (\n == 8 || (\n >= 10 && \n <= 14) || \n == 17 || \n == 21 || \n == 29 || \n == 30)
	.else
	push $0
	.endif
	push $\n
	jmp isr_common
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
