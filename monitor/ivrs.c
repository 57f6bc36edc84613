/* IVRS table parser (see ivrs.h; AMD IOMMU spec 3.08, 5.2.2-5.2.2.3). */
#include "monitor/ivrs.h"
#include "monitor/acpi_sdt.h"

#define HEADER      36u
#define BLOCKS      48u      /* header + IVinfo + 8 reserved bytes */
#define IVHD_10     0x10u    /* fixed part 24 bytes */
#define IVHD_11     0x11u    /* 40 bytes (also type 40h) */
#define IVHD_40     0x40u

/* Device entry types (spec table 95) */
#define DE_ALL          0x01u
#define DE_SELECT       0x02u
#define DE_START        0x03u
#define DE_END          0x04u
#define DE_ALIAS_SELECT 0x42u
#define DE_ALIAS_START  0x43u
#define DE_EXT_SELECT   0x46u
#define DE_EXT_START    0x47u
#define DE_SPECIAL      0x48u
#define DE_ACPI_HID     0xF0u
#define SPECIAL_IOAPIC  1u


/* An entry's size: 4 or 8 bytes by its type's top bits; of the variable
 * ones only ACPI HID (22 bytes and its UID) is defined. 0: unknown or
 * truncated. */
static uint32_t entry_len(const uint8_t *e, uint32_t left)
{
	if (e[0] < 0x80)
		return 4u << (e[0] >> 6);
	if (e[0] == DE_ACPI_HID && left >= 22)
		return 22u + e[21];
	return 0;
}

static const char *add_range(struct ivrs_unit *u, uint16_t first, uint16_t last,
			     uint16_t alias, bool aliased)
{
	if (u->nranges == IVRS_MAX_RANGES)
		return "IVRS: more device entries in one IVHD than the monitor keeps";
	if (last < first)
		return "IVRS: a device range ends before it starts";
	u->range[u->nranges++] = (struct ivrs_range){ first, last, alias, aliased };
	return 0;
}

/* The device entries of one IVHD block. */
static const char *entries(const uint8_t *e, uint32_t len, struct ivrs_unit *u)
{
	uint32_t off = 0, n;
	int start = -1;            /* device ID of an open range */
	uint16_t alias = 0;
	bool aliased = false;
	const char *why;

	for (; off < len; off += n) {
		uint8_t type = e[off];
		uint16_t id;
		if (!(n = entry_len(e + off, len - off)) || n > len - off)
			return "IVRS: a device entry is unknown or runs past its IVHD";
		id = (uint16_t)acpi_le(e + off + 1, 2);
		if (start >= 0 && type != DE_END)
			return "IVRS: a device range's start is not followed by its end";
		switch (type) {
		case DE_ALL:
			why = add_range(u, 0, 0xffff, 0, false);
			break;
		case DE_SELECT: case DE_EXT_SELECT: case DE_ACPI_HID:
			why = add_range(u, id, id, 0, false);
			break;
		case DE_ALIAS_SELECT:
			why = add_range(u, id, id, (uint16_t)acpi_le(e + off + 5, 2), true);
			break;
		case DE_START: case DE_EXT_START: case DE_ALIAS_START:
			start = id;
			aliased = type == DE_ALIAS_START;
			alias = aliased ? (uint16_t)acpi_le(e + off + 5, 2) : 0;
			why = 0;
			break;
		case DE_END:
			if (start < 0)
				return "IVRS: a device range's end has no start";
			why = add_range(u, (uint16_t)start, id, alias, aliased);
			start = -1;
			break;
		case DE_SPECIAL:
			if (e[off + 7] == SPECIAL_IOAPIC && !u->has_ioapic) {
				u->has_ioapic = true;
				u->ioapic_devid = (uint16_t)acpi_le(e + off + 5, 2);
			}
			why = 0;
			break;
		default:             /* padding and reserved types */
			why = 0;
		}
		if (why)
			return why;
	}
	return start >= 0 ? "IVRS: a device range's start is not followed by its end" : 0;
}

static bool known(const struct ivrs_info *v, uint64_t base)
{
	for (unsigned i = 0; i < v->nunits; i++)
		if (v->unit[i].reg_base == base)
			return true;
	return false;
}

/* One IVHD block of blen bytes at b. */
static const char *ivhd(const uint8_t *b, uint32_t blen, struct ivrs_info *v)
{
	uint32_t fixed = b[0] == IVHD_10 ? 24u : 40u;
	uint64_t base;
	struct ivrs_unit *u;

	if (blen < fixed)
		return "IVRS: IVHD shorter than its fixed fields";
	base = (uint64_t)acpi_le(b + 12, 4) << 32 | acpi_le(b + 8, 4);
	if (!base || (base & 0x3fff))
		return "IVRS: a unit's register base is 0 or not 16 KiB-aligned";
	if (known(v, base))
		return 0;            /* the same unit described for another driver level */
	if (v->nunits == IVRS_MAX_UNITS)
		return "IVRS: more IOMMU units than the monitor handles";
	u = &v->unit[v->nunits++];
	u->reg_base = base;
	u->devid = (uint16_t)acpi_le(b + 4, 2);
	u->segment = (uint16_t)acpi_le(b + 16, 2);
	return entries(b + fixed, blen - fixed, u);
}

static const char *const header_error[] = {
	[ACPI_SDT_NOT_IT] = "IVRS: not an IVRS table",
	[ACPI_SDT_BAD_LENGTH] = "IVRS: table length is shorter than its header or longer than the table",
	[ACPI_SDT_BAD_SUM] = "IVRS: checksum does not add up",
};

const char *ivrs_parse(const void *t, size_t len, struct ivrs_info *out)
{
	const uint8_t *p = t;
	uint32_t total, off, info;
	enum acpi_sdt_fault bad;

	*out = (struct ivrs_info){ 0 };
	if ((bad = acpi_sdt_check(p, len, "IVRS", BLOCKS, &total)))
		return header_error[bad];
	info = acpi_le(p + HEADER, 4);
	out->va_bits = (info >> 15) & 0x7f;
	out->pa_bits = (info >> 8) & 0x7f;
	for (off = BLOCKS; off < total;) {
		uint32_t blen;
		const char *why;
		if (total - off < 4)
			return "IVRS: truncated IVHD/IVMD block";
		blen = acpi_le(p + off + 2, 2);
		if (blen < 4 || blen > total - off)
			return "IVRS: a block's length runs past the table";
		if (p[off] == IVHD_10 || p[off] == IVHD_11 || p[off] == IVHD_40)
			if ((why = ivhd(p + off, blen, out)))
				return why;
		off += blen;
	}
	if (!out->nunits)
		return "IVRS: no IOMMU unit (IVHD)";
	return 0;
}

const struct ivrs_unit *ivrs_unit_for(const struct ivrs_info *v, uint16_t bdf,
				      uint16_t *requester)
{
	const struct ivrs_unit *best = 0;
	uint32_t span = 0x20000;   /* the narrowest range naming bdf wins */

	for (unsigned i = 0; i < v->nunits; i++) {
		const struct ivrs_unit *u = &v->unit[i];
		for (unsigned r = 0; !u->segment && r < u->nranges; r++) {
			const struct ivrs_range *g = &u->range[r];
			if (bdf < g->first || bdf > g->last || (uint32_t)(g->last - g->first) >= span)
				continue;
			span = (uint32_t)(g->last - g->first);
			best = u;
			*requester = g->aliased ? g->alias : bdf;
		}
	}
	return best;
}
