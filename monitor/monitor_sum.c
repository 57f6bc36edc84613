/* The monitor's checksum (see checksum.h). */
#include "monitor/checksum.h"
#include "monitor/sandbox.h"
#include "lib/trap.h"
#include "lib/x86.h"

#define PT_AD_BITS   ((1ull << 5) | (1ull << 6))   /* accessed, dirty */
#define BOOT_PT_PAGES 6                            /* boot.S: PML4, PDPT, 4 PDs */
#define ADDR_MASK    0x000FFFFFFFFFF000ull

extern char monitor_start[], monitor_ro_end[];

/* Every table page of a nested table, from the root down (leaves' A/D
 * bits masked: NPT walks set them). */
static uint64_t sum_tables(uint64_t h, const struct nested_pt *t, const uint64_t *table,
			   unsigned level)
{
	h = mem_checksum_more(h, table, 4096, ~PT_AD_BITS);
	for (unsigned i = 0; level > 1 && i < PT_ENTRIES; i++)
		if (t->fmt->present(table[i]) && !t->fmt->large(table[i]))
			h = sum_tables(h, t, t->alloc->to_virt(t->alloc->ctx, table[i] & ADDR_MASK),
				       level - 1);
	return h;
}

uint64_t monitor_checksum(unsigned prober)
{
	unsigned idt_len;
	const void *idt = idt_table(&idt_len);
	uint64_t h = mem_checksum(monitor_start, (uint64_t)(monitor_ro_end - monitor_start));

	/* The tables every core runs on (smp.c hands the APs the BSP's CR3),
	 * found through CR3 rather than boot.S's symbol: boot.S calls into the
	 * monitor, not the other way. */
	h = mem_checksum_more(h, (const void *)(read_cr3() & ADDR_MASK), BOOT_PT_PAGES * 4096ull,
			      ~PT_AD_BITS);
	h = mem_checksum_more(h, idt, idt_len, ~0ull);
	for (unsigned i = 0; i < nsandboxes; i++) {
		const struct sandbox *sb = &sandboxes[i];
		if (sb->npt.root)
			h = sum_tables(h, &sb->npt, sb->npt.root, 4);
		if (sb->vcpu.perm_maps)
			h = mem_checksum_more(h, sb->vcpu.perm_maps, sb->vcpu.perm_maps_len, ~0ull);
		if (i != prober && sb->vcpu.arch_pa)
			h = mem_checksum_more(h, (const void *)sb->vcpu.arch_pa, 4096, ~0ull);
	}
	return h;
}
