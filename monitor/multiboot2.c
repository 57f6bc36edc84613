/* Multiboot2 information parser (multiboot2 specification, section 3.6). */
#include "monitor/multiboot2.h"
#include "lib/string.h"

#define MMAP_AVAILABLE 1

struct tag_module { uint32_t type, size, mod_start, mod_end; char cmdline[]; };
struct tag_mmap { uint32_t type, size, entry_size, entry_version; };
struct mmap_entry { uint64_t base, len; uint32_t type, reserved; };

static void add_range(struct mem_range *r, unsigned *n, uint64_t base, uint64_t end)
{
	if (*n < MACHINE_MAX_RANGES && end > base)
		r[(*n)++] = (struct mem_range){ base, end };
}

static void parse_mmap(const struct tag_mmap *t, struct machine *m)
{
	const uint8_t *p = (const uint8_t *)(t + 1);
	const uint8_t *end = (const uint8_t *)t + t->size;
	for (; t->entry_size && p + sizeof(struct mmap_entry) <= end; p += t->entry_size) {
		const struct mmap_entry *e = (const void *)p;
		if (e->type == MMAP_AVAILABLE)
			add_range(m->free, &m->nfree, e->base, e->base + e->len);
	}
}

int mb2_parse(uint32_t magic, uint64_t info, struct boot_modules *mods,
	      struct machine *m, const char **why)
{
	const struct mb2_tag *t;

	if (magic != MB2_BOOT_MAGIC) {
		*why = "not booted by a multiboot2 loader";
		return -1;
	}
	add_range(m->reserved, &m->nreserved, info, info + *(const uint32_t *)info);
	for (t = mb2_next(info, 0); t; t = mb2_next(info, t)) {
		if (t->type == MB2_TAG_END)
			return 0;
		if (t->type == MB2_TAG_MODULE && mods->n < MB2_MAX_MODULES) {
			const struct tag_module *tm = (const void *)t;
			mods->mod[mods->n++] = (struct boot_module){ tm->cmdline, tm->mod_start, tm->mod_end };
			add_range(m->reserved, &m->nreserved, tm->mod_start, tm->mod_end);
		} else if (t->type == MB2_TAG_MMAP) {
			parse_mmap((const void *)t, m);
		} else if ((t->type == MB2_TAG_ACPI_V1 || t->type == MB2_TAG_ACPI_V2) && !mods->acpi_rsdp) {
			mods->acpi_rsdp = t + 1;
		}
	}
	*why = "multiboot2 information is malformed (no end tag)";
	return -1;
}

const struct boot_module *mb2_module(const struct boot_modules *mods, const char *name)
{
	unsigned i;
	for (i = 0; i < mods->n; i++)
		if (!strncmp(mods->mod[i].cmdline, name, strlen(name) + 1))
			return &mods->mod[i];
	return 0;
}
