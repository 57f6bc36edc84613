/* Pseudo-random numbers for lwIP (LWIP_RAND, see net_rand.c). */
#ifndef QUESTV_NET_RAND_H
#define QUESTV_NET_RAND_H
#include <stdint.h>
void net_rand_seed(uint64_t seed);
uint32_t net_rand(void);
#endif
