/* contain_enter (see contain.h): save callee-saved registers, the stack
 * pointer after return and the return address; make c active. */
	.text
	.globl contain_enter
contain_enter:
	mov %rbx, 0(%rdi)
	mov %rbp, 8(%rdi)
	mov %r12, 16(%rdi)
	mov %r13, 24(%rdi)
	mov %r14, 32(%rdi)
	mov %r15, 40(%rdi)
	lea 8(%rsp), %rax
	mov %rax, 48(%rdi)
	mov (%rsp), %rax
	mov %rax, 56(%rdi)
	movb $0, 64(%rdi)
	mov %rdi, contain_active(%rip)
	xor %eax, %eax
	ret
	.section .note.GNU-stack, "", @progbits
