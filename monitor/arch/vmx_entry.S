/*
 * int vmx_enter(struct guest_regs *regs, int launched)
 *
 * VM entry and exit save and load only RSP/RIP/RFLAGS, control and
 * segment state (from the VMCS); the general registers are swapped here.
 * VMLAUNCH the first time, VMRESUME after. Returns 0 after a VM exit
 * (which lands at vmx_exit_point with RSP = the HOST_RSP written below),
 * 1 if the CPU refused the entry (VMfailValid / VMfailInvalid).
 */
#include "monitor/arch/guest_regs.inc"

#define VMCS_HOST_RSP 0x6C14

	.text
	.global vmx_enter
vmx_enter:
	PUSH_HOST_CALLEE_SAVED
	push %rdi                       /* regs, found again at exit */
	mov $VMCS_HOST_RSP, %rax
	vmwrite %rsp, %rax
	jbe 2f                          /* VMfail: CF or ZF set */
	test %esi, %esi                 /* flags survive the movs below */
	mov R_RAX(%rdi), %rax
	LOAD_COMMON_GUEST_REGS %rdi
	mov R_RSI(%rdi), %rsi
	mov R_RDI(%rdi), %rdi
	jnz 1f
	vmlaunch
	jmp 2f
1:	vmresume
2:	/* entry refused: nothing of the guest ran */
	pop %rdi
	POP_HOST_CALLEE_SAVED
	mov $1, %eax
	ret

	.global vmx_exit_point
vmx_exit_point:
	push %rdi                       /* guest rdi */
	mov 8(%rsp), %rdi               /* regs */
	mov %rax, R_RAX(%rdi)
	STORE_COMMON_GUEST_REGS %rdi
	mov %rsi, R_RSI(%rdi)
	pop %rax
	mov %rax, R_RDI(%rdi)
	pop %rdi
	POP_HOST_CALLEE_SAVED
	xor %eax, %eax
	ret
