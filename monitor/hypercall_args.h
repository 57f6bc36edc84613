/*
 * The hypercalls answered from the caller's own RAM and counters: argument
 * decoding, the pointer and length checks against the caller's
 * guest-physical view, and the calls' effects on that view. No hardware
 * and no monitor state beyond what struct hc_caller names, so the host
 * builds it for its unit tests and its fuzzer (tests/fuzz/targets/hypercall.c).
 */
#ifndef QUESTV_HYPERCALL_ARGS_H
#define QUESTV_HYPERCALL_ARGS_H
#include <stdbool.h>
#include <stdint.h>
#include "include/questv/hypercall.h"

/* The caller as these calls see it. */
struct hc_caller {
	unsigned id;                /* sandbox id, for its log records */
	uint8_t *ram;               /* its guest-physical 0 in the monitor */
	uint64_t size;              /* bytes of RAM from there */
	unsigned *log_lines;        /* HC_LOG lines so far (capped at HC_LOG_LINES) */
	const uint64_t *exits;      /* its exit counts: EXIT_NWINDOWS rows of EXIT_NREASONS */
};

/* Is [gpa, gpa+len) inside RAM of size bytes? No overflow for any
 * argument; an empty range must still start inside. */
static inline bool gpa_range_inside(uint64_t size, uint64_t gpa, uint64_t len)
{
	return gpa < size && len <= size - gpa;
}

/*
 * Serve call nr with arguments a0, a1 if it needs nothing but the caller:
 * HC_VERSION, HC_LOG (one sandbox_log record), HC_EXIT_COUNTS, and every
 * number outside the ABI (HC_ENOSYS). Sets *ret and returns true; false
 * for the calls the monitor serves itself (end of run, probe turns, DMA
 * faults). A refused call (*ret < 0) has changed nothing.
 */
bool hc_answer(struct hc_caller *c, uint64_t nr, uint64_t a0, uint64_t a1, long *ret);
#endif
