/*
 * Fuzz target "ivrs": the ACPI IVRS parser (monitor/ivrs.c), which reads
 * the AMD-Vi table firmware leaves in memory. Input: the table's bytes.
 * The checksum byte is set to make the bytes the table's length names add
 * up, so mutations reach the blocks and device entries behind it.
 * Checked beyond the sanitizers: an error has a message; an accepted table
 * has units with aligned register bases and sound ranges, and the lookup
 * answers from them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "monitor/ivrs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *t = malloc(size ? size : 1);
	struct ivrs_info v;
	uint16_t req;

	memcpy(t, data, size);
	if (size >= 10) {
		uint32_t total = t[4] | t[5] << 8 | t[6] << 16 | (uint32_t)t[7] << 24;
		uint8_t sum = 0;
		t[9] = 0;
		for (uint32_t i = 0; i < total && i < size; i++)
			sum = (uint8_t)(sum + t[i]);
		t[9] = (uint8_t)(0u - sum);
	}
	const char *why = ivrs_parse(t, size, &v);
	if (why) {
		if (!*why)
			abort();
	} else {
		if (!v.nunits || v.nunits > IVRS_MAX_UNITS)
			abort();
		for (unsigned i = 0; i < v.nunits; i++) {
			const struct ivrs_unit *u = &v.unit[i];
			if (!u->reg_base || (u->reg_base & 0x3fff) || u->nranges > IVRS_MAX_RANGES)
				abort();
			for (unsigned r = 0; r < u->nranges; r++)
				if (u->range[r].last < u->range[r].first)
					abort();
		}
		for (uint32_t bdf = 0; bdf < 0x10000; bdf += 0x0101) {
			const struct ivrs_unit *u = ivrs_unit_for(&v, (uint16_t)bdf, &req);
			if (u && (u < v.unit || u >= v.unit + v.nunits))
				abort();
		}
	}
	free(t);
	return 0;
}
