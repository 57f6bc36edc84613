/* The legacy 8259 PICs. */
#ifndef QUESTV_PIC_H
#define QUESTV_PIC_H
#include "lib/x86.h"

/*
 * Mask every legacy IRQ. Left alone, the BIOS's PIT tick arrives on the
 * BSP as vector 8, indistinguishable from a double fault; devices are
 * routed through the IOAPIC instead.
 */
static inline void pic_mask_all(void)
{
	outb(0x21, 0xFF);
	outb(0xA1, 0xFF);
}
#endif
