/*
 * Bitmap page allocator: one bit per 4 KiB page, next-fit search. Simple
 * and O(n) in the worst case, which is fine for boot-time allocations.
 */
#include "kernel/page_alloc.h"
#include "lib/string.h"

#define MAX_PAGES (512u * 1024 * 1024 / 4096)

static uint8_t used[MAX_PAGES / 8];
static uint64_t first, npages, next, nfree;

void page_alloc_init(uint64_t start, uint64_t end)
{
	first = start / 4096;
	npages = end / 4096 - first;
	if (npages > MAX_PAGES)
		npages = MAX_PAGES;
	memset(used, 0, sizeof used);
	next = 0;
	nfree = npages;
}

uint64_t page_alloc(void)
{
	uint64_t i;
	for (i = 0; i < npages; i++) {
		uint64_t p = (next + i) % npages;
		if (!(used[p / 8] & (1u << (p % 8)))) {
			used[p / 8] |= (uint8_t)(1u << (p % 8));
			next = p + 1;
			nfree--;
			memset((void *)((first + p) * 4096), 0, 4096);
			return (first + p) * 4096;
		}
	}
	return 0;
}

void page_free(uint64_t pa)
{
	uint64_t p = pa / 4096 - first;
	if (pa / 4096 < first || p >= npages || !(used[p / 8] & (1u << (p % 8))))
		return;
	used[p / 8] &= (uint8_t)~(1u << (p % 8));
	nfree++;
}

uint64_t pages_free(void) { return nfree; }
