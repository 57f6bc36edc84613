/* Kernel page tables (see paging.h). */
#include "kernel/paging.h"
#include "kernel/page_alloc.h"
#include "lib/lapic.h"

#define P   (1ull << 0)
#define RW  (1ull << 1)
#define PWT (1ull << 3)
#define PCD (1ull << 4)
#define PS  (1ull << 7)
#define ADDR 0x000FFFFFFFFFF000ull
#define MB2 (1ull << 21)

static uint64_t *pml4;

static uint64_t *entry_at(uint64_t *table, uint64_t va, unsigned level)
{
	return &table[(va >> (12 + 9 * (level - 1))) & 511];
}

/* The table one level below, created if missing; 0 if a large page is in the way. */
static uint64_t *next_table(uint64_t *e)
{
	if (!(*e & P)) {
		uint64_t pa = page_alloc();
		if (!pa)
			return 0;
		*e = pa | P | RW;
	} else if (*e & PS) {
		return 0;
	}
	return (uint64_t *)(*e & ADDR);
}

static int map(uint64_t pa, unsigned leaf_level, uint64_t flags)
{
	uint64_t *t = pml4;
	unsigned level;
	for (level = 4; level > leaf_level; level--)
		if (!(t = next_table(entry_at(t, pa, level))))
			return -1;
	*entry_at(t, pa, leaf_level) = pa | flags | P | RW | (leaf_level > 1 ? PS : 0);
	return 0;
}

int paging_map_page(uint64_t pa, int uc)
{
	pa &= ~0xFFFull;
	if (map(pa, 1, uc ? PCD | PWT : 0))
		return -1;
	__asm__ volatile("invlpg (%0)" :: "r"(pa) : "memory");
	return 0;
}

int paging_init(uint64_t mem_bytes)
{
	uint64_t pa;
	uint64_t root = page_alloc();
	if (!root)
		return -1;
	pml4 = (uint64_t *)root;
	for (pa = 4096; pa < MB2; pa += 4096)
		if (map(pa, 1, 0))
			return -1;
	for (pa = MB2; pa < mem_bytes; pa += MB2)
		if (map(pa, 2, 0))
			return -1;
	if (map(LAPIC_BASE, 1, PCD | PWT))
		return -1;
	__asm__ volatile("mov %0, %%cr3" :: "r"(root) : "memory");
	return 0;
}
