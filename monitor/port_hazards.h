/*
 * Ports that are dangerous on any PC (resets, A20, SMI, ISA DMA, the
 * emulators' fw_cfg and shutdown ports): the config parser refuses them by
 * name while parsing (port_policy.h checks the rest once PCI and ACPI are
 * known). Apart from port_policy so the parser needs no platform checks.
 */
#ifndef QUESTV_PORT_HAZARDS_H
#define QUESTV_PORT_HAZARDS_H
#include <stdbool.h>
#include <stdint.h>

/* Ports with a reason a sandbox may not have them. */
struct port_hazard {
	uint16_t first, last;       /* inclusive */
	const char *what;
};

/* Whether [first, last] and [f, l] overlap; *port the first common port. */
bool port_first_common(unsigned first, unsigned last, unsigned f, unsigned l, unsigned *port);

/* The first port of [first, last] no config may grant, with why; false if
 * there is none. */
bool port_dangerous(unsigned first, unsigned last, unsigned *port, const char **why);
#endif
