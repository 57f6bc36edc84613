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
#include "kernel/experiment.h"
#include "kernel/vectors.h"
#include "kernel/cmdline.h"
#include "kernel/kinfo.h"
#include "kernel/paging.h"
#include "lib/lapic.h"
#include "lib/record.h"
#include "lib/spsc_ring.h"
#include "lib/string.h"

#define SLOT       (4096 + SPSC_SLOT_HDR)
#define SLOTS      4
#define MAX_ROUNDS 1024
#define BULK_MSGS  2048
#define WAIT_LIMIT 2000000000ull    /* cycles to wait for the peer before giving up */

/* First payload byte: what the message is. */
enum { MSG_DATA = 1, MSG_MODE = 2, MSG_BULK = 3, MSG_DONE = 4 };

static uint64_t samples[MAX_ROUNDS];
static uint8_t buf[4096];
static struct spsc_ring tx, rx;
static uint32_t peer_apic;

static bool region(const struct bootinfo_shared **out)
{
	const char *want = arg_value("ipc");
	unsigned i;
	for (i = 0; i < kinfo.bi->nshared; i++) {
		const struct bootinfo_shared *s = &kinfo.bi->shared[i];
		if (!want || !strncmp(s->name, want, strlen(s->name))) {
			*out = s;
			return true;
		}
	}
	return false;
}

/* Each side creates the ring it produces into and attaches to the other's. */
static bool open_channel(const struct bootinfo_shared *s, bool client)
{
	size_t half = s->size / 2;
	uint8_t *base = (uint8_t *)s->gpa;
	uint8_t *mine = client ? base : base + half, *theirs = client ? base + half : base;
	uint64_t deadline = rdtsc() + WAIT_LIMIT;

	if (spsc_ring_bytes(SLOT, SLOTS) > half)
		return experiment_error("ipc", "the shared region is too small (needs 2 x 17 KiB)");
	if (spsc_ring_init(&tx, mine, half, SLOT, SLOTS))
		return experiment_error("ipc", "cannot set up the ring");
	while (spsc_ring_attach_consumer(&rx, theirs, half, SLOT, SLOTS))
		if (rdtsc() > deadline)
			return experiment_error("ipc", "the peer never set up its ring");
	return true;
}

static void notify(void)
{
	if (spsc_ring_producer_should_notify(&tx))
		lapic_send(peer_apic, VEC_IPI);
}

static void send(uint8_t kind, uint32_t len)
{
	buf[0] = kind;
	while (!spsc_ring_push(&tx, buf, len))
		cpu_relax();     /* full: the peer is behind; its pops make room */
	notify();
}

/* Next message; with sleep, halt until an IPI while the ring is empty. */
static int32_t receive(bool sleep)
{
	int32_t n;
	uint64_t deadline = rdtsc() + WAIT_LIMIT;
	while ((n = spsc_ring_pop(&rx, buf, sizeof buf)) < 0) {
		if (rdtsc() > deadline)
			return -1;
		if (sleep && spsc_ring_consumer_arm(&rx))
			__asm__ volatile("sti; hlt; cli" ::: "memory");
		else
			cpu_relax();
	}
	return n;
}

static void sort(uint64_t *a, unsigned n)
{
	unsigned i, j;
	for (i = 1; i < n; i++) {
		uint64_t v = a[i];
		for (j = i; j > 0 && a[j - 1] > v; j--)
			a[j] = a[j - 1];
		a[j] = v;
	}
}

static void report(const char *mode, uint32_t size, unsigned rounds)
{
	struct record r;
	uint64_t sum = 0;
	unsigned i;
	sort(samples, rounds);
	for (i = 0; i < rounds; i++)
		sum += samples[i];
	rec_begin(&r, "ipc");
	rec_u64(&r, "sandbox", kinfo.sandbox);
	rec_str(&r, "mode", mode);
	rec_u64(&r, "size", size);
	rec_u64(&r, "rounds", rounds);
	rec_u64(&r, "min", samples[0]);
	rec_u64(&r, "median", samples[rounds / 2]);
	rec_u64(&r, "mean", sum / rounds);
	rec_u64(&r, "tsc_hz", kinfo.tsc_hz);
	rec_end(&r);
}

static bool client(unsigned rounds)
{
	static const uint32_t sizes[] = { 64, 256, 1024, 4096 };
	unsigned m, k, i;
	uint64_t t0;
	struct record r;

	for (m = 0; m < 2; m++) {
		buf[1] = (uint8_t)m;   /* how the server waits: 0 spin, 1 halt until IPI */
		send(MSG_MODE, 2);
		for (k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
			for (i = 0; i < rounds; i++) {
				t0 = rdtsc();
				send(MSG_DATA, sizes[k]);
				if (receive(false) != (int32_t)sizes[k])
					return experiment_error("ipc", "the echo was lost or cut");
				samples[i] = rdtsc() - t0;
			}
			report(m ? "ipi" : "poll", sizes[k], rounds);
		}
	}
	t0 = rdtsc();
	for (i = 0; i < BULK_MSGS; i++)
		send(MSG_BULK, 4096);
	send(MSG_DONE, 1);
	if (receive(false) != 1)
		return experiment_error("ipc", "no acknowledgement of the bulk transfer");
	rec_begin(&r, "ipc_bandwidth");
	rec_u64(&r, "sandbox", kinfo.sandbox);
	rec_u64(&r, "bytes", (uint64_t)BULK_MSGS * 4096);
	rec_u64(&r, "cycles", rdtsc() - t0);
	rec_u64(&r, "tsc_hz", kinfo.tsc_hz);
	rec_end(&r);
	return true;
}

/* Echo DATA back, swallow BULK; MODE says whether to halt between messages. */
static bool server(void)
{
	bool sleep = false;
	for (;;) {
		int32_t n = receive(sleep);
		if (n < 0)
			return experiment_error("ipc", "the client went silent");
		if (buf[0] == MSG_MODE)
			sleep = buf[1] == 1;
		else if (buf[0] == MSG_DATA)
			send(MSG_DATA, (uint32_t)n);
		else if (buf[0] == MSG_DONE) {
			send(MSG_DONE, 1);
			return true;
		}
	}
}

static bool exp_ipc_run(void)
{
	const struct bootinfo_shared *s;
	bool is_client;
	uint64_t off, rounds;

	if (!kinfo.bi || !region(&s) || s->nmembers != 2)
		return experiment_error("ipc", "needs a shared region of two sandboxes in the system config");
	for (off = 0; off < s->size; off += 4096)
		paging_map_page(s->gpa + off, 0);
	/* Members are listed in sandbox order: the lower one is the client. */
	is_client = kinfo.sandbox == s->members[0];
	peer_apic = kinfo.bi->peer_apic[is_client ? s->members[1] : s->members[0]];
	if (!open_channel(s, is_client))
		return false;
	rounds = arg_u64("rounds", 200);
	if (rounds == 0 || rounds > MAX_ROUNDS)
		return experiment_error("ipc", "rounds must be 1..1024");
	return is_client ? client((unsigned)rounds) : server();
}

EXPERIMENT("ipc", exp_ipc_run);
