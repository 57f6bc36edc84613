/* A set-associative, LRU, write-allocate cache over line addresses, and a
 * TLB built on the same structure (a TLB is a cache of page numbers).
 *
 * Portable C with no allocation: the caller provides the line storage
 * (cache_lines_needed() tells how much), so the same code runs in the QEMU
 * plugin, in host unit tests and in host validation tools.
 *
 * Each resident line remembers an owner (a small integer, the vCPU whose
 * miss filled it) so a shared cache can report who evicted whom and how many
 * lines each owner holds: the ground truth occupancy estimators are judged
 * against. */
#ifndef PMC_CACHE_MODEL_H
#define PMC_CACHE_MODEL_H

#include <stdbool.h>
#include <stdint.h>

/* Largest owner number + 1 a cache tracks occupancy for: the vPMU's 16
 * vCPUs times its 4 guest tags. */
#define CACHE_MAX_OWNERS 64u
/* Marks "no owner" in struct cache_result.victim_owner. */
#define CACHE_NO_OWNER 0xffffu
/* Tag of an empty way: no address shifted right by a line shift reaches it. */
#define CACHE_INVALID UINT64_MAX

struct cache_geometry {
	uint64_t size;	   /* bytes; must equal sets * ways * line */
	uint32_t ways;	   /* associativity, >= 1 */
	uint32_t line;	   /* line (or page) size in bytes, a power of two */
};

struct cache_line {
	uint64_t tag;	   /* line address (addr >> line_shift); CACHE_INVALID if empty */
	uint16_t owner;	   /* who filled it */
};

struct cache {
	struct cache_line *lines;  /* sets * ways, each set ordered most- to least-recent */
	uint64_t sets;		   /* a power of two */
	uint32_t ways;
	uint32_t line_shift;
	uint64_t valid;		   /* resident lines */
	uint64_t occupancy[CACHE_MAX_OWNERS]; /* resident lines per owner */
};

/* What one access did. */
struct cache_result {
	bool hit;
	/* On a miss that replaced a resident line: its owner; else CACHE_NO_OWNER. */
	uint16_t victim_owner;
};

/* Check GEOM and return NULL if it is valid, else a static message saying
 * what is wrong (sizes not powers of two, size not sets*ways*line, ...). */
const char *cache_geometry_check(const struct cache_geometry *geom);

/* Number of struct cache_line a cache of geometry GEOM needs (sets * ways).
 * GEOM must have passed cache_geometry_check(). */
uint64_t cache_lines_needed(const struct cache_geometry *geom);

/* Make C an empty cache of geometry GEOM (already checked) using LINES, an
 * array of cache_lines_needed(GEOM) elements owned by the caller. */
void cache_init(struct cache *c, const struct cache_geometry *geom, struct cache_line *lines);

/* Access the line holding byte address ADDR on behalf of OWNER (<
 * CACHE_MAX_OWNERS). A hit makes the line most recent; a miss fills it as
 * most recent, replacing the least recently used line of its set if the set
 * is full. Returns what happened. */
struct cache_result cache_access(struct cache *c, uint64_t addr, uint16_t owner);

/* True if ADDR's line is the most recent of its set: cache_access()'s
 * cheapest case (a hit that changes nothing), inline for hot callers. */
static inline bool cache_mru_hit(const struct cache *c, uint64_t addr)
{
	uint64_t tag = addr >> c->line_shift;
	return c->lines[(tag & (c->sets - 1)) * c->ways].tag == tag;
}

/* Empty C (all lines invalid, occupancy zero), keeping its geometry. */
void cache_flush(struct cache *c);

/* A TLB: ENTRIES translations of PAGE-byte pages, WAYS-way associative.
 * Return NULL if valid, else a static message. */
const char *tlb_geometry(uint32_t entries, uint32_t ways, uint32_t page, struct cache_geometry *out);

/* Look VADDR's page up in TLB T (a cache made from tlb_geometry()); a miss
 * installs the translation. Returns true on a hit. */
bool tlb_access(struct cache *t, uint64_t vaddr);

#endif
