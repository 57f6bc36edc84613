/* The NO_SYS network context: see net_loop.h. */
#include "kernel/net/net_loop.h"
#include "lwip/init.h"
#include "lwip/timeouts.h"

void net_stack_init(void)
{
	lwip_init();
}

unsigned net_loop_poll(struct net_if *nif, unsigned budget)
{
	unsigned n = nif->nic.ops->rx_poll(nif->nic.dev, budget, net_if_input, nif);
	sys_check_timeouts();
	net_if_flush(nif);
	return n;
}
