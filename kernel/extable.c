/* Faulting accesses with fixups (see extable.h). */
#include "kernel/extable.h"

struct extable_entry { uint64_t insn, fixup; };
extern const struct extable_entry __extable_start[], __extable_end[];

uint64_t extable_fixup(uint64_t rip)
{
	const struct extable_entry *e;
	for (e = __extable_start; e < __extable_end; e++)
		if (e->insn == rip)
			return e->fixup;
	return 0;
}

bool safe_read64(uint64_t addr, uint64_t *val)
{
	bool faulted = false;
	uint64_t v = 0;
	__asm__ volatile(FAULTABLE("mov (%[a]), %[v]")
			 : [v] "+r"(v), [faulted] "+m"(faulted) : [a] "r"(addr) : "memory");
	*val = v;
	return faulted;
}

bool safe_write64(uint64_t addr, uint64_t val)
{
	bool faulted = false;
	__asm__ volatile(FAULTABLE("mov %[v], (%[a])")
			 : [faulted] "+m"(faulted) : [a] "r"(addr), [v] "r"(val) : "memory");
	return faulted;
}

bool safe_inb(uint16_t port, uint8_t *val)
{
	bool faulted = false;
	uint8_t v = 0xFF;
	__asm__ volatile(FAULTABLE("inb %%dx, %%al")
			 : "+a"(v), [faulted] "+m"(faulted) : "d"(port) : "memory");
	*val = v;
	return faulted;
}

bool safe_outb(uint16_t port, uint8_t val)
{
	bool faulted = false;
	__asm__ volatile(FAULTABLE("outb %%al, %%dx")
			 : [faulted] "+m"(faulted) : "a"(val), "d"(port) : "memory");
	return faulted;
}

bool safe_rdmsr(uint32_t msr, uint64_t *val)
{
	bool faulted = false;
	uint32_t lo = 0, hi = 0;
	__asm__ volatile(FAULTABLE("rdmsr")
			 : "+a"(lo), "+d"(hi), [faulted] "+m"(faulted) : "c"(msr) : "memory");
	*val = ((uint64_t)hi << 32) | lo;
	return faulted;
}

bool safe_wrmsr(uint32_t msr, uint64_t val)
{
	bool faulted = false;
	__asm__ volatile(FAULTABLE("wrmsr")
			 : [faulted] "+m"(faulted)
			 : "c"(msr), "a"((uint32_t)val), "d"((uint32_t)(val >> 32)) : "memory");
	return faulted;
}
