/* Hypercall fuzzing from inside a sandbox (args "hcfuzz=N [hcfuzz_seed=S]"). */
#ifndef QUESTV_HCFUZZ_H
#define QUESTV_HCFUZZ_H
#include <stdint.h>
/*
 * Issue n hypercalls with random numbers and arguments: pointers into a
 * scratch arena of this sandbox, at the edges of its RAM, far outside it
 * and wrapping around 2^64, huge lengths; raw 64-bit call numbers. The
 * calls that change the run's state (end run, probe turns) are left out;
 * every sandbox can run it at once (the sequence depends on seed and
 * sandbox). Checked as it goes: each result is the one the ABI prescribes
 * (refused exactly when an argument is out of bounds); a refused call left
 * the arena as it was; HC_EXIT_COUNTS wrote its struct and nothing else of
 * the arena, and counts at least the hypercalls made; the witness memory
 * (hcfuzz_witness.h) is intact afterwards. Records
 * {"ev":"hcfuzz",...} with refused and accepted calls by number, then
 * waits for the other members of a shared region named "hcfuzz", if the
 * config has one; returns the number of failed checks.
 */
unsigned hcfuzz_run(uint64_t n, uint64_t seed);

/* After every sandbox's fuzzing (the probe has begun only once all of them
 * arrived): is the witness memory still intact? 0, or 1 (a failed check). */
unsigned hcfuzz_check_after_all(void);
#endif
