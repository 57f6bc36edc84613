/* Deliberate faults (see fault.h). */
#include "kernel/isolation/fault.h"
#include "kernel/isolation/forge.h"
#include "kernel/kinfo.h"
#include "kernel/paging.h"
#include "lib/string.h"
#include "lib/x86.h"

void fault_inject(const char *how)
{
	if (!strncmp(how, "spin", 4)) {
		cli();
		for (;;)
			cpu_relax();
	}
	if (!strncmp(how, "forge", 5))
		forge_verdict();
	if (!strncmp(how, "triple", 6) || !strncmp(how, "forge", 5)) {
		struct { uint16_t limit; uint64_t base; } __attribute__((packed)) empty = { 0, 0 };
		__asm__ volatile("lidt %0; int3" :: "m"(empty));
	}
	if (!strncmp(how, "wild", 4)) {
		/* An unguarded store far outside our RAM: fatal for this sandbox only. */
		paging_map_page(kinfo.mem_bytes + (64ull << 20), 1);
		*(volatile uint64_t *)(kinfo.mem_bytes + (64ull << 20)) = 1;
	}
}
