/*
 * LLC page colouring: which host pages a coloured sandbox gets.
 *
 * A physically indexed LLC picks a line's set from address bits, and the
 * bits above the 4 KiB page offset that still pick the set are the page's
 * colour: pages of different colours never compete for the same sets. With
 * W = LLC size / ways (one way's bytes), there are W / 4 KiB colours and the
 * colour of host page P is (P / 4 KiB) mod (W / 4 KiB).
 *
 * Coloured sandboxes take their pages from one pool of host memory, aligned
 * to W: slot s of colour c is the page at pool + s*W + c*4 KiB. Sandbox
 * pages go round-robin over its colours (guest page p has colour[p mod k],
 * k colours), and each colour hands out its slots in order, sandbox after
 * sandbox, so sandboxes with disjoint colours interleave in the pool and
 * sandboxes sharing a colour take turns in its slots: no page twice.
 *
 * Portable C (no monitor headers): unit-tested on the host.
 */
#ifndef QUESTV_COLOUR_H
#define QUESTV_COLOUR_H

#include <stddef.h>
#include <stdint.h>
#include "monitor/config.h"
#include "monitor/llc.h"

/*
 * Give every coloured sandbox of cfg its first slot in each of its colours
 * (colour_first) and return the bytes the pool needs (0: none coloured).
 * *tightest is the sandbox that needs the most slots of a single colour,
 * for errors.
 */
uint64_t colour_layout(struct system_config *cfg, unsigned *tightest);

/* Host-physical address of guest-physical gpa (< its memory) of sandbox i
 * in a placed config, coloured or not. */
uint64_t config_hpa(const struct system_config *cfg, unsigned i, uint64_t gpa);

/* Sandbox sb's colours as ranges ("0-7,9"), "none" if not coloured;
 * always NUL-terminated, truncated to cap - 1 characters. */
void colour_format(const struct sandbox_config *sb, char *buf, size_t cap);

#endif
