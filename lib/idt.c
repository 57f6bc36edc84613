/* IDT setup: every vector goes to its 16-byte-aligned stub in isr.S. */
#include "lib/trap.h"

struct idt_gate {
	uint16_t off_lo, sel;
	uint8_t ist, type;
	uint16_t off_mid;
	uint32_t off_hi, zero;
} __attribute__((packed));

extern char isr_table_start[];
static struct idt_gate idt[256] __attribute__((aligned(16)));

void idt_init(void)
{
	struct { uint16_t limit; uint64_t base; } __attribute__((packed)) ptr;
	unsigned v;

	for (v = 0; v < 256; v++) {
		uint64_t off = (uint64_t)(isr_table_start + 16 * v);
		idt[v] = (struct idt_gate){
			.off_lo = (uint16_t)off, .sel = 0x08, .type = 0x8E,
			.off_mid = (uint16_t)(off >> 16), .off_hi = (uint32_t)(off >> 32),
		};
	}
	ptr.limit = sizeof idt - 1;
	ptr.base = (uint64_t)idt;
	__asm__ volatile("lidt %0" :: "m"(ptr));
}

const void *idt_table(unsigned *len)
{
	*len = sizeof idt;
	return idt;
}
