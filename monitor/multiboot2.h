/* What the monitor takes from GRUB's multiboot2 information. */
#ifndef QUESTV_MULTIBOOT2_H
#define QUESTV_MULTIBOOT2_H
#include <stdint.h>
#include "lib/multiboot2.h"
#include "monitor/config.h"

#define MB2_MAX_MODULES 8

struct boot_module {
	const char *cmdline;     /* as given on GRUB's module2 line */
	uint64_t start, end;     /* [start, end) */
};

struct boot_modules {
	unsigned n;
	struct boot_module mod[MB2_MAX_MODULES];
	const void *acpi_rsdp;  /* GRUB's copy of the ACPI RSDP, or 0 */
};

/*
 * Parse the info GRUB left at info: modules (and the ACPI RSDP) into *mods, usable RAM into
 * m->free and the info block and modules into m->reserved. Returns 0, or
 * -1 with *why when this is no multiboot2 boot or the info is malformed.
 */
int mb2_parse(uint32_t magic, uint64_t info, struct boot_modules *mods,
	      struct machine *m, const char **why);

/* The module whose command line is name, or 0. */
const struct boot_module *mb2_module(const struct boot_modules *mods, const char *name);
#endif
