/* ACPI table walk for the processor count (ACPI 6.4, 5.2.5 RSDP, 5.2.7
 * RSDT, 5.2.12 MADT). Tables below 4 GiB are identity-mapped. */
#include "monitor/acpi.h"
#include <stdbool.h>
#include <stdint.h>
#include "lib/string.h"

#define MADT_LOCAL_APIC   0
#define LAPIC_ENABLED     1u
#define SDT_HEADER        36u
#define MADT_ENTRIES      (SDT_HEADER + 8u)
#define SDT_MAX           (64u * 1024u)   /* no sane RSDT or MADT is larger */

static bool sums_to_zero(const uint8_t *p, uint32_t len)
{
	uint8_t sum = 0;
	while (len--)
		sum = (uint8_t)(sum + *p++);
	return sum == 0;
}

/* A system description table's header, checked; 0 if it is not one. */
static const uint8_t *table(uint32_t addr, const char sig[4])
{
	const uint8_t *t = (const uint8_t *)(uintptr_t)addr;
	uint32_t len;
	if (!addr || memcmp(t, sig, 4))
		return 0;
	memcpy(&len, t + 4, 4);
	return len >= SDT_HEADER && len <= SDT_MAX && sums_to_zero(t, len) ? t : 0;
}

const void *acpi_table(const void *rsdp, const char sig[4], uint32_t *len)
{
	const uint8_t *r = rsdp, *rsdt, *found = 0;
	uint32_t rsdt_addr, rlen, off, entry;

	if (!r || memcmp(r, "RSD PTR ", 8) || !sums_to_zero(r, 20))
		return 0;
	memcpy(&rsdt_addr, r + 16, 4);
	if (!(rsdt = table(rsdt_addr, "RSDT")))
		return 0;
	memcpy(&rlen, rsdt + 4, 4);
	for (off = SDT_HEADER; off + 4 <= rlen && !found; off += 4) {
		memcpy(&entry, rsdt + off, 4);
		found = table(entry, sig);
	}
	if (found)
		memcpy(len, found + 4, 4);
	return found;
}

unsigned acpi_cpu_count(const void *rsdp)
{
	const uint8_t *madt;
	uint32_t len, off;
	unsigned cpus = 0;

	if (!(madt = acpi_table(rsdp, "APIC", &len)))
		return 0;
	for (off = MADT_ENTRIES; off + 2 <= len && madt[off + 1] >= 2; off += madt[off + 1]) {
		uint32_t flags;
		if (madt[off] != MADT_LOCAL_APIC || madt[off + 1] < 8 || off + 8 > len)
			continue;
		memcpy(&flags, madt + off + 4, 4);
		cpus += (flags & LAPIC_ENABLED) != 0;
	}
	return cpus;
}
