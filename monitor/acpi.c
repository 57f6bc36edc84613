/* ACPI table walk for the processor count and the power-management port
 * blocks (ACPI 6.4, 5.2.5 RSDP, 5.2.7 RSDT, 5.2.9 FADT, 5.2.12 MADT).
 * Tables below 4 GiB are identity-mapped. */
#include "monitor/acpi.h"
#include "monitor/acpi_sdt.h"
#include <stdbool.h>
#include <stdint.h>
#include "lib/string.h"

#define MADT_LOCAL_APIC   0
#define LAPIC_ENABLED     1u
#define SDT_HEADER        36u
#define MADT_ENTRIES      (SDT_HEADER + 8u)
#define SDT_MAX           (64u * 1024u)   /* no sane RSDT or MADT is larger */

/* A system description table's header, checked; 0 if it is not one. */
static const uint8_t *table(uint32_t addr, const char sig[4])
{
	const uint8_t *t = (const uint8_t *)(uintptr_t)addr;
	uint32_t len;
	return addr && acpi_sdt_check(t, SDT_MAX, sig, SDT_HEADER, &len) == ACPI_SDT_OK ? t : 0;
}

const void *acpi_table(const void *rsdp, const char sig[4], uint32_t *len)
{
	const uint8_t *r = rsdp, *rsdt, *found = 0;
	uint32_t rsdt_addr, rlen, off, entry;

	if (!r || memcmp(r, "RSD PTR ", 8) || !acpi_sums_to_zero(r, 20))
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

/* FADT: SMI_CMD at 48; the eight blocks' ports at 56 + 4i, their lengths at
 * 88.. (PM1a/PM1b event and control blocks share one length each). */
#define FADT_SMI_CMD     48u
#define FADT_BLOCKS      56u
#define FADT_BLOCK_LENS  88u
#define FADT_MIN_LEN     94u

unsigned acpi_pm_ports(const void *rsdp, struct port_hazard *out, unsigned max)
{
	static const uint8_t len_at[8] = { 0, 0, 1, 1, 2, 3, 4, 5 };
	static const char *const what[] = {
		"the ACPI PM1a event block", "the ACPI PM1b event block",
		"the ACPI PM1a control block (sleep, power off)", "the ACPI PM1b control block (sleep, power off)",
		"the ACPI PM2 control block", "the ACPI PM timer", "the ACPI GPE0 block", "the ACPI GPE1 block",
	};
	uint32_t len, port;
	const uint8_t *fadt = acpi_table(rsdp, "FACP", &len);
	unsigned i, n = 0;

	if (!fadt)
		return 0;
	if (len < FADT_MIN_LEN)
		return 0;
	memcpy(&port, fadt + FADT_SMI_CMD, 4);
	if (port && port <= 0xFFFF && n < max)
		out[n++] = (struct port_hazard){ (uint16_t)port, (uint16_t)port,
						 "the ACPI SMI command port (enters SMM)" };
	for (i = 0; i < 8 && n < max; i++) {
		unsigned blen = fadt[FADT_BLOCK_LENS + len_at[i]];
		memcpy(&port, fadt + FADT_BLOCKS + 4 * i, 4);
		if (port && blen && port + blen - 1 <= 0xFFFF)
			out[n++] = (struct port_hazard){ (uint16_t)port, (uint16_t)(port + blen - 1), what[i] };
	}
	return n;
}
