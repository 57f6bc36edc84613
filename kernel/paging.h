/* The kernel's own page tables (identity mapped, built from page_alloc). */
#ifndef QUESTV_PAGING_H
#define QUESTV_PAGING_H
#include <stdint.h>

/*
 * Map RAM [0, mem_bytes) identity with 2 MiB pages (4 KiB in the first
 * 2 MiB, leaving page 0 unmapped to catch null pointers) and the LAPIC
 * page uncached, then switch to these tables. Returns 0 or -1 (no pages).
 */
int paging_init(uint64_t mem_bytes);

/* Map one 4 KiB page at va = pa (uncached when uc). 0 or -1. */
int paging_map_page(uint64_t pa, int uc);
#endif
