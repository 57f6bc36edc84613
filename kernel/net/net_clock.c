/* sys_now() for lwIP over an installable clock (net_clock.h). */
#include "kernel/net/net_clock.h"
#include "lwip/sys.h"

static uint64_t (*clock_fn)(void *ctx);
static void *clock_ctx;

void net_clock_set(uint64_t (*now_ms)(void *ctx), void *ctx)
{
	clock_fn = now_ms;
	clock_ctx = ctx;
}

uint64_t net_clock_ms(void)
{
	return clock_fn ? clock_fn(clock_ctx) : 0;
}

u32_t sys_now(void)
{
	return (u32_t)net_clock_ms();
}
