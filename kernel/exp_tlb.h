/*
 * Experiment "tlb": the data-TLB cost of touching N distinct 4 KiB pages,
 * for N = 1, 2, 4 ... tlb_pages (default 1024), in sequential and random
 * order, as a pointer chase (one dependent load per page) so every access
 * waits for its translation. Runs the same under the monitor (nested
 * paging) and natively: the comparison is the Quest-V "data TLB overheads"
 * figure. Args: tlb_pages=N (a power of two, at most 4096), tlb_accesses=A
 * (timed loads per pass, default 65536). Records one {"ev":"tlb",
 * "order":..,"pages":N,"accesses":A,"cycles":C,...} per point, C the
 * fewest cycles of three passes. With a vPMU the record also carries its
 * counts over all three passes: "dtlb_misses", "walk_refs" (page-walk
 * memory references: 24 per miss under nested paging, 4 natively) and
 * "vpmu_cycles" (the model's cycle estimate).
 */
#ifndef QUESTV_EXP_TLB_H
#define QUESTV_EXP_TLB_H
#include <stdbool.h>
bool exp_tlb_run(void);
#endif
