/* Ports no config may grant (see port_hazards.h). */
#include "monitor/port_hazards.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Refused by name on every PC, whatever the firmware says. */
static const struct port_hazard dangerous[] = {
	{ 0x0000, 0x000F, "the ISA DMA controller (DMA into low memory)" },
	{ 0x0060, 0x0064, "the keyboard controller and port B (reset line, A20, NMI gates)" },
	{ 0x0081, 0x008F, "the ISA DMA page registers" },
	{ 0x0092, 0x0092, "system control port A (fast reset, A20)" },
	{ 0x00B2, 0x00B3, "the APM/SMI command port (enters SMM)" },
	{ 0x00C0, 0x00DF, "the second ISA DMA controller" },
	{ 0x04D0, 0x04D1, "the PIC edge/level registers (machine-wide)" },
	{ 0x0510, 0x051B, "QEMU fw_cfg (its DMA interface writes any host memory)" },
	{ 0x0600, 0x067F, "the PIIX4/ICH9 ACPI PM block under QEMU (power off, sleep)" },
	{ 0x8900, 0x8900, "the emulator's shutdown port" },
	{ 0xB000, 0xB03F, "the PIIX4 ACPI PM block under Bochs (power off, sleep)" },
};

bool port_first_common(unsigned first, unsigned last, unsigned f, unsigned l, unsigned *port)
{
	if (first > l || last < f)
		return false;
	*port = first > f ? first : f;
	return true;
}

bool port_dangerous(unsigned first, unsigned last, unsigned *port, const char **why)
{
	for (unsigned i = 0; i < COUNT(dangerous); i++)
		if (port_first_common(first, last, dangerous[i].first, dangerous[i].last, port)) {
			*why = dangerous[i].what;
			return true;
		}
	return false;
}
