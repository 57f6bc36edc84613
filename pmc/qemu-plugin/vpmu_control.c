/* Counter slots over running totals: see vpmu_control.h.
 *
 * The model's totals only ever grow, so a slot is "acc + (total - base)"
 * while enabled and "acc" while not; selecting an event or resetting just
 * moves base to the current total. Nothing per access depends on the control
 * page, which keeps the hot path of the plugin free of it. */
#include <string.h>
#include "pmc/qemu-plugin/vpmu_control.h"


/* Where slot K's event total lives (a constant 0 for no event). */
static const uint64_t *slot_source(struct vpmu_model *m, uint32_t vcpu, uint32_t ev)
{
	static const uint64_t none;
	if (ev == VPMU_EV_NONE || ev >= VPMU_EV_COUNT)
		return &none;
	if (ev == VPMU_EV_LLC_FILLS_GLOBAL)
		return &m->hdr->llc_fills_global;
	return &m->cpu[vcpu].page->total[ev];
}

static uint64_t slot_value(const struct vpmu_slots *s, uint32_t k, uint64_t now)
{
	if (s->seen.enable & (1u << k))
		return s->acc[k] + (now - s->base[k]);
	return s->acc[k];
}

#define SLOT_MASK ((1u << VPMU_NCOUNTERS) - 1)

/* The control page still says what it said at the last poll. Only the
 * guest on this vCPU writes it, and that guest is not running while its
 * vCPU thread is here: plain loads see its last writes. */
static bool unchanged(const struct vpmu_slots *s, const struct vpmu_control *ctl)
{
	return ctl->enable == s->seen.enable && ctl->reset_seq == s->seen.reset_seq &&
	       ctl->region_seq == s->seen.region_seq && ctl->arm_seq == s->seen.arm_seq &&
	       !memcmp(ctl->select, s->seen.select, sizeof ctl->select);
}

/* After a full poll: the running slots as (slot, source, offset), so that
 * value = total + (acc - base) costs a load, an add and a store. */
static void list_running(struct vpmu_slots *s, struct vpmu_model *m, uint32_t vcpu)
{
	s->n_running = 0;
	for (uint32_t live = s->seen.enable & SLOT_MASK; live; live &= live - 1) {
		uint32_t k = (uint32_t)__builtin_ctz(live), i = s->n_running++;
		s->running[i] = (uint8_t)k;
		s->source[i] = slot_source(m, vcpu, s->seen.select[k]);
		s->offset[i] = s->acc[k] - s->base[k];
	}
}

/* Nothing asked since the last poll: only the enabled slots' values moved
 * (the rest, the region and the reset acknowledgement are as published). */
static void publish_running(const struct vpmu_slots *s, struct vpmu_model *m, uint32_t vcpu)
{
	struct vpmu_counters *page = m->cpu[vcpu].page;

	uint64_t seq = page->seq, value[VPMU_NCOUNTERS];
	uint32_t n = s->n_running;

	/* Read every source before the first store into the page: the stores
	 * could alias them, which would make the compiler reload each time. */
	for (uint32_t i = 0; i < n; i++)
		value[i] = __atomic_load_n(s->source[i], __ATOMIC_RELAXED) + s->offset[i];
	__atomic_store_n(&page->seq, seq + 1, __ATOMIC_RELEASE);
	for (uint32_t i = 0; i < n; i++)
		page->value[s->running[i]] = value[i];
	__atomic_store_n(&page->seq, seq + 2, __ATOMIC_RELEASE);
}

/* The armed slots that wrapped (their published value fell below the
 * preset), disarmed and recorded; a bit per slot. */
static uint32_t take_wrapped(struct vpmu_slots *s, struct vpmu_model *m, uint32_t vcpu)
{
	struct vpmu_counters *page = m->cpu[vcpu].page;
	uint32_t fired = 0;
	for (uint32_t live = s->armed; live; live &= live - 1) {
		uint32_t k = (uint32_t)__builtin_ctz(live);
		if (page->value[k] >= s->preset[k])
			continue;
		fired |= 1u << k;
		page->overflow_count[k]++;
		page->overflow_insn[k] = page->total[VPMU_EV_INSTRUCTIONS];
	}
	s->armed &= ~fired;
	return fired;
}

/* An arm_seq step: disarm the slots of disarm_mask, preset and arm those
 * of arm_mask. */
static void arm(struct vpmu_slots *s, const volatile struct vpmu_control *ctl, const uint64_t *now)
{
	uint32_t arm = ctl->arm_mask & SLOT_MASK;
	s->armed = (s->armed & ~ctl->disarm_mask) | arm;
	for (uint32_t k = 0; k < VPMU_NCOUNTERS; k++)
		if (arm & (1u << k)) {
			s->preset[k] = ctl->preset[k];
			s->acc[k] = s->preset[k];
			s->base[k] = now[k];
		}
	s->seen.arm_seq = ctl->arm_seq;
}

uint32_t vpmu_control_poll(struct vpmu_slots *s, struct vpmu_model *m, uint32_t vcpu)
{
	const volatile struct vpmu_control *ctl = m->cpu[vcpu].ctl;
	if (unchanged(s, (const struct vpmu_control *)ctl)) {
		if (s->n_running)
			publish_running(s, m, vcpu);
		return s->armed ? take_wrapped(s, m, vcpu) : 0;
	}
	struct vpmu_counters *page = m->cpu[vcpu].page;
	uint64_t now[VPMU_NCOUNTERS], value[VPMU_NCOUNTERS];
	uint32_t enable = ctl->enable;
	uint64_t reset_seq = ctl->reset_seq, region_seq = ctl->region_seq;
	bool reset = reset_seq != s->seen.reset_seq;

	for (uint32_t k = 0; k < VPMU_NCOUNTERS; k++) {
		uint32_t sel = ctl->select[k];
		uint32_t bit = 1u << k;
		if (sel != s->seen.select[k] || reset) {
			s->seen.select[k] = sel;
			now[k] = __atomic_load_n(slot_source(m, vcpu, sel), __ATOMIC_RELAXED);
			s->acc[k] = 0;
			s->base[k] = now[k];
		} else {
			now[k] = __atomic_load_n(slot_source(m, vcpu, sel), __ATOMIC_RELAXED);
		}
		if ((enable ^ s->seen.enable) & bit) {
			if (enable & bit)
				s->base[k] = now[k];	/* a new segment starts now */
			else
				s->acc[k] += now[k] - s->base[k];
		}
	}
	s->seen.enable = enable;
	s->seen.reset_seq = reset_seq;
	if (ctl->arm_seq != s->seen.arm_seq)
		arm(s, ctl, now);
	for (uint32_t k = 0; k < VPMU_NCOUNTERS; k++)
		value[k] = slot_value(s, k, now[k]);

	/* Seqlock writer side: readers on other vCPUs retry while seq is odd or
	 * changed under them. */
	__atomic_store_n(&page->seq, page->seq + 1, __ATOMIC_RELEASE);
	for (uint32_t k = 0; k < VPMU_NCOUNTERS; k++)
		page->value[k] = value[k];
	if (region_seq != s->seen.region_seq) {
		if (region_seq & 1) {
			for (uint32_t k = 0; k < VPMU_NCOUNTERS; k++)
				s->region_start[k] = value[k];
		} else {
			for (uint32_t k = 0; k < VPMU_NCOUNTERS; k++)
				page->region_delta[k] = value[k] - s->region_start[k];
			page->region_done = region_seq;
		}
		s->seen.region_seq = region_seq;
	}
	page->reset_ack = reset_seq;
	page->arm_ack = s->seen.arm_seq;
	__atomic_store_n(&page->seq, page->seq + 1, __ATOMIC_RELEASE);
	list_running(s, m, vcpu);
	return take_wrapped(s, m, vcpu);
}
