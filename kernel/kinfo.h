/*
 * What the sandbox kernel knows about itself, gathered at boot: from the
 * monitor's boot information, or, booted by GRUB directly (natively), from
 * the multiboot2 information and the PIT.
 */
#ifndef QUESTV_KINFO_H
#define QUESTV_KINFO_H
#include <stdbool.h>
#include <stdint.h>
#include "include/questv/bootinfo.h"

struct kinfo {
	bool virtualized;          /* entered by the monitor (else GRUB) */
	bool vmcall;               /* hypercalls use Intel's vmcall, not vmmcall */
	unsigned sandbox, nsandboxes;
	uint64_t mem_bytes;
	uint64_t tsc_hz, lapic_hz;
	uint16_t console;
	const struct bootinfo *bi; /* 0 when native */
	const char *args;
};

extern struct kinfo kinfo;

/* Fill kinfo from what the loader passed to the entry point (magic, info). */
void kinfo_discover(uint32_t magic, uint64_t info);
#endif
