/*
 * 4 KiB-page window for experiments (see page_window.h). The kernel's page
 * tables are identity mapped, so the tables reached through CR3 can be
 * written directly; paging.c offers only va = pa mappings, which RAM's
 * 2 MiB pages already cover.
 */
#include "kernel/page_window.h"
#include "kernel/page_alloc.h"
#include "lib/x86.h"

#define P    (1ull << 0)
#define RW   (1ull << 1)
#define ADDR 0x000FFFFFFFFFF000ull

/* The table below entry e, allocated when e is empty. */
static uint64_t *below(uint64_t *e)
{
	if (!(*e & P)) {
		uint64_t pa = page_alloc();
		if (!pa)
			return 0;
		*e = pa | P | RW;
	}
	return (uint64_t *)(*e & ADDR);
}

static uint64_t *pte_of(uint64_t va)
{
	uint64_t *t = (uint64_t *)(read_cr3() & ADDR);
	unsigned level;
	for (level = 4; level > 1; level--)
		if (!(t = below(&t[(va >> (12 + 9 * (level - 1))) & 511])))
			return 0;
	return &t[(va >> 12) & 511];
}

int page_window_map(uint64_t npages)
{
	uint64_t i;
	for (i = 0; i < npages; i++) {
		uint64_t *pte = pte_of(PAGE_WINDOW_VA + i * 4096);
		uint64_t pa;
		if (!pte || (*pte & P) || !(pa = page_alloc()))
			return -1;
		*pte = pa | P | RW;
	}
	/* Reload CR3: nothing stale about the window may stay cached. */
	__asm__ volatile("mov %0, %%cr3" :: "r"(read_cr3()) : "memory");
	return 0;
}
