/* The header every ACPI system description table starts with (ACPI 6.4,
 * 5.2.6): a 4-byte signature, the table's length, and a checksum making all
 * its bytes sum to 0. Portable C: the monitor checks tables firmware left in
 * memory with it, and the DMAR and IVRS parsers (host unit-tested and
 * fuzzed) check the untrusted bytes they are given. */
#ifndef QUESTV_MONITOR_ACPI_SDT_H
#define QUESTV_MONITOR_ACPI_SDT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The little-endian field of n bytes at p (ACPI's byte order). */
uint32_t acpi_le(const uint8_t *p, unsigned n);

/* Do the len bytes at p sum to 0 (mod 256)? */
bool acpi_sums_to_zero(const uint8_t *p, uint32_t len);

enum acpi_sdt_fault {
	ACPI_SDT_OK,
	ACPI_SDT_NOT_IT,	/* no table, fewer than min bytes, or another signature */
	ACPI_SDT_BAD_LENGTH,	/* its length is below min or past the len bytes given */
	ACPI_SDT_BAD_SUM,	/* its bytes do not sum to 0 */
};

/* Check the table at p (len bytes readable) against signature sig and a
 * least length min (its fixed part); on ACPI_SDT_OK its own length is in
 * *total. */
enum acpi_sdt_fault acpi_sdt_check(const uint8_t *p, size_t len, const char sig[4], uint32_t min,
				   uint32_t *total);
#endif
