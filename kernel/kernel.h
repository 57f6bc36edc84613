/* What the sandbox kernel knows about itself, gathered at boot. */
#ifndef QUESTV_KERNEL_H
#define QUESTV_KERNEL_H
#include <stdbool.h>
#include <stdint.h>
#include "../include/questv/bootinfo.h"

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

/* End this kernel's run: through the monitor, or natively by debug-exit. */
__attribute__((noreturn)) void kernel_end_run(unsigned status);

/* Is word (e.g. "probe") one of the space-separated args? value of "k=v"? */
bool arg_present(const char *word);
const char *arg_value(const char *key);
/* The decimal value of "key=N" in the args; dflt when absent or not a number. */
uint64_t arg_u64(const char *key, uint64_t dflt);
#endif
