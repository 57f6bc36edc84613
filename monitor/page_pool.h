/* Physically contiguous, zeroed pages for monitor structures (identity mapped). */
#ifndef QUESTV_PAGE_POOL_H
#define QUESTV_PAGE_POOL_H
#include <stdint.h>
#include "monitor/nested_pt.h"

/* n contiguous zeroed 4 KiB pages, or 0 when the pool is exhausted. */
void *pool_alloc(unsigned n);
unsigned pool_pages_used(void);
/* Where the pool starts (nested tables, VMCBs/VMCSs, bitmaps live there). */
uint64_t pool_start(void);

/* Allocator for nested page tables, backed by the pool. */
extern const struct pt_alloc pool_pt_alloc;
#endif
