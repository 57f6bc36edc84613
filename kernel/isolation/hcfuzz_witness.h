/*
 * Witness memory for the hypercall fuzzer: parts of this sandbox's RAM that
 * no call it makes may change, filled with a pattern before the fuzzing and
 * checked after it. They sit where a monitor that got a range check wrong
 * would write: the top MiB (the neighbour below reaches it by wrapping
 * under its own RAM's start) and the low memory under the kernel (the
 * neighbour above reaches it by overrunning its end: sandboxes' regions
 * are adjacent in host memory). Left out: RAM's first page (the kernel
 * leaves it unmapped) and last KiB, where this sandbox's own accepted
 * calls may write, and the boot information page. None is in use: the
 * kernel loads at 1 MiB, and its page allocator hands out pages from its
 * end upward, reaching the top only when RAM is full. A witness, not a
 * proof: the host fuzzer (tests/fuzz/targets/hypercall.c) checks every byte
 * of a fake sandbox under ASan.
 */
#ifndef QUESTV_HCFUZZ_WITNESS_H
#define QUESTV_HCFUZZ_WITNESS_H
#include <stdbool.h>
#include <stdint.h>

/* Fill the witness regions with a pattern of seed. */
void witness_fill(uint64_t seed);

/* Bytes of witness memory; has every word kept its pattern? Records
 * {"ev":"hcfuzz_witness","sandbox","after","bytes","intact"[,"first_bad"]};
 * after says when ("own": this sandbox's calls, "all": everyone's). */
uint64_t witness_bytes(void);
bool witness_check(const char *after);
#endif
