/* NMI bookkeeping (see nmi.h), per APIC ID. */
#include "monitor/nmi.h"
#include "monitor/config.h"
#include "lib/lapic.h"
#include "lib/record.h"

static struct {
	unsigned taken, handed;
	volatile bool pending;
} per_core[CFG_MAX_CORES];

static unsigned me(void)
{
	return (lapic_read(LAPIC_ID) >> 24) % CFG_MAX_CORES;
}

void nmi_taken(void)
{
	unsigned c = me();
	per_core[c].taken++;
	per_core[c].pending = true;
}

bool nmi_pending(void) { return per_core[me()].pending; }

void nmi_handed(void)
{
	unsigned c = me();
	per_core[c].pending = false;
	per_core[c].handed++;
}

void nmi_report(void)
{
	unsigned c;
	for (c = 0; c < CFG_MAX_CORES; c++) {
		struct record r;
		if (!per_core[c].taken)
			continue;
		rec_begin(&r, "monitor_nmi");
		rec_u64(&r, "apic_id", c);
		rec_u64(&r, "taken", per_core[c].taken);
		rec_u64(&r, "handed", per_core[c].handed);
		rec_end(&r);
	}
}
