/* Interrupt/exception entry shared by monitor and kernel: one IDT, one frame. */
#ifndef QUESTV_TRAP_H
#define QUESTV_TRAP_H

#include <stdint.h>

struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;   /* pushed by the CPU */
};

/* The error code isr.S gives a fixed interrupt on an exception's vector
 * (0-31): a peer's IPI, not an exception of this core. */
#define ISR_FOREIGN (~0ull)

/* Install all 256 gates (code selector 0x08) and load the IDT. */
void idt_init(void);

/* The IDT and its size in bytes (the monitor checksums it). */
const void *idt_table(unsigned *len);

/* Called for every vector; defined by the monitor and by the kernel.
 * Returns the frame to resume: f, or another thread's saved frame. */
struct trap_frame *trap(struct trap_frame *f);

#endif
