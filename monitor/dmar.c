/* DMAR table parser (see dmar.h; VT-d spec 3.4, 8.1-8.3). */
#include "monitor/dmar.h"
#include "monitor/acpi_sdt.h"

#define HEADER        36u
#define STRUCTS       48u      /* header + width, flags, 10 reserved bytes */
#define TYPE_DRHD     0u
#define DRHD_FIXED    16u      /* type, length, flags, size, segment, base */
#define SCOPE_FIXED   6u       /* type, length, reserved, enumeration id, bus */
#define SCOPE_ENDPOINT 1u
#define SCOPE_IOAPIC  3u
#define FLAG_INTR_REMAP 1u
#define DRHD_INCLUDE_ALL 1u


/* The requester id a one-hop scope names: bus, device, function. */
static uint16_t scope_sid(const uint8_t *s)
{
	return (uint16_t)(s[5] << 8 | (s[6] & 31) << 3 | (s[7] & 7));
}

/* Endpoints named by one-hop device scopes (deeper paths sit behind
 * bridges, which the monitor never assigns), and the I/O APIC's id (the
 * first one named: the PC's only one). */
static const char *scopes(const uint8_t *s, uint32_t len, struct dmar_unit *u,
			  struct dmar_info *out)
{
	uint32_t off = 0;
	while (off < len) {
		uint8_t type, slen;
		if (len - off < 2 || (slen = s[off + 1]) < SCOPE_FIXED || slen > len - off)
			return "DMAR: a device scope's length runs past its unit";
		type = s[off];
		if (type == SCOPE_ENDPOINT && slen == SCOPE_FIXED + 2 &&
		    u->nendpoints < DMAR_MAX_ENDPOINTS)
			u->endpoint[u->nendpoints++] = scope_sid(s + off);
		if (type == SCOPE_IOAPIC && slen == SCOPE_FIXED + 2 && !out->has_ioapic) {
			out->has_ioapic = true;
			out->ioapic_sid = scope_sid(s + off);
		}
		off += slen;
	}
	return 0;
}

static const char *const header_error[] = {
	[ACPI_SDT_NOT_IT] = "DMAR: not a DMAR table",
	[ACPI_SDT_BAD_LENGTH] = "DMAR: table length is shorter than its header or longer than the table",
	[ACPI_SDT_BAD_SUM] = "DMAR: checksum does not add up",
};

const char *dmar_parse(const void *t, size_t len, struct dmar_info *out)
{
	const uint8_t *p = t;
	uint32_t total, off;
	enum acpi_sdt_fault bad;

	*out = (struct dmar_info){ 0 };
	if ((bad = acpi_sdt_check(p, len, "DMAR", STRUCTS, &total)))
		return header_error[bad];
	out->haw = p[HEADER] + 1u;
	out->intr_remap = p[HEADER + 1] & FLAG_INTR_REMAP;
	for (off = STRUCTS; off < total;) {
		uint32_t type, slen;
		if (total - off < 4)
			return "DMAR: truncated remapping structure";
		type = acpi_le(p + off, 2);
		slen = acpi_le(p + off + 2, 2);
		if (slen < 4 || slen > total - off)
			return "DMAR: a remapping structure's length runs past the table";
		if (type == TYPE_DRHD) {
			struct dmar_unit *u;
			const char *why;
			if (slen < DRHD_FIXED)
				return "DMAR: DRHD shorter than its fixed fields";
			if (out->nunits == DMAR_MAX_UNITS)
				return "DMAR: more remapping units than the monitor handles";
			u = &out->unit[out->nunits++];
			u->include_all = p[off + 4] & DRHD_INCLUDE_ALL;
			u->segment = (uint16_t)acpi_le(p + off + 6, 2);
			u->reg_base = (uint64_t)acpi_le(p + off + 12, 4) << 32 | acpi_le(p + off + 8, 4);
			if (!u->reg_base || (u->reg_base & 0xfff))
				return "DMAR: a unit's register base is 0 or not page-aligned";
			if ((why = scopes(p + off + DRHD_FIXED, slen - DRHD_FIXED, u, out)))
				return why;
		}
		off += slen;
	}
	if (!out->nunits)
		return "DMAR: no remapping hardware unit (DRHD)";
	return 0;
}

const struct dmar_unit *dmar_unit_for(const struct dmar_info *d, uint16_t bdf)
{
	const struct dmar_unit *all = 0;
	for (unsigned i = 0; i < d->nunits; i++) {
		const struct dmar_unit *u = &d->unit[i];
		if (u->segment)
			continue;
		for (unsigned e = 0; e < u->nendpoints; e++)
			if (u->endpoint[e] == bdf)
				return u;
		if (u->include_all)
			all = u;
	}
	return all;
}
