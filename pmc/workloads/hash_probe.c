/* Hash-table probes: an open-addressing table (linear probing, 16-byte
 * key/value slots, half full) filling the buffer, probed PASSES * slots
 * times with random keys of which half are present. Scattered accesses with
 * short runs: the database-like case. */
#include "lib/xorshift.h"
#include "pmc/workloads/workload.h"

struct slot {
	uint64_t key;	/* 0 = empty */
	uint64_t val;
};

static uint64_t slots(const struct wl_params *p)
{
	uint64_t n = 1;
	while (n * 2 * sizeof(struct slot) <= p->bytes)
		n *= 2;
	return n;
}

static uint64_t hash(uint64_t k) { return (k * 0x9e3779b97f4a7c15ull) >> 17; }

/* Keys 1, 3, 5, ... are inserted; even keys are never present. */
static uint64_t key_of(uint64_t i) { return 2 * i + 1; }

static void prepare(uint8_t *mem, const struct wl_params *p)
{
	struct slot *t = (struct slot *)mem;
	uint64_t n = slots(p), mask = n - 1;
	for (uint64_t i = 0; i < n; i++)
		t[i].key = 0, t[i].val = 0;
	for (uint64_t i = 0; i < n / 2; i++) {
		uint64_t k = key_of(i), h = hash(k) & mask;
		while (t[h].key)
			h = (h + 1) & mask;
		t[h].key = k;
		t[h].val = i;
	}
}

static WL_RUN uint64_t wl_hash_probe_run(uint8_t *mem, const struct wl_params *p)
{
	const volatile struct slot *t = (const volatile struct slot *)mem;
	uint64_t n = slots(p), mask = n - 1, state = p->seed | 1, found = 0;
	for (uint64_t q = 0; q < n * p->passes; q++) {
		uint64_t k = xorshift64star(&state) % n + 1, h = hash(k) & mask;
		for (;;) {
			uint64_t key = t[h].key;
			if (key == k) {
				found += t[h].val + 1;
				break;
			}
			if (!key)
				break;
			h = (h + 1) & mask;
		}
	}
	return found;
}

const struct workload wl_hash_probe = {"hash_probe", prepare, wl_hash_probe_run};
