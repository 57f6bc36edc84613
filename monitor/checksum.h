/* A checksum of memory (FNV-1a over 64-bit words), to tell whether a region
 * changed: the isolation probe's targets and every sandbox's kernel code. */
#ifndef QUESTV_CHECKSUM_H
#define QUESTV_CHECKSUM_H
#include <stdint.h>

/* len is rounded down to whole words. */
uint64_t mem_checksum(const void *start, uint64_t len);
#endif
