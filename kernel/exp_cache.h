/*
 * "cache-interference": this sandbox's share of the experiment of the same
 * name (experiments/configs/cache-interference.yaml). It runs a task set of
 * its own, made of roles, under the image's policy, like a config's
 * vcpu/thread lines would (the experiments harness cannot write those into
 * a config yet):
 *   rt   the cache-sensitive real-time VCPU: Main VCPU rt_c_us/rt_t_us
 *        (default 9000/10000: the
 *        slack absorbs icount's round robin, which charges the TSC time
 *        other vCPUs run to whichever VCPU this core runs), one periodic thread whose job is rt_passes
 *        (default 2) passes over rt_ws percent of the LLC (default 50)
 *   pol  a polluter: a best-effort VCPU streaming over pol_ws percent of
 *        the LLC (default 400)
 *   cpu  a best-effort VCPU multiplying small matrices (cpu_ws percent of
 *        the LLC, default 1): CPU-bound, few misses
 * Args: ci=ROLE+ROLE... (each role once), ci_ms=N (length of the schedule,
 * default 300), params=POLICY:KEY=VALUE,... (the task set's policy line,
 * e.g. params=memguard:budget=300,period_us=1000; checked by the task-set
 * parser). Use steady_ms=0: the schedule replaces the steady window.
 * Records: those of any task set (admit, vcpu, thread, sched_run) plus
 * {"ev":"cache_interference","sandbox":N,"roles":"pol+cpu"} first.
 */
#ifndef QUESTV_EXP_CACHE_H
#define QUESTV_EXP_CACHE_H
#include <stdbool.h>
bool exp_cache_interference_run(void);
#endif
