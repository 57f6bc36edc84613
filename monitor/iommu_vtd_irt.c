/* The VT-d interrupt-remapping table (see iommu_vtd_irt.h). */
#include "monitor/iommu_vtd_irt.h"
#include "monitor/arch/vtd.h"
#include "monitor/page_pool.h"
#include "lib/record.h"

static struct vtd_entry *irt;
/* Handle 0 stays empty: a request naming it (the index an all-zero
 * remappable address decodes to) faults as not present. */
static unsigned used = 1;

uint64_t vtd_irt_pa(void)
{
	if (!irt)
		irt = pool_alloc(1);      /* zeroed: every entry not present */
	return (uintptr_t)irt;
}

int vtd_irt_add(uint16_t sid, uint8_t vector, uint8_t apic_id, bool level, const char **why)
{
	struct record r;

	if (!vtd_irt_pa()) {
		*why = "out of monitor pages for the VT-d interrupt remapping table";
		return -1;
	}
	if (used == VTD_IRT_ENTRIES) {
		*why = "VT-d interrupt remapping table full";
		return -1;
	}
	irt[used] = vtd_irte(vector, apic_id, level, sid);
	rec_begin(&r, "irq_remap");
	rec_u64(&r, "handle", used);
	rec_hex(&r, "sid", sid);
	rec_u64(&r, "vector", vector);
	rec_u64(&r, "apic_id", apic_id);
	rec_str(&r, "trigger", level ? "level" : "edge");
	rec_end(&r);
	return (int)used++;
}
