/*
 * Which I/O ports a config may grant a sandbox: an allowlist (the UARTs,
 * the parallel ports, the POST port, and the I/O BARs of PCI functions the
 * sandbox owns), checked in two steps. While parsing, every port that is
 * dangerous on any PC (resets, A20, SMI, ISA DMA, the emulators' fw_cfg
 * and shutdown ports) is refused by name; once PCI and ACPI are known,
 * every granted port must be on the allowlist, and ACPI's power-management
 * blocks and other functions' I/O BARs are refused by name too.
 *
 * Portable C (config.h only): the host unit tests run both steps.
 */
#ifndef QUESTV_PORT_POLICY_H
#define QUESTV_PORT_POLICY_H
#include <stdbool.h>
#include "monitor/config.h"
#include "monitor/port_hazards.h"

/* A PCI function's I/O BAR. */
struct io_window {
	uint16_t first, last;       /* inclusive */
	uint16_t bdf;               /* bus << 8 | device << 3 | function */
};

/* Parse step: port_dangerous (port_hazards.h). */

/* Platform step: every port of every sandbox is on the allowlist, given
 * ACPI's blocks (acpi) and every function's I/O BARs (bars). 0, or -1 with
 * *err naming the sandbox's line, the port and why. */
int port_check_platform(const struct system_config *cfg,
			const struct port_hazard *acpi, unsigned nacpi,
			const struct io_window *bars, unsigned nbars,
			struct config_error *err);
#endif
