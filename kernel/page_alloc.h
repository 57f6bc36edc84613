/* Physical page allocator over the sandbox's free RAM. */
#ifndef QUESTV_PAGE_ALLOC_H
#define QUESTV_PAGE_ALLOC_H
#include <stdint.h>

/* Manage pages in [start, end) (both 4 KiB aligned, end <= 512 MiB). */
void page_alloc_init(uint64_t start, uint64_t end);
/* A zeroed page's physical address, or 0 when RAM is exhausted. */
uint64_t page_alloc(void);
void page_free(uint64_t pa);
uint64_t pages_free(void);
#endif
