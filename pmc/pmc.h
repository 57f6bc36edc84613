/* The PMC API: portable, freestanding C (no allocation, no floating point,
 * no libc) used by sched/ and the sandbox kernel on every backend:
 *
 *   vpmu   the QEMU plugin's virtual PMU, over ivshmem BAR2 (pmc_vpmu.h)
 *   intel  architectural performance monitoring (CPUID leaf 0xA)
 *   amd    PerfEvtSel/PerfCtr
 *
 * A `struct pmc` is one CPU's counters; the caller owns it (one per core,
 * statically allocated) and uses it only on that core. Typical use:
 *
 *   static struct pmc pmc;
 *   if (pmc_init_intel(&pmc, &msr_ops, 0, &pmc_event_table) < 0)
 *           log("no PMU: %s", pmc_why(&pmc));            // never silent zeros
 *   int instr = pmc_open(&pmc, "INSTRUCTION_RETIRED");
 *   ...at each scheduling point, for the VCPU that just ran:
 *   struct pmc_sample s;
 *   pmc_sample(&pmc, prev_vcpu_id, &s);                   // s.delta[instr]
 */
#ifndef PMC_PMC_H
#define PMC_PMC_H

#include <stdint.h>
#include "pmc/pmc_events.h"

#define PMC_MAX_OPEN 8u

enum pmc_status {
	PMC_OK = 0,
	PMC_ENODEV = -1,	/* the CPU (or emulator) has no usable PMU */
	PMC_ENOENT = -2,	/* unknown event name (pmc_suggest() lists close ones) */
	PMC_EBUSY = -3,		/* no free counter can count it */
	PMC_ENOTSUP = -4,	/* the CPU reports this event as unavailable */
	PMC_EINVAL = -5,	/* bad handle or call before a successful init */
};

/* Access to model-specific registers, CPUID and RDPMC, supplied by the
 * kernel (real instructions) or by host tests (pmc/fake_msr.c). rdmsr and
 * wrmsr return 0, or -1 if the access faulted (#GP), which the kernel's
 * exception fixup turns into a return value. */
struct pmc_msr_ops {
	int (*rdmsr)(void *ctx, uint32_t msr, uint64_t *val);
	int (*wrmsr)(void *ctx, uint32_t msr, uint64_t val);
	void (*cpuid)(void *ctx, uint32_t leaf, uint32_t subleaf, uint32_t regs[4]);
	uint64_t (*rdpmc)(void *ctx, uint32_t index);
};

struct pmc_backend;

/* One open event. */
struct pmc_counter {
	const char *name;
	uint32_t hw;		/* the backend's counter id */
	uint64_t raw_last;	/* raw counter at the last read */
	uint64_t total;		/* counted since open, widened to 64 bits */
	uint64_t sampled;	/* total at the last pmc_sample() */
	uint64_t preset;	/* where pmc_arm_overflow() set it */
};

struct pmc {
	const struct pmc_backend *be;
	const char *why;	/* static text: why the last call failed */
	/* Hardware backends. */
	const struct pmc_msr_ops *msr;
	void *msr_ctx;
	const struct pmc_event_table *table;
	uint32_t version;	/* intel: architectural perfmon version */
	uint32_t n_gp, n_fixed;	/* counters the CPU has */
	uint32_t gp_width, fixed_width;
	uint32_t unavailable;	/* intel: CPUID.0AH:EBX, bit set = event absent */
	uint32_t ctl_base, ctr_base, ctl_stride; /* amd: MSR layout in use */
	uint32_t used_gp, used_fixed; /* bit per counter in use */
	/* vpmu backend. */
	volatile uint8_t *vpmu;	/* BAR2 (the shared file) */
	uint32_t vcpu;
	uint32_t used_slots;
	uint32_t n_open;
	struct pmc_counter open[PMC_MAX_OPEN];
	uint32_t armed;		/* handles armed for an overflow interrupt, a bit each */
};

/* Counts since the previous pmc_sample() of the same struct pmc, for the
 * VCPU that ran in between. delta[h] belongs to the handle h pmc_open()
 * returned. */
struct pmc_sample {
	uint32_t vcpu;
	uint32_t n;		/* valid entries of delta: the number of open events */
	uint64_t delta[PMC_MAX_OPEN];
};

/* Set P up for the Intel architectural PMU through OPS/CTX with event table
 * TABLE, disabling every counter. Returns PMC_OK, or PMC_ENODEV with
 * pmc_why() saying what is missing (not an Intel CPU, CPUID leaf 0xA absent
 * or reporting version 0 - as under QEMU TCG). */
int pmc_init_intel(struct pmc *p, const struct pmc_msr_ops *ops, void *ctx, const struct pmc_event_table *table);

/* Set P up for the AMD PerfEvtSel/PerfCtr PMU (the six-counter extended
 * layout when CPUID reports PerfCtrExtCore, else the legacy four). Returns
 * PMC_OK, or PMC_ENODEV when the CPU is not AMD or its PerfEvtSel0 does not
 * keep a written value (no PMU, as under QEMU TCG). */
int pmc_init_amd(struct pmc *p, const struct pmc_msr_ops *ops, void *ctx, const struct pmc_event_table *table);

/* Set P up for the virtual PMU whose shared memory (ivshmem BAR2, mapped by
 * the caller) starts at BAR2, as vCPU VCPU (the CPU's index in QEMU).
 * Returns PMC_OK, or PMC_ENODEV if BAR2 holds no vPMU of our ABI version or
 * VCPU is beyond its vCPUs. */
int pmc_init_vpmu(struct pmc *p, volatile void *bar2, uint32_t vcpu);

/* Start counting event NAME from zero on a free counter. Returns a handle
 * (0, 1, ... in open order) or a negative enum pmc_status. */
int pmc_open(struct pmc *p, const char *name);

/* Count of handle H since it was opened (never wraps: narrower hardware
 * counters are widened, provided reads come at least once per wrap period,
 * 2^48 events on current hardware). Returns 0 for a bad handle. */
uint64_t pmc_read(struct pmc *p, int h);

/* Read every open event and store into OUT the counts since the previous
 * sample (or since open), attributing them to VCPU, the VCPU that ran since
 * then. Call at every scheduling point, before switching. */
void pmc_sample(struct pmc *p, uint32_t vcpu, struct pmc_sample *out);

/* Why the last failing call failed (static text), or "" after success. */
const char *pmc_why(const struct pmc *p);

/* Fill OUT (MAX entries) with the known event names closest to NAME, nearest
 * first, for an error message after PMC_ENOENT. Returns how many. */
unsigned pmc_suggest(const struct pmc *p, const char *name, const char **out, unsigned max);

/*
 * Counter-overflow interrupts: how a budget of events (memguard's LLC
 * misses per period) is enforced on hardware without polling. Arm open
 * event H to raise the PMU interrupt after COUNT more events: the counter
 * is preset COUNT below its wrap and its interrupt enable bit set. The
 * interrupt reaches the CPU through the LAPIC's performance-counter LVT
 * entry, which the kernel points at its PMI vector (and unmasks again
 * after each PMI: Intel masks it on delivery). pmc_read()'s totals are
 * unaffected by the preset. Returns PMC_OK; PMC_ENOTSUP for the vPMU (no
 * interrupt: its users check at scheduling points and on a timer);
 * PMC_EINVAL for a bad handle or a COUNT of 0 or beyond what the counter
 * can be preset to (Intel: 2^31 - 1, as IA32_PMCx takes 32 bits,
 * sign-extended).
 */
int pmc_arm_overflow(struct pmc *p, int h, uint64_t count);

/* From the PMI handler: the handles whose armed counters overflowed (a bit
 * each). Those are acknowledged (Intel: their IA32_PERF_GLOBAL_STATUS
 * bits cleared) and disarmed; the others stay armed. */
uint32_t pmc_overflow_take(struct pmc *p);

#endif
