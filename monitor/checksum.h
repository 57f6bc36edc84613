/* A checksum of memory (FNV-1a over 64-bit words), to tell whether a region
 * changed: the isolation probe's targets and every sandbox's kernel code. */
#ifndef QUESTV_CHECKSUM_H
#define QUESTV_CHECKSUM_H
#include <stdbool.h>
#include <stdint.h>

#define CHECKSUM_SEED 0xcbf29ce484222325ull

/* len is rounded down to whole words. */
uint64_t mem_checksum(const void *start, uint64_t len);

/* Go on from h over [start, start+len), each word ANDed with mask first
 * (page tables: the CPU's accessed/dirty bits are no change). */
uint64_t mem_checksum_more(uint64_t h, const void *start, uint64_t len, uint64_t mask);

/* The monitor's own state as a sandbox could harm it, seen while prober
 * has the probe turn: its code and read-only data, its page tables, its
 * IDT, and of every sandbox the nested tables, the permission bitmaps and
 * (but the prober's, which its exits rewrite) the VMCB/VMCS.
 * (monitor/monitor_sum.c) */
uint64_t monitor_checksum(unsigned prober);

/* The same but every VMCB/VMCS (which every exit rewrites), taken before
 * the first sandbox runs (a sandbox's permission maps: when its core has
 * built them, before its first entry) and compared at the end of the run
 * in a {"ev":"monitor_integrity"} record; false if it changed. */
struct sandbox;
void monitor_integrity_start(void);
void monitor_integrity_vcpu(const struct sandbox *sb);
bool monitor_integrity_report(void);
#endif
