/*
 * Fuzz target "vpmu_args": the vPMU plugin's argument parser
 * (pmc/qemu-plugin/vpmu_args.c). Input: the text after `-plugin vpmu.so,`;
 * it is split at commas into argv as QEMU does.
 * Checked beyond the sanitizers: an error has a NUL-terminated message; an
 * accepted configuration has one line size on every level, as the parser
 * promises.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "pmc/qemu-plugin/vpmu_config.h"

#define MAX_ARGS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = 0;
	char *argv[MAX_ARGS];
	int argc = 0;
	for (char *p = text; argc < MAX_ARGS;) {
		argv[argc++] = p;
		char *comma = strchr(p, ',');
		if (!comma)
			break;
		*comma = 0;
		p = comma + 1;
	}
	static struct vpmu_config cfg;
	char err[2048];
	memset(err, 0x5a, sizeof err);
	if (vpmu_parse_args(argc, argv, &cfg, err, sizeof err)) {
		if (!memchr(err, 0, sizeof err))
			abort();
	} else if (cfg.l1d.line != cfg.llc.line) {
		abort();
	}
	free(text);
	return 0;
}
