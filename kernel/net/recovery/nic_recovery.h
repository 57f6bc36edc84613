/*
 * The driver sandbox's NIC driver with a standby, and its recovery from a
 * fault (issue 8). Two instances of the e1000 driver are set up at boot,
 * each with its own rings and buffers; one drives the device.
 *
 *  - local recovery (in this sandbox): driver_switch (quiesce the faulty
 *    instance, the standby becomes the uplink of the switch),
 *    driver_reinit (program the device from the standby's shadow; with a
 *    device reset if asked, see e1000_dev.h), network_reinit (link down/up, ARP table flushed, gratuitous
 *    ARP).
 *  - remote recovery: ipi_rtt (the rescuer, woken by IPI, hands back the
 *    clean image it kept since boot: rescue.h), then driver_reinit of the
 *    restored instance and network_reinit.
 * A fault that came through the monitor (wild-write) adds vm_exit (from
 * the faulty store to the monitor's exit handler) and vm_enter (from the
 * monitor's re-entry to the kernel's trap handler), both modes.
 *
 * Every phase is a record {"ev":"recovery","mode","phase","cycles","clock",
 * "seq"}; the fault itself {"ev":"fault",...} when found, and
 * {"ev":"recovered",...,"recovery_us"} once the NIC serves again: an ARP
 * request to the gateway answered through the new driver; with serve_us
 * (the serving check's part of it), turns and max_gap_us (struct
 * nic_driver: where that part went).
 * A recovery that starts while the previous one's check still runs (a
 * watchdog false alarm, or a fault found in the recovered driver) joins
 * that check: when the NIC serves again, each pending recovery gets its
 * `recovered` record (its own seq, kind, mode; recovery_us from its own
 * fault), so no fault is left without one.
 */
#ifndef QUESTV_NET_NIC_RECOVERY_H
#define QUESTV_NET_NIC_RECOVERY_H
#include <stdbool.h>
#include <stdint.h>
#include "kernel/net/e1000/e1000_dev.h"
#include "kernel/net/netif_glue.h"
#include "kernel/net/recovery/rescue.h"
#include "kernel/net/vnic_switch.h"
#include "kernel/contain.h"

enum recovery_mode { RECOVERY_LOCAL, RECOVERY_REMOTE };

#define RECOVERY_CHECKS_MAX 4   /* recoveries one serving check settles; more end it early */

/* A recovery waiting for the NIC to serve again. */
struct recovery_check {
	uint32_t seq;
	const char *kind, *mode;
	bool counting;              /* from an injected fault (not a false alarm) */
	uint64_t fault_tsc;
};

struct nic_driver {
	struct e1000_dev inst[2];
	unsigned active;
	struct vnic_switch *sw;
	struct net_if *nif;
	struct rescue rescue;
	bool has_rescue;
	const char *clock;          /* how the cycles were taken: "tsc", "icount" */
	bool reset_on_recovery;     /* driver_reinit resets the device (e1000_dev.h) */
	uint64_t tsc_per_us;
	uint64_t anomalies;         /* of the active instance, at the last check */
	uint32_t seq;               /* recoveries so far (faults found + false alarms) */
	uint32_t false_alarms;      /* recoveries with no fault injected */
	/* The check that the NIC serves again after a recovery. */
	bool probing;
	uint64_t probe_deadline, probe_retry, probe_requests;
	/* Where the check's time went: from its start (the last recovery's
	 * network_reinit), the loop's turns and the longest time between two
	 * (the 1 ms tick ends any sleep, so a longer gap is time the host did
	 * not give this vCPU, or one emulated access that blocked). */
	uint64_t check_start, check_turn_at, check_max_gap;
	uint32_t check_turns;
	struct recovery_check checks[RECOVERY_CHECKS_MAX];   /* what it settles */
	unsigned nchecks;
	struct recovery_check now;  /* the recovery under way */
	uint64_t recovered, not_recovered;   /* of injected faults */
};

/* Set up both instances on the assigned device bd and start the first.
 * 0, or -1 with *why. */
int nic_driver_open(struct nic_driver *nd, const struct bootinfo_device *bd, uint64_t dma_offset,
		    const char **why);
/* The instance driving the device now. */
struct e1000_dev *nic_driver_dev(struct nic_driver *nd);
/* Accept frames to mac on both instances. -1 when the table is full. */
int nic_driver_add_mac(struct nic_driver *nd, const uint8_t mac[6]);
/* After the MACs: give the rescuer (if region "rescue" exists) its clean
 * image. hang_timeout_ms: the rescuer's watchdog, not used here. */
void nic_driver_publish(struct nic_driver *nd);

/* New evidence of corruption in the active instance since the last call. */
bool nic_driver_corrupted(struct nic_driver *nd);

/* Recover from the fault just found (detected_by: "exception", "nmi",
 * "ring_check"; c: the containment that unwound it, or 0). Records the
 * phases and starts the serving check. */
void nic_driver_recover(struct nic_driver *nd, enum recovery_mode mode, const char *detected_by,
			const struct contain *c);

/* Have the stack send an ARP request for the gateway (queued: it goes out
 * at the next flush, netif_glue.h). */
void nic_driver_ask_gateway(struct nic_driver *nd);

/* A recovery's records are held in memory from the fault until the NIC
 * serves again (the UART would slow the recovery); print them now (the
 * serving check does; the end of the run must). */
void nic_driver_release_records(void);

/* Each loop turn: finish the serving check when the gateway has answered
 * (or its deadline passed). true while a check is still running. */
bool nic_driver_probe_poll(struct nic_driver *nd);
#endif
