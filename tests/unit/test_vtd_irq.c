/* Host tests of VT-d interrupt remapping's formats (monitor/arch/vtd.c:
 * IRTE, remappable I/O APIC entry, remappable MSI address) and of the
 * table the monitor fills (monitor/iommu_vtd_irt.c), each decoded the way
 * VT-d spec 3.4 (5.1.4, 5.1.5.1, 9.10) says the hardware reads it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "monitor/arch/vtd.h"
#include "monitor/iommu_vtd_irt.h"
#include "lib/record.h"

/* The monitor's page pool: one zeroed page. */
void *pool_alloc(unsigned n)
{
	static _Alignas(4096) uint8_t page[4096];
	assert_int_equal(n, 1);
	return page;
}

static char last[RECORD_MAX + 32];
static void sink(const char *line, size_t len)
{
	memcpy(last, line, len);
	last[len] = 0;
}

static uint64_t bits(uint64_t v, unsigned hi, unsigned lo)
{
	return v >> lo & ((1ull << (hi - lo + 1)) - 1);
}

static void irte_fields(void **state)
{
	struct vtd_entry e = vtd_irte(0x51, 3, 1, 0xff00);
	(void)state;
	assert_int_equal(bits(e.lo, 0, 0), 1);        /* present */
	assert_int_equal(bits(e.lo, 1, 1), 0);        /* faults are recorded (FPD clear) */
	assert_int_equal(bits(e.lo, 2, 2), 0);        /* physical destination */
	assert_int_equal(bits(e.lo, 4, 4), 1);        /* level */
	assert_int_equal(bits(e.lo, 7, 5), 0);        /* fixed delivery */
	assert_int_equal(bits(e.lo, 15, 15), 0);      /* remapped, not posted */
	assert_int_equal(bits(e.lo, 23, 16), 0x51);
	assert_int_equal(bits(e.lo, 47, 40), 3);      /* xAPIC destination */
	assert_int_equal(bits(e.lo, 39, 24) | bits(e.lo, 63, 48) | bits(e.lo, 14, 8), 0);
	assert_int_equal(bits(e.hi, 15, 0), 0xff00);  /* source id */
	assert_int_equal(bits(e.hi, 17, 16), 0);      /* SQ: all 16 bits compared */
	assert_int_equal(bits(e.hi, 19, 18), 1);      /* SVT: verify the requester */
	assert_int_equal(bits(e.hi, 63, 20), 0);
	e = vtd_irte(0x40, 0xff, 0, 0x18);
	assert_int_equal(bits(e.lo, 4, 4), 0);        /* edge */
	assert_int_equal(bits(e.lo, 47, 40), 0xff);
}

/* The message an I/O APIC sends for a redirection entry (5.1.5.1): its bits
 * 63:48 become address bits 19:4, bit 11 address bit 2. */
static uint32_t ioapic_message(uint32_t lo, uint32_t hi)
{
	return 0xfee00000u | (hi >> 16) << 4 | (lo >> 11 & 1) << 2;
}

/* The handle a remappable-format address names (5.1.4.1). */
static unsigned handle_of(uint32_t address)
{
	assert_int_equal(address & 0xfff00000u, 0xfee00000u);
	assert_int_equal(address >> 4 & 1, 1);        /* remappable format */
	assert_int_equal(address >> 3 & 1, 0);        /* no subhandle */
	return (address >> 5 & 0x7fff) | (address >> 2 & 1) << 15;
}

static void remappable_messages_name_their_entry(void **state)
{
	static const uint16_t handles[] = { 1, 0x7f, 0x80, 0x7fff, 0x8000, 0xffff };
	(void)state;
	for (unsigned i = 0; i < sizeof handles / sizeof handles[0]; i++) {
		uint32_t lo, hi;
		vtd_ioapic_rte(handles[i], 0x50, 1, &lo, &hi);
		assert_int_equal(lo & 0xff, 0x50);            /* the EOI matches it */
		assert_int_equal(lo >> 15 & 1, 1);            /* level */
		assert_int_equal(lo >> 16 & 1, 0);            /* unmasked */
		assert_int_equal(lo >> 8 & 7, 0);             /* fixed */
		assert_int_equal(hi >> 16 & 1, 1);            /* interrupt format: remappable */
		assert_int_equal(hi & 0xffff, 0);             /* reserved */
		assert_int_equal(handle_of(ioapic_message(lo, hi)), handles[i]);
		assert_int_equal(handle_of(vtd_msi_address(handles[i])), handles[i]);
	}
}

static void table_fills_from_one_and_refuses_when_full(void **state)
{
	struct vtd_entry *irt, want = vtd_irte(0x50, 2, 1, 0xff00);
	const char *why = 0;
	int h;
	(void)state;
	record_set_sink(sink);
	irt = (struct vtd_entry *)(uintptr_t)vtd_irt_pa();
	assert_non_null(irt);
	h = vtd_irt_add(0xff00, 0x50, 2, true, &why);
	assert_int_equal(h, 1);                        /* handle 0 stays not present */
	assert_int_equal(irt[0].lo & 1, 0);
	assert_memory_equal(&irt[1], &want, sizeof want);
	assert_non_null(strstr(last, "\"ev\":\"irq_remap\",\"handle\":1,\"sid\":\"0xff00\","
				     "\"vector\":80,\"apic_id\":2,\"trigger\":\"level\""));
	for (unsigned i = 2; i < VTD_IRT_ENTRIES; i++)
		assert_int_equal(vtd_irt_add(0x18, (uint8_t)(0x40 + i % 64), 1, false, &why), (int)i);
	assert_int_equal(vtd_irt_add(0x18, 0x40, 1, false, &why), -1);
	assert_non_null(strstr(why, "full"));
	assert_int_equal(irt[VTD_IRT_ENTRIES - 1].hi & 0xffff, 0x18);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(irte_fields),
		cmocka_unit_test(remappable_messages_name_their_entry),
		cmocka_unit_test(table_fills_from_one_and_refuses_when_full),
	};
	return cmocka_run_group_tests_name("vtd_irq", tests, NULL, NULL);
}
