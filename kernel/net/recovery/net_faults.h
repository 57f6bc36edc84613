/*
 * When and what to inject into the driver sandbox's NIC driver, from its
 * kernel args (an experiment's `fault:` settings become these):
 *
 *   nicfault=KIND[,KIND...]|all   wild-write, descriptor-corruption, hang,
 *                            bad-dma, dma-handover, tx-wild-write, tx-hang,
 *                            dma-irq (nic_fault.h; or wild, desc, hang, dma,
 *                            dmah, txwild, txhang, dmai), in turn (at most 8
 *                            listed); all: a random kind each time, dma-irq
 *                            never (it strikes other sandboxes' cores
 *                            wherever interrupts are not remapped)
 *   nicfault_at_ms=N         the first strike, N ms after serving began (1000)
 *   nicfaults=N              how many strikes (1)
 *   nicfault_gap_ms=M        then one every M/2..3M/2 ms, after the previous
 *                            recovery has finished (100)
 *   nicfault_mode=local|remote|alternate   recovery (local)
 *   fault_seed=S             the random sequence (1): kinds, gaps, garbage
 *   end_after_faults         stop serving when the last recovery is done
 *   nic_reset                recovery resets the device (e1000_dev.h: in
 *                            QEMU that costs 1 s of lost receive)
 *   clock=icount|tsc|vpmu    how the recovery cycles are labelled (tsc)
 *
 * One fault at a time: the next is armed only when the previous one was
 * found and the NIC serves again, or was not found within a second
 * ({"ev":"undetected"}). Records: {"ev":"inject","n","kind","t_ms"} per
 * fault; per dma-irq strike, once the device took its frame,
 * {"ev":"strike","n","kind","tries","wait_us","t_ms"} (attempts, and the
 * time from the first: nic_fault.h); at the end {"ev":"fault_campaign",
 * "injected","detected","recovered","not_recovered","undetected","seed"}
 * (not_recovered counts the undetected too).
 */
#ifndef QUESTV_NET_FAULTS_H
#define QUESTV_NET_FAULTS_H
#include <stdbool.h>
#include <stdint.h>
#include "kernel/net/recovery/nic_recovery.h"

/* Read the plan from the args: 0, or -1 with *why (bad value, or hang
 * without a rescuer to detect it). */
int net_faults_plan(const struct nic_driver *nd, const char **why);
/* Strike when the time has come (loop turn; now: serving clock, ms). */
void net_faults_tick(struct nic_driver *nd, uint64_t now_ms);
/* Recovery mode for the fault found now. */
enum recovery_mode net_faults_mode(void);
/* Every strike injected and recovered, and end_after_faults given. */
bool net_faults_finished(const struct nic_driver *nd);
/* The campaign record (when a plan exists). */
void net_faults_report(const struct nic_driver *nd);
#endif
