/*
 * The VT-d interrupt-remapping table (VT-d spec 3.4, 5.1, 9.10): one page
 * of IRTEs that every unit points at, filled at boot, one entry per device
 * interrupt: the owner's core and vector, accepted only from the device
 * (or, for an I/O APIC line, the I/O APIC) that the entry was made for. A
 * request naming another entry, an empty one or none is refused by the
 * unit, so a device's write to the interrupt window reaches no other core.
 */
#ifndef QUESTV_IOMMU_VTD_IRT_H
#define QUESTV_IOMMU_VTD_IRT_H
#include <stdbool.h>
#include <stdint.h>

/* The table (allocated on first use): its host-physical address, or 0
 * when out of monitor pages. */
uint64_t vtd_irt_pa(void);

/* A new entry delivering vector to the core with APIC ID apic_id, edge or
 * level, from requester sid only (records `irq_remap`). Its handle, or -1
 * with *why. */
int vtd_irt_add(uint16_t sid, uint8_t vector, uint8_t apic_id, bool level, const char **why);
#endif
