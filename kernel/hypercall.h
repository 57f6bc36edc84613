/* Hypercall stubs (ABI: include/questv/hypercall.h). */
#ifndef QUESTV_KERNEL_HYPERCALL_H
#define QUESTV_KERNEL_HYPERCALL_H
#include "include/questv/hypercall.h"
#include "kernel/kinfo.h"

/* Issue hypercall nr; only valid when kinfo.virtualized. The instruction
 * is the backend's own (AMD vmmcall, Intel vmcall): the other one is #UD. */
static inline long hypercall3(unsigned long nr, unsigned long a0, unsigned long a1,
			      unsigned long a2)
{
	long ret;
	if (kinfo.vmcall)
		__asm__ volatile("vmcall" : "=a"(ret) : "a"(nr), "D"(a0), "S"(a1), "d"(a2) : "memory");
	else
		__asm__ volatile("vmmcall" : "=a"(ret) : "a"(nr), "D"(a0), "S"(a1), "d"(a2) : "memory");
	return ret;
}
#endif
