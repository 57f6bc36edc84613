/*
 * The monitor's page pool: a static array in its BSS, handed out in order
 * and never freed (sandboxes live as long as the run). The monitor runs
 * identity mapped, so a page's address is its physical address.
 */
#include "monitor/page_pool.h"
#include "monitor/spinlock.h"
#include "lib/string.h"

#define POOL_PAGES 2048 /* coloured sandboxes need 4 KiB tables twice: NPT and view */

static uint8_t pool[POOL_PAGES][4096] __attribute__((aligned(4096)));
static unsigned used;
static struct spinlock lock;

void *pool_alloc(unsigned n)
{
	void *p = 0;
	spin_lock(&lock);
	if (n <= POOL_PAGES - used) {
		p = pool[used];
		used += n;
	}
	spin_unlock(&lock);
	if (p)
		memset(p, 0, (uint64_t)n * 4096);
	return p;
}

unsigned pool_pages_used(void) { return used; }
uint64_t pool_start(void) { return (uint64_t)pool; }

static void *alloc_table(void *ctx, uint64_t *pa)
{
	void *p = pool_alloc(1);
	(void)ctx;
	*pa = (uint64_t)p;
	return p;
}

static void *to_virt(void *ctx, uint64_t pa)
{
	(void)ctx;
	return (void *)pa;
}

const struct pt_alloc pool_pt_alloc = { alloc_table, to_virt, 0 };
