/*
 * void svm_enter(uint64_t vmcb_pa, struct guest_regs *regs)
 *
 * VMRUN saves and restores only RAX/RSP/RIP/RFLAGS and segment state; the
 * other general registers are the guest's to keep, so they are swapped in
 * and out here. VMLOAD/VMSAVE move the guest's FS/GS/TR/LDTR and syscall
 * MSRs, which the monitor itself never uses.
 */
#include "monitor/arch/guest_regs.inc"

	.text
	.global svm_enter
svm_enter:
	PUSH_HOST_CALLEE_SAVED
	push %rsi                       /* regs */
	mov %rdi, %rax                  /* vmcb_pa */
	LOAD_COMMON_GUEST_REGS %rsi
	mov R_RDI(%rsi), %rdi
	mov R_RSI(%rsi), %rsi
	vmload %rax
	vmrun %rax
	vmsave %rax
	push %rsi                       /* guest rsi */
	mov 8(%rsp), %rsi               /* regs */
	STORE_COMMON_GUEST_REGS %rsi
	mov %rdi, R_RDI(%rsi)
	pop %rax
	mov %rax, R_RSI(%rsi)
	pop %rsi
	POP_HOST_CALLEE_SAVED
	ret
