/* The rescue channel (see rescue.h). */
#include "kernel/net/recovery/rescue.h"
#include "kernel/vectors.h"
#include "kernel/kinfo.h"
#include "kernel/shared.h"
#include "lib/lapic.h"
#include "lib/record.h"
#include "lib/string.h"
#include "lib/x86.h"

#define ICR_NMI 0x400u   /* delivery mode NMI (the vector is ignored) */

_Static_assert(sizeof(struct e1000_dev) <= RESCUE_IMAGE_MAX, "the driver's state fits the image");

int rescue_open(struct rescue *r, bool driver, uint64_t hang_timeout_ms)
{
	for (unsigned i = 0; kinfo.bi && i < kinfo.bi->nshared; i++) {
		const struct bootinfo_shared *s = &kinfo.bi->shared[i];
		if (strncmp(s->name, "rescue", sizeof s->name) || s->nmembers != 2 ||
		    s->size < SHARED_MARKS_BYTES + sizeof(struct rescue_area))
			continue;
		/* Past the boot marks: every field must start at zero. */
		r->area = (struct rescue_area *)(s->gpa + SHARED_MARKS_BYTES);
		r->peer = s->members[0] == kinfo.sandbox ? s->members[1] : s->members[0];
		r->driver = driver;
		r->tsc_per_us = kinfo.tsc_hz / 1000000 ? kinfo.tsc_hz / 1000000 : 1;
		watchdog_init(&r->wd, hang_timeout_ms * 1000, RESCUE_PROBE_GAP_US,
			      RESCUE_SUSPECT_GAP_US);
		return 0;
	}
	return -1;
}

static void ipi_peer(const struct rescue *r)
{
	lapic_send(kinfo.bi->peer_apic[r->peer], VEC_RESCUE);
}

void rescue_publish(struct rescue *r, const struct e1000_dev *d)
{
	memcpy(r->area->image, d, sizeof *d);
	__atomic_store_n(&r->area->image_len, (uint32_t)sizeof *d, __ATOMIC_RELEASE);
}

/* The image must describe this sandbox's device and only its own memory:
 * the rescuer is trusted to restore, not to aim the device elsewhere. */
static bool image_sane(const struct e1000_dev *img, const struct e1000_dev *now)
{
	if (img->regs != now->regs || img->dma_offset != now->dma_offset ||
	    img->rx_desc_mem != now->rx_desc_mem || img->tx_desc_mem != now->tx_desc_mem ||
	    img->nextra >= E1000_MAX_MACS)
		return false;
	for (unsigned i = 0; i < E1000_RX_COUNT; i++)
		if (img->rx_bufs[i].va != now->rx_bufs[i].va || img->rx_bufs[i].pa != now->rx_bufs[i].pa)
			return false;
	for (unsigned i = 0; i < E1000_TX_COUNT; i++)
		if (img->tx_bufs[i].va != now->tx_bufs[i].va || img->tx_bufs[i].pa != now->tx_bufs[i].pa)
			return false;
	return true;
}

bool rescue_fetch(struct rescue *r, struct e1000_dev *d, uint64_t tsc_per_ms, uint64_t timeout_ms)
{
	static struct e1000_dev img;
	uint32_t seq = r->area->request + 1;
	uint64_t deadline = rdtsc() + tsc_per_ms * timeout_ms;
	struct e1000_dev_stats keep = d->st;

	__atomic_store_n(&r->area->request, seq, __ATOMIC_RELEASE);
	ipi_peer(r);
	/* Sleep until the answer's IPI (or a tick): spinning would keep the
	 * rescuer's vCPU from running where vCPUs share a host thread (QEMU's
	 * round robin under icount). */
	for (;;) {
		cli();
		if (__atomic_load_n(&r->area->reply, __ATOMIC_ACQUIRE) == seq)
			break;
		if (rdtsc() > deadline) {
			sti();
			return false;
		}
		__asm__ volatile("sti; hlt" ::: "memory");
	}
	sti();
	memcpy(&img, r->area->image, sizeof img);
	if (!image_sane(&img, d))
		return false;
	*d = img;
	d->st = keep;   /* counters are history, not state */
	return true;
}

/* Send the next probe. A record for each probe that follows an answer
 * from inside the driver's code (it can confirm a hang); the others are
 * mostly a vCPU the host did not run, counted in the rescuer's net_stats. */
static void probe_driver(struct rescue *r, uint32_t found)
{
	struct record rec;
	bool suspect = found && r->wd.in_stall;
	watchdog_sent(&r->wd, rdtsc() / r->tsc_per_us);
	__atomic_store_n(&r->area->probe.seq, r->wd.probes, __ATOMIC_RELEASE);
	lapic_send(kinfo.bi->peer_apic[r->peer], ICR_NMI);
	if (!suspect)
		return;
	rec_begin(&rec, "watchdog");
	rec_u64(&rec, "sandbox", kinfo.sandbox);
	rec_u64(&rec, "watched", r->peer);
	rec_u64(&rec, "hangs", r->wd.stalls);
	rec_u64(&rec, "probe", r->wd.probes);
	rec_u64(&rec, "in_stall", r->wd.in_stall);
	rec_u64(&rec, "found", found);
	rec_end(&rec);
}

/* Probe number due now (after waiting for one due within the suspect gap). */
static bool probe_due(struct rescue *r, struct watchdog_answer *a)
{
	uint64_t wait;
	do {
		a->probe = __atomic_load_n(&r->area->probe.ack, __ATOMIC_ACQUIRE);
		a->found = r->area->probe.found;
		wait = watchdog_due(&r->wd, r->area->heartbeat, a, rdtsc() / r->tsc_per_us);
		if (wait > RESCUE_SUSPECT_GAP_US)
			return false;
		cpu_relax();
	} while (wait);
	return true;
}

/* Once per stall that outlasts RESCUE_LONG_STALL_MS: what the driver's
 * last answer said (rescue.h). */
static void report_long_stall(struct rescue *r, const struct watchdog_answer *a)
{
	static const char *const where[] = { "armed", "unarmed", "irq" };
	uint64_t now = rdtsc() / r->tsc_per_us;
	uint32_t at = r->area->probe.where;
	struct record rec;

	if (!r->wd.stalled || r->long_stall_reported == r->wd.stalls ||
	    now - r->wd.last_change < RESCUE_LONG_STALL_MS * 1000)
		return;
	r->long_stall_reported = r->wd.stalls;
	rec_begin(&rec, "watchdog_stall");
	rec_u64(&rec, "sandbox", kinfo.sandbox);
	rec_u64(&rec, "watched", r->peer);
	rec_u64(&rec, "stall_ms", (now - r->wd.last_change) / 1000);
	rec_u64(&rec, "probes", r->wd.in_stall);
	rec_bool(&rec, "answered", a->probe == r->wd.probes);
	rec_u64(&rec, "found", a->found);
	rec_str(&rec, "where", at < sizeof where / sizeof where[0] ? where[at] : "?");
	rec_end(&rec);
}

bool rescue_poll(struct rescue *r)
{
	struct watchdog_answer a;
	uint32_t req = __atomic_load_n(&r->area->request, __ATOMIC_ACQUIRE);

	if (!r->image_len) {
		uint32_t len = __atomic_load_n(&r->area->image_len, __ATOMIC_ACQUIRE);
		if (len && len <= RESCUE_IMAGE_MAX) {
			memcpy(r->clean, r->area->image, len);
			r->image_len = len;
		}
	}
	if (req != r->served && r->image_len) {
		memcpy(r->area->image, r->clean, r->image_len);
		r->served = req;
		__atomic_store_n(&r->area->reply, req, __ATOMIC_RELEASE);
		ipi_peer(r);
	}
	if (!probe_due(r, &a)) {
		report_long_stall(r, &a);
		return false;
	}
	probe_driver(r, a.found);
	return true;
}
