/*
 * Shared regions: each member writes a mark into its own slot (word N for
 * sandbox N) before the isolation probe; after it (when every sandbox has
 * probed, so every mark is written) each member reports whose marks it
 * sees. Only the members' marks may appear: that proves the region is
 * really one memory, shared by exactly the sandboxes the config names.
 */
#include "kernel/shared.h"
#include "kernel/kinfo.h"
#include "kernel/paging.h"
#include "lib/record.h"

#define MARK(sb) (0x5348415245440000ull | (sb))   /* "SHARED" + id */

static volatile uint64_t *slots(const struct bootinfo_shared *s)
{
	return (volatile uint64_t *)s->gpa;
}

void shared_announce(void)
{
	unsigned i;
	uint64_t off;
	if (!kinfo.bi)
		return;
	for (i = 0; i < kinfo.bi->nshared; i++) {
		const struct bootinfo_shared *s = &kinfo.bi->shared[i];
		for (off = 0; off < s->size; off += 4096)
			paging_map_page(s->gpa + off, 0);
		slots(s)[kinfo.sandbox] = MARK(kinfo.sandbox);
	}
}

void shared_report(void)
{
	unsigned i, sb;
	if (!kinfo.bi)
		return;
	for (i = 0; i < kinfo.bi->nshared; i++) {
		const struct bootinfo_shared *s = &kinfo.bi->shared[i];
		struct record r;
		char seen[3 * BOOTINFO_MAX_PEERS + 1];
		unsigned n = 0;
		for (sb = 0; sb < BOOTINFO_MAX_PEERS; sb++) {
			if (slots(s)[sb] != MARK(sb))
				continue;
			if (n)
				seen[n++] = ' ';
			seen[n++] = (char)('0' + sb);
		}
		seen[n] = 0;
		rec_begin(&r, "shared");
		rec_u64(&r, "sandbox", kinfo.sandbox);
		rec_str(&r, "name", s->name);
		rec_hex(&r, "gpa", s->gpa);
		rec_u64(&r, "size", s->size);
		rec_str(&r, "marks", seen);
		rec_end(&r);
	}
}
