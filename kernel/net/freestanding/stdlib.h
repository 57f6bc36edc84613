/* <stdlib.h> for lwIP in the kernel build: the one function lwIP's core
 * calls, atoi (netif_find parses an interface number), from atoi.c. */
#ifndef QUESTV_NET_FREESTANDING_STDLIB_H
#define QUESTV_NET_FREESTANDING_STDLIB_H
int atoi(const char *s);
#endif
