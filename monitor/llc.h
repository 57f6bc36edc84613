/*
 * The last-level cache that page colours partition, and the arithmetic of
 * colours (monitor/colour.h says what colouring does with them).
 *
 * With W = size / ways (one way's bytes), a page's colour picks which of
 * the LLC's sets its lines can use: there are W / 4 KiB colours, and host
 * page P has colour (P / 4 KiB) mod (W / 4 KiB). Header-only, so the config
 * parser can check colours without depending on the colouring code.
 */
#ifndef QUESTV_LLC_H
#define QUESTV_LLC_H
#include <stdint.h>

#define LLC_PAGE 4096u

struct llc_geometry {
	uint64_t size;        /* bytes */
	unsigned ways;
	unsigned line;        /* bytes */
};

/* Bytes of one way, and the colours that makes (0 if not a whole page). */
static inline uint64_t colour_way(const struct llc_geometry *g)
{
	return g->ways ? g->size / g->ways : 0;
}

static inline unsigned colour_count(const struct llc_geometry *g)
{
	return (unsigned)(colour_way(g) / LLC_PAGE);
}

/* The colour of host-physical address hpa. */
static inline unsigned colour_of(const struct llc_geometry *g, uint64_t hpa)
{
	return (unsigned)((hpa / LLC_PAGE) % colour_count(g));
}
#endif
