/*
 * Fuzz target "config": the system-config parser (monitor/config.c, with the
 * task sets it checks through sched/taskset.c and sched/params.c) and, when
 * a config parses, its placement on a fixed 4-core machine
 * (monitor/config_place.c). Input: the config text, any bytes.
 * Checked beyond the sanitizers: an error always carries a NUL-terminated
 * message; a placed sandbox lies inside free memory, above the floor.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "monitor/config.h"

#define MIB (1024ull * 1024)

static const struct machine machine = {
	.ncores = 4,
	.apic_ids = { 0, 1, 2, 3 },
	.nfree = 2,
	.free = { { 1 * MIB, 640 * MIB }, { 1024 * MIB, 2048 * MIB } },
	.nreserved = 1,
	.reserved = { { 1 * MIB, 8 * MIB } },  /* the monitor and its modules */
	.floor = 16 * MIB,
};

static void check_message(const struct config_error *err)
{
	if (!memchr(err->msg, 0, sizeof err->msg))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct system_config cfg;
	struct config_error err;
	memset(&err, 0x5a, sizeof err);
	if (config_parse((const char *)data, size, &cfg, &err)) {
		check_message(&err);
		return 0;
	}
	if (config_place(&cfg, &machine, &err)) {
		check_message(&err);
		return 0;
	}
	for (unsigned i = 0; i < cfg.nsandboxes; i++) {
		const struct sandbox_config *s = &cfg.sandbox[i];
		int inside = 0;
		for (unsigned r = 0; r < machine.nfree; r++)
			inside |= s->base >= machine.free[r].base && s->base + s->mem_bytes <= machine.free[r].end;
		if (!inside || s->base < machine.floor)
			abort();
	}
	return 0;
}
