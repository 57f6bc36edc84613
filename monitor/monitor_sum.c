/* The monitor's checksum (see checksum.h). */
#include "monitor/checksum.h"
#include "monitor/sandbox.h"
#include "lib/record.h"
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

/* What no exit legitimately changes once the sandboxes run. */
static uint64_t static_state(void)
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
		/* Where its RAM is and what it may reach: what hypercall checks rely on. */
		const uint64_t where[] = { sb->id, sb->base, sb->size, (uint64_t)sb->view, sb->code_sum };
		h = mem_checksum_more(h, where, sizeof where, ~0ull);
		h = mem_checksum_more(h, sb->io_granted, sizeof sb->io_granted, ~0ull);
		if (sb->npt.root)
			h = sum_tables(h, &sb->npt, sb->npt.root, 4);
	}
	return h;
}

static uint64_t perm_maps_sum(const struct sandbox *sb)
{
	return sb->vcpu.perm_maps ? mem_checksum(sb->vcpu.perm_maps, sb->vcpu.perm_maps_len) : 0;
}

uint64_t monitor_checksum(unsigned prober)
{
	uint64_t h = static_state();
	for (unsigned i = 0; i < nsandboxes; i++) {
		const uint64_t perm = perm_maps_sum(&sandboxes[i]);
		h = mem_checksum_more(h, &perm, sizeof perm, ~0ull);
		if (i != prober && sandboxes[i].vcpu.arch_pa)
			h = mem_checksum_more(h, (const void *)sandboxes[i].vcpu.arch_pa, 4096, ~0ull);
	}
	return h;
}

static uint64_t at_start, perm_at_start[CFG_MAX_SANDBOXES];

void monitor_integrity_start(void)
{
	at_start = static_state();
}

void monitor_integrity_vcpu(const struct sandbox *sb)
{
	perm_at_start[sb->id] = perm_maps_sum(sb);
}

bool monitor_integrity_report(void)
{
	struct record r;
	bool same = static_state() == at_start;
	for (unsigned i = 0; i < nsandboxes; i++)
		same = same && perm_maps_sum(&sandboxes[i]) == perm_at_start[i];
	rec_begin(&r, "monitor_integrity");
	rec_hex(&r, "start", at_start);
	rec_hex(&r, "end", static_state());
	rec_bool(&r, "unchanged", same);
	rec_end(&r);
	return same;
}
