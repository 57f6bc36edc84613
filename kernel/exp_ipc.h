/*
 * Experiment "ipc": an inter-sandbox channel (issue 8): two lock-free SPSC
 * rings (lib/spsc_ring.c) in a shared region of the system config, one per
 * direction, plus IPIs to wake a sleeping receiver. The monitor is not on
 * the data path: no exits.
 *
 * The region's first member is the client, the second the server (echo).
 * Args: ipc=NAME (the shared region, default the first), rounds=N (default
 * 200). Records, per mode ("poll": the server spins; "ipi": it halts until
 * the client's IPI) and message size (64 B .. 4 KiB):
 *   {"ev":"ipc","mode":..,"size":..,"rounds":N,"min":..,"median":..,"mean":..}
 * round-trip TSC cycles, and {"ev":"ipc_bandwidth","bytes":..,"cycles":..}
 * for a one-way bulk transfer of 4 KiB messages.
 */
#ifndef QUESTV_EXP_IPC_H
#define QUESTV_EXP_IPC_H
#include <stdbool.h>
bool exp_ipc_run(void);
#endif
