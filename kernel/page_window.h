/*
 * A window of fresh data pages mapped with 4 KiB page-table entries at a
 * virtual address of its own. The kernel identity-maps RAM with 2 MiB pages,
 * where one TLB entry covers 512 pages: a TLB experiment needs one entry per
 * page it touches, as user data on a general-purpose OS would.
 */
#ifndef QUESTV_PAGE_WINDOW_H
#define QUESTV_PAGE_WINDOW_H
#include <stdint.h>

/* First byte of the window: PML4 slot 1, clear of the identity map in slot 0. */
#define PAGE_WINDOW_VA (1ull << 39)

/*
 * Map npages newly allocated (zeroed) pages at PAGE_WINDOW_VA, PAGE_WINDOW_VA
 * + 4 KiB, ... Returns 0, or -1 when RAM ran out or the window is in use.
 */
int page_window_map(uint64_t npages);
#endif
