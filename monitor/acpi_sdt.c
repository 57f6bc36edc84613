/* ACPI table header checks (see acpi_sdt.h). */
#include "monitor/acpi_sdt.h"

uint32_t acpi_le(const uint8_t *p, unsigned n)
{
	uint32_t v = 0;
	while (n--)
		v = v << 8 | p[n];
	return v;
}

bool acpi_sums_to_zero(const uint8_t *p, uint32_t len)
{
	uint8_t sum = 0;
	while (len--)
		sum = (uint8_t)(sum + *p++);
	return sum == 0;
}

enum acpi_sdt_fault acpi_sdt_check(const uint8_t *p, size_t len, const char sig[4], uint32_t min,
				   uint32_t *total)
{
	if (!p || len < min || p[0] != sig[0] || p[1] != sig[1] || p[2] != sig[2] || p[3] != sig[3])
		return ACPI_SDT_NOT_IT;
	*total = acpi_le(p + 4, 4);
	if (*total < min || *total > len)
		return ACPI_SDT_BAD_LENGTH;
	return acpi_sums_to_zero(p, *total) ? ACPI_SDT_OK : ACPI_SDT_BAD_SUM;
}
