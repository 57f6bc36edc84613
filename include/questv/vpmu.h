/* The virtual PMU's shared-memory layout: the one contract between the QEMU
 * plugin (pmc/qemu-plugin/, the writer of counters), the guest kernel (which
 * sees the same bytes as BAR2 of an ivshmem-plain PCI device, 1af4:1110) and
 * host tools that read the file after a run.
 *
 * The file (e.g. /dev/shm/questv-vpmu-<run>) is VPMU_SHM_SIZE bytes:
 *
 *   0x00000  struct vpmu_header            read-only for the guest
 *   0x10000  struct vpmu_counters[i]       one 4 KiB page per vCPU i, read-only
 *   0x20000  struct vpmu_control[i]        one 4 KiB page per vCPU i, written by
 *                                          the guest running on vCPU i only
 *   0x30000  unused up to VPMU_SHM_SIZE    (PCI BARs are powers of two)
 *
 * Every block sits on its own page so the monitor can map into a sandbox's
 * nested page table the header and counters read-only and only its own vCPU's
 * control page writable.
 *
 * Concurrency: the plugin publishes vCPU i's slot values (value[], region
 * fields, reset_ack) from vCPU i's own emulation thread at the start of every
 * translated block that vCPU runs, so a guest reading its own counters sees
 * values exact up to the end of the previous translated block and never a
 * torn update; readers of another vCPU's page use the seqlock in `seq`.
 * total[], llc_occupancy_lines and the header's global figures are updated
 * live, each with single aligned 64-bit stores (atomic on x86-64), so each
 * is consistent on its own. The plugin reads a control page at the start of
 * each translated block of that vCPU, so a control write takes effect from
 * the next block on (a jump ends a block: pmc_vpmu.c's sync()).
 *
 * All integers are little-endian; all counters are u64 and only ever written
 * by the plugin. Plain C, no libc: the freestanding kernel includes it. */
#ifndef PMC_VPMU_ABI_H
#define PMC_VPMU_ABI_H

#include <stdint.h>

/* "QVVPMU\0\1" read as a little-endian u64: the guest checks it before trusting
 * anything else in BAR2 (an ivshmem device without the plugin reads zeros). */
#define VPMU_MAGIC 0x0100554d50565651ull
/* Bumped on any incompatible change of this file. */
#define VPMU_VERSION 1u

#define VPMU_SHM_SIZE 0x40000u
#define VPMU_PAGE_SIZE 0x1000u
#define VPMU_HEADER_OFF 0x00000u
#define VPMU_COUNTERS_OFF 0x10000u
#define VPMU_CONTROL_OFF 0x20000u
/* 16 pages fit in each 64 KiB area. */
#define VPMU_MAX_VCPUS 16u
/* Programmable counters per vCPU, like a hardware PMU's PerfEvtSel/PMC pairs. */
#define VPMU_NCOUNTERS 8u
/* Owner tags a guest can give its LLC fills (vpmu_control.llc_tag), so that
 * ground truth exists per guest VCPU and not only per vCPU. */
#define VPMU_LLC_TAGS 4u

/* The vector of vCPU i's overflow interrupt (MSI-X entry i of an
 * ivshmem-doorbell device), the same as a hardware PMI's: one handler. */
#define VPMU_PMI_VECTOR 0x43

/* Event numbers a control block selects into a counter slot. Names in the
 * comments are the ones pmc_open() accepts for the vpmu backend (spelled as
 * libpfm4's architectural/generic events where such an event exists). All
 * counts are of the vCPU that owns the slot unless marked global. */
enum vpmu_event {
	VPMU_EV_NONE = 0,	     /* slot unused: reads 0 */
	VPMU_EV_INSTRUCTIONS = 1,    /* INSTRUCTION_RETIRED: guest instructions executed */
	VPMU_EV_CYCLES = 2,	     /* UNHALTED_CORE_CYCLES: modelled estimate, see vpmu_header */
	VPMU_EV_L1D_ACCESSES = 3,    /* L1D_ACCESSES: data loads+stores (RMW = 2) */
	VPMU_EV_L1D_MISSES = 4,	     /* L1D_MISSES */
	VPMU_EV_L2_ACCESSES = 5,     /* L2_ACCESSES: L1D misses; 0 when no L2 is modelled */
	VPMU_EV_L2_MISSES = 6,	     /* L2_MISSES */
	VPMU_EV_LLC_REFERENCES = 7,  /* LLC_REFERENCES: accesses that reached the LLC */
	VPMU_EV_LLC_MISSES = 8,	     /* LLC_MISSES */
	VPMU_EV_LLC_FILLS = 9,	     /* LLC_FILLS: lines this vCPU brought into the LLC */
	VPMU_EV_LLC_FILLS_GLOBAL = 10, /* LLC_FILLS_GLOBAL: global: lines filled by all vCPUs */
	VPMU_EV_LLC_CROSS_EVICTIONS = 11, /* LLC_CROSS_EVICTIONS: this vCPU's fills that
					   * evicted a line another vCPU had filled */
	VPMU_EV_DTLB_MISSES = 12,    /* DTLB_MISSES: data accesses missing the DTLB */
	VPMU_EV_PAGE_WALK_REFS = 13, /* PAGE_WALK_REFS: page-table memory references of
				      * the walks those misses caused (24 per miss
				      * under nested paging, 4 otherwise) */
	VPMU_EV_COUNT
};

/* Header, at offset 0. Filled by the plugin before the guest runs, then only
 * the global figures change. Cache geometry is reported so the guest's
 * estimators (e.g. LLC occupancy, E' = E + m_local - m_global * E / C) know C
 * without a second source of truth. */
struct vpmu_header {
	uint64_t magic;		/* VPMU_MAGIC once the plugin has initialised the file */
	uint32_t version;	/* VPMU_VERSION */
	uint32_t n_vcpus;	/* vCPUs the plugin models (QEMU's -smp count) */
	uint32_t header_size;	/* sizeof(struct vpmu_header), for forward compatibility */
	uint32_t n_counters;	/* VPMU_NCOUNTERS */
	/* Geometry: sizes in bytes; 0 size for L2 means "not modelled". */
	uint64_t l1d_size, l2_size, llc_size;
	uint32_t l1d_ways, l2_ways, llc_ways;
	uint32_t line_size;	/* common to all levels (the plugin refuses mixed sizes) */
	uint32_t dtlb_entries, dtlb_ways;
	uint32_t page_size;	/* bytes mapped by one DTLB entry */
	/* Cycle model: cycles = instructions * cpi_milli / 1000 + the latency of
	 * every miss at the level that served it + page-walk references. */
	uint32_t cpi_milli;	/* base cycles per instruction, in thousandths */
	uint32_t lat_l2;	/* cycles added per L1D miss served by the L2 */
	uint32_t lat_llc;	/* per access served by the LLC (L1D/L2 miss, LLC hit) */
	uint32_t lat_mem;	/* per LLC miss (served by memory) */
	uint32_t lat_walk_ref;	/* per page-walk memory reference */
	uint32_t pad0;
	/* Global figures, live. */
	uint64_t llc_fills_global; /* lines filled into the LLC by any vCPU */
	uint64_t llc_lines_valid;  /* LLC lines holding data (<= llc_size / line_size) */
};

/* Counter page of one vCPU, at VPMU_COUNTERS_OFF + i * VPMU_PAGE_SIZE. */
struct vpmu_counters {
	uint64_t seq;		/* odd while the plugin publishes value[], region and reset fields */
	/* Programmable counters: value[k] counts event control.select[k] while
	 * bit k of control.enable is set; it keeps its value while disabled and
	 * restarts at 0 on a reset or when the slot's event changes. */
	uint64_t value[VPMU_NCOUNTERS];
	/* Ground truth for occupancy estimators: LLC lines this vCPU filled that
	 * are still in the LLC now (a line belongs to the vCPU whose miss
	 * brought it in, until it is evicted). */
	uint64_t llc_occupancy_lines;
	/* Snapshots of value[] taken when the guest closed its last measured
	 * region (control.region_seq went odd -> even): value at the end minus
	 * value at the start, per slot; region_done = that region_seq. Lets
	 * validation read region counts from the file after QEMU exits. */
	uint64_t region_done;
	uint64_t region_delta[VPMU_NCOUNTERS];
	/* Every event's running total for this vCPU since QEMU started,
	 * independent of the control page (index: enum vpmu_event). CYCLES is
	 * refreshed at each block start; the global LLC_FILLS_GLOBAL entry only
	 * at exit (read vpmu_header.llc_fills_global while running). The out=
	 * JSON lines are drawn from here. */
	uint64_t total[VPMU_EV_COUNT];
	/* The last control.reset_seq the plugin acted on: the guest waits for
	 * reset_ack == reset_seq before trusting zeroed values. */
	uint64_t reset_ack;
	/* (Appended.) llc_occupancy_lines split by the llc_tag the vCPU had
	 * when it filled each line; the entries sum to llc_occupancy_lines.
	 * Updated live like it. */
	uint64_t llc_occupancy_tag[VPMU_LLC_TAGS];
	/* (Appended.) Overflow interrupts: the last control.arm_seq the plugin
	 * acted on; per slot, how often it raised the interrupt, and this
	 * vCPU's instruction total (total[INSTRUCTIONS]) when it did, i.e. at
	 * the start of the first block after the one in which the slot wrapped
	 * (a handler subtracts it from the total it reads to get the delivery
	 * latency in instructions). */
	uint64_t arm_ack;
	uint64_t overflow_count[VPMU_NCOUNTERS];
	uint64_t overflow_insn[VPMU_NCOUNTERS];
};

/* Values for vpmu_control.paging. */
enum vpmu_paging {
	VPMU_PAGING_NATIVE = 0,	/* one-dimensional walk: 4 references per DTLB miss */
	VPMU_PAGING_NESTED = 1,	/* guest under NPT/EPT: a 2-D walk of 4-level guest
				 * and 4-level nested tables, (4+1)*(4+1)-1 = 24 */
	VPMU_PAGING_NESTED_2M = 2, /* the same, nested tables ending in 2 MiB
				 * leaves (3 levels): (4+1)*(3+1)-1 = 19 */
};

/* Control page of one vCPU, at VPMU_CONTROL_OFF + i * VPMU_PAGE_SIZE. Written
 * only by the guest (or monitor) on vCPU i; the plugin only reads it. Zero
 * (the state of a fresh file) means: nothing selected, nothing enabled,
 * native paging. */
struct vpmu_control {
	uint32_t select[VPMU_NCOUNTERS]; /* enum vpmu_event counted by slot k */
	uint32_t enable;	/* bit k set: slot k counts */
	/* enum vpmu_paging: which walk a DTLB miss costs on this vCPU. The
	 * monitor sets NESTED before entering a sandbox through NPT/EPT (or the
	 * sandbox kernel sets it when it finds itself virtualised). */
	uint32_t paging;
	/* Increment to zero every slot of this vCPU; acknowledged through
	 * vpmu_counters.reset_ack. */
	uint64_t reset_seq;
	/* Measured region marker: increment to an odd value at the start of the
	 * region and to the next even value at its end; the plugin then stores
	 * the region's per-slot deltas in vpmu_counters.region_delta. */
	uint64_t region_seq;
	/* (Appended.) Owner tag (< VPMU_LLC_TAGS; larger values count as 0) of
	 * the lines this vCPU fills from now on: a guest scheduler sets it to
	 * the VCPU it dispatches, so llc_occupancy_tag[] is per-VCPU ground
	 * truth. Read at every LLC fill, no block boundary needed. */
	uint32_t llc_tag;
	uint32_t pad0;
	/* (Appended.) Overflow interrupts, as a hardware PMU's preset counter
	 * with its interrupt enable. Increment arm_seq to apply both masks:
	 * every slot k with bit k of arm_mask takes the value preset[k] and is
	 * armed: it raises vCPU i's interrupt (MSI-X vector i of the
	 * ivshmem-doorbell device, see pmc/qemu-plugin/vpmu_doorbell.h) once
	 * its value wraps past 2^64 - 1, i.e. after 2^64 - preset[k] events;
	 * slots in disarm_mask are disarmed. Other slots keep their state. The
	 * plugin checks at every block start and disarms a slot when it raises
	 * its interrupt; it acknowledges a step through vpmu_counters.arm_ack. */
	uint64_t arm_seq;
	uint32_t arm_mask, disarm_mask;
	uint64_t preset[VPMU_NCOUNTERS];
};

/* Byte offsets of vCPU i's blocks from the start of the file / BAR2. */
#define VPMU_COUNTERS_AT(i) (VPMU_COUNTERS_OFF + (uint32_t)(i) * VPMU_PAGE_SIZE)
#define VPMU_CONTROL_AT(i) (VPMU_CONTROL_OFF + (uint32_t)(i) * VPMU_PAGE_SIZE)

_Static_assert(sizeof(struct vpmu_header) <= VPMU_PAGE_SIZE, "header fits its page");
_Static_assert(sizeof(struct vpmu_counters) <= VPMU_PAGE_SIZE, "counters fit a page");
_Static_assert(sizeof(struct vpmu_control) <= VPMU_PAGE_SIZE, "control fits a page");
_Static_assert(VPMU_COUNTERS_OFF + VPMU_MAX_VCPUS * VPMU_PAGE_SIZE <= VPMU_CONTROL_OFF,
	       "counter pages fit their area");
_Static_assert(VPMU_CONTROL_OFF + VPMU_MAX_VCPUS * VPMU_PAGE_SIZE <= VPMU_SHM_SIZE,
	       "control pages fit the file");
_Static_assert(VPMU_NCOUNTERS <= 32, "enable is a 32-bit mask");

#endif
