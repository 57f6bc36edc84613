/*
 * void svm_enter(uint64_t vmcb_pa, struct guest_regs *regs)
 *
 * VMRUN saves and restores only RAX/RSP/RIP/RFLAGS and segment state; the
 * other general registers are the guest's to keep, so they are swapped in
 * and out here. VMLOAD/VMSAVE move the guest's FS/GS/TR/LDTR and syscall
 * MSRs, which the monitor itself never uses.
 */
#define R_RBX 8
#define R_RCX 16
#define R_RDX 24
#define R_RSI 32
#define R_RDI 40
#define R_RBP 48
#define R_R8  56
#define R_R9  64
#define R_R10 72
#define R_R11 80
#define R_R12 88
#define R_R13 96
#define R_R14 104
#define R_R15 112

	.text
	.global svm_enter
svm_enter:
	push %rbx
	push %rbp
	push %r12
	push %r13
	push %r14
	push %r15
	push %rsi                       /* regs */
	mov %rdi, %rax                  /* vmcb_pa */
	mov R_RBX(%rsi), %rbx
	mov R_RCX(%rsi), %rcx
	mov R_RDX(%rsi), %rdx
	mov R_RDI(%rsi), %rdi
	mov R_RBP(%rsi), %rbp
	mov R_R8(%rsi), %r8
	mov R_R9(%rsi), %r9
	mov R_R10(%rsi), %r10
	mov R_R11(%rsi), %r11
	mov R_R12(%rsi), %r12
	mov R_R13(%rsi), %r13
	mov R_R14(%rsi), %r14
	mov R_R15(%rsi), %r15
	mov R_RSI(%rsi), %rsi
	vmload %rax
	vmrun %rax
	vmsave %rax
	push %rsi                       /* guest rsi */
	mov 8(%rsp), %rsi               /* regs */
	mov %rbx, R_RBX(%rsi)
	mov %rcx, R_RCX(%rsi)
	mov %rdx, R_RDX(%rsi)
	mov %rdi, R_RDI(%rsi)
	mov %rbp, R_RBP(%rsi)
	mov %r8, R_R8(%rsi)
	mov %r9, R_R9(%rsi)
	mov %r10, R_R10(%rsi)
	mov %r11, R_R11(%rsi)
	mov %r12, R_R12(%rsi)
	mov %r13, R_R13(%rsi)
	mov %r14, R_R14(%rsi)
	mov %r15, R_R15(%rsi)
	pop %rax
	mov %rax, R_RSI(%rsi)
	pop %rsi
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbp
	pop %rbx
	ret
