/*
 * Placement: check a parsed config against the machine and give every
 * sandbox and shared region host-physical memory.
 *
 * Freestanding like config.c. The machine's range lists come from the
 * firmware memory map and the boot modules: unsorted, possibly
 * overlapping, possibly empty, so they are normalized before use.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "monitor/config.h"

/* Usable RAM, sorted and merged, and what is already taken out of it. */
struct layout {
	struct mem_range ram[MACHINE_MAX_RANGES];
	unsigned nram;
	struct mem_range busy[MACHINE_MAX_RANGES + CFG_MAX_SANDBOXES +
			      CFG_MAX_SHARED];
	unsigned nbusy;    /* the first nreserved are the machine's */
	unsigned nreserved;
	uint64_t floor;
};

static unsigned at_most(unsigned n, unsigned max)
{
	return n < max ? n : max;
}

/* Inclusive last byte of [base, base + size), saturating at the top. */
static uint64_t last_byte(uint64_t base, uint64_t size)
{
	return size - 1 > UINT64_MAX - base ? UINT64_MAX : base + size - 1;
}

/* Does [base, last] meet the half-open range r? */
static bool meets(uint64_t base, uint64_t last, const struct mem_range *r)
{
	return base < r->end && r->base <= last;
}

static void add_busy(struct layout *l, uint64_t base, uint64_t size)
{
	l->busy[l->nbusy++] = (struct mem_range){ base, base + size };
}

static void init_layout(struct layout *l, const struct machine *m)
{
	unsigned n = 0;

	/* Insertion-sort the non-empty free ranges by base... */
	for (unsigned i = 0; i < at_most(m->nfree, MACHINE_MAX_RANGES); i++) {
		struct mem_range r = m->free[i];
		unsigned j;

		if (r.end <= r.base)
			continue;
		for (j = n; j > 0 && l->ram[j - 1].base > r.base; j--)
			l->ram[j] = l->ram[j - 1];
		l->ram[j] = r;
		n++;
	}
	/* ...then merge those that overlap or touch, in place. */
	l->nram = 0;
	for (unsigned i = 0; i < n; i++) {
		struct mem_range r = l->ram[i];
		struct mem_range *prev = l->nram ? &l->ram[l->nram - 1] : NULL;

		if (prev && r.base <= prev->end)
			prev->end = r.end > prev->end ? r.end : prev->end;
		else
			l->ram[l->nram++] = r;
	}

	l->nbusy = 0;
	for (unsigned i = 0; i < at_most(m->nreserved, MACHINE_MAX_RANGES); i++)
		if (m->reserved[i].end > m->reserved[i].base)
			l->busy[l->nbusy++] = m->reserved[i];
	l->nreserved = l->nbusy;
	/* Base 0 means "unplaced" in the config, so never hand it out. */
	l->floor = m->floor ? m->floor : 1;
}

/* ---- Error messages ---------------------------------------------------- */

static void put_size(struct config_error *err, uint64_t bytes)
{
	bool mib = bytes % CFG_MIB == 0;

	config_error_dec(err, mib ? bytes / CFG_MIB : bytes / 1024);
	config_error_str(err, mib ? " MiB" : " KiB");
}

/* The machine's APIC IDs, sorted, runs compressed: "0-3,6". */
static void put_cores(struct config_error *err, const struct machine *m)
{
	uint32_t ids[CFG_MAX_CORES];
	unsigned n = at_most(m->ncores, CFG_MAX_CORES), i, j;

	for (i = 0; i < n; i++) {
		for (j = i; j > 0 && ids[j - 1] > m->apic_ids[i]; j--)
			ids[j] = ids[j - 1];
		ids[j] = m->apic_ids[i];
	}
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && ids[j] <= (uint64_t)ids[j - 1] + 1; j++)
			;
		if (i)
			config_error_str(err, ",");
		config_error_dec(err, ids[i]);
		if (ids[j - 1] != ids[i]) {
			config_error_str(err, "-");
			config_error_dec(err, ids[j - 1]);
		}
	}
}

/* "line N: memory of sandbox I (0xbase-0xlast) " + the caller's problem */
static void memory_error(struct config_error *err,
			 const struct system_config *cfg, unsigned i)
{
	const struct sandbox_config *sb = &cfg->sandbox[i];

	config_error_begin(err, sb->line);
	config_error_str(err, "memory of sandbox ");
	config_error_dec(err, i);
	config_error_str(err, " (");
	config_error_hex(err, sb->base);
	config_error_str(err, "-");
	config_error_hex(err, last_byte(sb->base, sb->mem_bytes));
	config_error_str(err, ") ");
}

/* Continues a "sandbox 3" or "shared region 'x'" message. */
static int no_room(struct config_error *err, uint64_t size, uint64_t left)
{
	config_error_str(err, " needs ");
	put_size(err, size);
	config_error_str(err, " but only ");
	put_size(err, left);
	config_error_str(err, " of contiguous usable memory is left");
	return -1;
}

/* ---- Checks and carving ------------------------------------------------ */

static int check_cores(const struct system_config *cfg,
		       const struct machine *m, struct config_error *err)
{
	unsigned ncores = at_most(m->ncores, CFG_MAX_CORES);

	for (unsigned i = 0; i < cfg->nsandboxes; i++) {
		const struct sandbox_config *sb = &cfg->sandbox[i];
		unsigned c;

		for (c = 0; c < ncores && m->apic_ids[c] != sb->core; c++)
			;
		if (c < ncores)
			continue;
		config_error_begin(err, sb->line);
		config_error_str(err, "sandbox ");
		config_error_dec(err, i);
		config_error_str(err, " wants core ");
		config_error_dec(err, sb->core);
		config_error_str(err, ncores ? " but the machine has cores " :
				 " but the machine has no cores");
		put_cores(err, m);
		return -1;
	}
	return 0;
}

/* A base from the config: it must be usable RAM that nobody else has. */
static int check_base(const struct system_config *cfg, unsigned i,
		      struct layout *l, struct config_error *err)
{
	const struct sandbox_config *sb = &cfg->sandbox[i];
	uint64_t last = last_byte(sb->base, sb->mem_bytes);
	unsigned r;

	if (sb->base < l->floor) {
		memory_error(err, cfg, i);
		config_error_str(err, "is below the lowest allowed address ");
		config_error_hex(err, l->floor);
		return -1;
	}
	for (r = 0; r < l->nram; r++)
		if (l->ram[r].base <= sb->base && last < l->ram[r].end)
			break;
	if (r == l->nram) {
		memory_error(err, cfg, i);
		config_error_str(err, "is not usable RAM");
		return -1;
	}
	for (r = 0; r < l->nreserved; r++) {
		if (meets(sb->base, last, &l->busy[r])) {
			memory_error(err, cfg, i);
			config_error_str(err,
					 "overlaps the monitor or a boot module");
			return -1;
		}
	}
	for (unsigned j = 0; j < i; j++) {
		const struct sandbox_config *o = &cfg->sandbox[j];
		struct mem_range other = { o->base, o->base + o->mem_bytes };

		if (o->base && meets(sb->base, last, &other)) {
			memory_error(err, cfg, i);
			config_error_str(err, "overlaps sandbox ");
			config_error_dec(err, j);
			return -1;
		}
	}
	add_busy(l, sb->base, sb->mem_bytes);
	return 0;
}

static bool align_up(uint64_t *a, uint64_t align)
{
	uint64_t rest = *a % align;

	if (rest && *a > UINT64_MAX - (align - rest))
		return false;
	*a += rest ? align - rest : 0;
	return true;
}

/*
 * First fit: the lowest align-aligned address >= floor where size bytes
 * are usable RAM and not busy; marks them busy. On failure *left is the
 * largest aligned block that was free, for the error message.
 */
static bool carve(struct layout *l, uint64_t size, uint64_t align,
		  uint64_t *base, uint64_t *left)
{
	*left = 0;
	for (unsigned i = 0; i < l->nram; i++) {
		uint64_t a = l->ram[i].base > l->floor ? l->ram[i].base
						      : l->floor;

		while (align_up(&a, align) && a < l->ram[i].end) {
			uint64_t end = l->ram[i].end, room;
			unsigned b;

			/* Inside something busy: skip past it. */
			for (b = 0; b < l->nbusy; b++)
				if (meets(a, a, &l->busy[b]))
					break;
			if (b < l->nbusy) {
				a = l->busy[b].end;
				continue;
			}
			/* Free from a up to the next busy range or RAM end. */
			for (b = 0; b < l->nbusy; b++)
				if (l->busy[b].base > a && l->busy[b].base < end)
					end = l->busy[b].base;
			room = (end - a) / align * align;
			if (room >= size) {
				*base = a;
				add_busy(l, a, size);
				return true;
			}
			*left = room > *left ? room : *left;
			a = end;
		}
	}
	return false;
}

static int place(struct system_config *cfg, const struct machine *m,
		 struct config_error *err)
{
	struct layout l;
	uint64_t left;

	if (check_cores(cfg, m, err))
		return -1;
	init_layout(&l, m);
	/* Explicit bases first: carving must go around them. */
	for (unsigned i = 0; i < cfg->nsandboxes; i++)
		if (cfg->sandbox[i].base && check_base(cfg, i, &l, err))
			return -1;
	for (unsigned i = 0; i < cfg->nsandboxes; i++) {
		struct sandbox_config *sb = &cfg->sandbox[i];

		if (sb->base || carve(&l, sb->mem_bytes, CFG_MEM_ALIGN,
				      &sb->base, &left))
			continue;
		config_error_begin(err, sb->line);
		config_error_str(err, "sandbox ");
		config_error_dec(err, i);
		return no_room(err, sb->mem_bytes, left);
	}
	for (unsigned j = 0; j < cfg->nshared; j++) {
		struct shared_config *sh = &cfg->shared[j];

		if (carve(&l, sh->size, CFG_SHARED_ALIGN, &sh->base, &left))
			continue;
		config_error_begin(err, sh->line);
		config_error_str(err, "shared region '");
		config_error_str(err, sh->name);
		config_error_str(err, "'");
		return no_room(err, sh->size, left);
	}
	return 0;
}

/*
 * Check cfg (as config_parse left it) against m and fill in every base:
 * explicit sandbox bases are checked, the others and all shared regions
 * are carved first-fit. Returns 0, or -1 with *err naming the section's
 * line; then every base this call assigned is 0 again.
 */
int config_place(struct system_config *cfg, const struct machine *m,
		 struct config_error *err)
{
	uint64_t given[CFG_MAX_SANDBOXES];

	for (unsigned i = 0; i < cfg->nsandboxes; i++)
		given[i] = cfg->sandbox[i].base;
	config_error_begin(err, 0);
	if (place(cfg, m, err) == 0)
		return 0;
	for (unsigned i = 0; i < cfg->nsandboxes; i++)
		cfg->sandbox[i].base = given[i];
	for (unsigned j = 0; j < cfg->nshared; j++)
		cfg->shared[j].base = 0;
	return -1;
}
