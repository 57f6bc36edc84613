/*
 * Experiment "schedbench": cost of one scheduling decision plus its
 * accounting (sched/bench.c, the same code `make bench` runs on the host)
 * for 1, 8 and 64 VCPUs under the policy linked into this image. Args:
 * decisions=N (default 20000). Records {"ev":"schedbench","policy":..,
 * "periods":"quest"|"stress","vcpus":n,"decisions":..,"mean_cycles":..,
 * "max_cycles":..}: TSC cycles, i.e. instructions under -icount.
 */
#ifndef QUESTV_EXP_SCHEDBENCH_H
#define QUESTV_EXP_SCHEDBENCH_H
#include <stdbool.h>
bool exp_schedbench_run(void);
#endif
