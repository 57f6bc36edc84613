/* Hypercall fuzzing from inside a sandbox (args "hcfuzz=N"). */
#ifndef QUESTV_HCFUZZ_H
#define QUESTV_HCFUZZ_H
#include <stdint.h>
/*
 * Issue n hypercalls with random numbers and arguments (pointers inside,
 * across the edge of and far outside this sandbox's RAM, huge lengths).
 * The calls that change the run's state (end run, probe turns) are left
 * out. Records {"ev":"hcfuzz",...}; returns the number of results that
 * break the ABI (neither a documented error nor a valid result).
 */
unsigned hcfuzz_run(uint64_t n);
#endif
