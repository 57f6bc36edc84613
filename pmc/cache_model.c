/* Set-associative LRU cache and TLB: see cache_model.h for the contract.
 *
 * Each set is kept in recency order (way 0 most recent), so a hit on the most
 * recent line - the common case for streaming and looping code - costs one
 * compare, and LRU replacement is "drop the last way". This is the same policy
 * cachegrind simulates, which is what the validation compares against. */
#include "pmc/cache_model.h"

static bool is_pow2(uint64_t x) { return x != 0 && (x & (x - 1)) == 0; }

static uint32_t log2_u64(uint64_t x)
{
	uint32_t n = 0;
	while (x > 1) {
		x >>= 1;
		n++;
	}
	return n;
}

const char *cache_geometry_check(const struct cache_geometry *g)
{
	if (!is_pow2(g->line))
		return "line size must be a power of two";
	if (g->ways == 0)
		return "associativity must be at least 1";
	if (g->size == 0 || g->size % ((uint64_t)g->ways * g->line) != 0)
		return "size must be a non-zero multiple of ways * line size";
	if (!is_pow2(g->size / ((uint64_t)g->ways * g->line)))
		return "size / (ways * line size) (the number of sets) must be a power of two";
	return 0;
}

uint64_t cache_lines_needed(const struct cache_geometry *g)
{
	return g->size / g->line;
}

void cache_init(struct cache *c, const struct cache_geometry *g, struct cache_line *lines)
{
	c->lines = lines;
	c->ways = g->ways;
	c->sets = g->size / ((uint64_t)g->ways * g->line);
	c->line_shift = log2_u64(g->line);
	cache_flush(c);
}

void cache_flush(struct cache *c)
{
	uint64_t n = c->sets * c->ways;
	for (uint64_t i = 0; i < n; i++) {
		c->lines[i].tag = CACHE_INVALID;
		c->lines[i].owner = CACHE_NO_OWNER;
	}
	c->valid = 0;
	for (uint32_t o = 0; o < CACHE_MAX_OWNERS; o++)
		c->occupancy[o] = 0;
}

struct cache_result cache_access(struct cache *c, uint64_t addr, uint16_t owner)
{
	uint64_t tag = addr >> c->line_shift;
	struct cache_line *set = &c->lines[(tag & (c->sets - 1)) * c->ways];
	struct cache_result r = {.hit = true, .victim_owner = CACHE_NO_OWNER};
	uint32_t w;

	if (set[0].tag == tag)
		return r;
	for (w = 1; w < c->ways && set[w].tag != tag; w++)
		;
	struct cache_line moved;
	if (w < c->ways) {
		moved = set[w];
	} else {
		/* Miss: the least recent way is the victim (empty ways sit at the
		 * end of the order, so they are used first). */
		r.hit = false;
		w = c->ways - 1;
		if (set[w].tag == CACHE_INVALID) {
			c->valid++;
		} else {
			r.victim_owner = set[w].owner;
			c->occupancy[set[w].owner]--;
		}
		moved.tag = tag;
		moved.owner = owner;
		c->occupancy[owner]++;
	}
	for (; w > 0; w--)
		set[w] = set[w - 1];
	set[0] = moved;
	return r;
}

const char *tlb_geometry(uint32_t entries, uint32_t ways, uint32_t page, struct cache_geometry *out)
{
	if (ways == 0 || entries % ways != 0)
		return "TLB entries must be a non-zero multiple of its associativity";
	out->size = (uint64_t)entries * page;
	out->ways = ways;
	out->line = page;
	return cache_geometry_check(out);
}

bool tlb_access(struct cache *t, uint64_t vaddr)
{
	return cache_access(t, vaddr, 0).hit;
}
