/* Lock-free SPSC message ring: see spsc_ring.h for the layout, the trust
 * model (every value read from the region is checked) and the ordering. */
#include "lib/spsc_ring.h"
#include "lib/string.h"

static bool geometry_ok(uint32_t slot_size, uint32_t slots)
{
	return slot_size >= 2 * SPSC_SLOT_HDR && slot_size % 8 == 0 &&
	       slots >= 2 && (slots & (slots - 1)) == 0;
}

size_t spsc_ring_bytes(uint32_t slot_size, uint32_t slots)
{
	return sizeof(struct spsc_ring_shared) + (size_t)slot_size * slots;
}

static void handle_init(struct spsc_ring *r, void *mem, uint32_t slot_size, uint32_t slots)
{
	memset(r, 0, sizeof(*r));
	r->sh = mem;
	r->slot_base = (uint8_t *)mem + sizeof(struct spsc_ring_shared);
	r->slot_size = slot_size;
	r->mask = slots - 1;
}

static bool region_ok(const void *mem, size_t mem_bytes, uint32_t slot_size, uint32_t slots)
{
	return mem && (uintptr_t)mem % SPSC_CACHE_LINE == 0 && geometry_ok(slot_size, slots) &&
	       mem_bytes >= spsc_ring_bytes(slot_size, slots);
}

int spsc_ring_init(struct spsc_ring *r, void *mem, size_t mem_bytes, uint32_t slot_size, uint32_t slots)
{
	if (!region_ok(mem, mem_bytes, slot_size, slots))
		return -1;
	struct spsc_ring_shared *sh = mem;
	sh->magic = 0;
	atomic_store_explicit(&sh->head, 0, memory_order_relaxed);
	atomic_store_explicit(&sh->dropped, 0, memory_order_relaxed);
	atomic_store_explicit(&sh->tail, 0, memory_order_relaxed);
	atomic_store_explicit(&sh->armed, 0, memory_order_relaxed);
	sh->slot_size = slot_size;
	sh->slots = slots;
	/* The magic goes last: a side that attaches and sees it sees the rest. */
	atomic_thread_fence(memory_order_release);
	sh->magic = SPSC_RING_MAGIC;
	handle_init(r, mem, slot_size, slots);
	return 0;
}

static int attach(struct spsc_ring *r, void *mem, size_t mem_bytes, uint32_t slot_size, uint32_t slots)
{
	if (!region_ok(mem, mem_bytes, slot_size, slots))
		return -1;
	const struct spsc_ring_shared *sh = mem;
	if (sh->magic != SPSC_RING_MAGIC || sh->slot_size != slot_size || sh->slots != slots)
		return -1;
	atomic_thread_fence(memory_order_acquire);
	handle_init(r, mem, slot_size, slots);
	return 0;
}

int spsc_ring_attach_producer(struct spsc_ring *r, void *mem, size_t mem_bytes, uint32_t slot_size, uint32_t slots)
{
	if (attach(r, mem, mem_bytes, slot_size, slots) < 0)
		return -1;
	r->pos = atomic_load_explicit(&r->sh->head, memory_order_relaxed);
	r->peer_pos = atomic_load_explicit(&r->sh->tail, memory_order_acquire);
	return r->pos - r->peer_pos <= slots ? 0 : -1;
}

int spsc_ring_attach_consumer(struct spsc_ring *r, void *mem, size_t mem_bytes, uint32_t slot_size, uint32_t slots)
{
	if (attach(r, mem, mem_bytes, slot_size, slots) < 0)
		return -1;
	r->pos = atomic_load_explicit(&r->sh->tail, memory_order_relaxed);
	return 0;
}

static uint8_t *slot_at(const struct spsc_ring *r, uint32_t index)
{
	return r->slot_base + (size_t)(index & r->mask) * r->slot_size;
}

static void publish_drops(struct spsc_ring *r)
{
	atomic_store_explicit(&r->sh->dropped, (uint32_t)(r->dropped_full + r->dropped_too_long),
			      memory_order_relaxed);
}

void *spsc_ring_reserve(struct spsc_ring *r)
{
	uint32_t slots = r->mask + 1;
	if (r->pos - r->peer_pos >= slots) {
		/* Looks full with the tail we remember: only now read the real one. */
		r->peer_pos = atomic_load_explicit(&r->sh->tail, memory_order_acquire);
		uint32_t used = r->pos - r->peer_pos;
		if (used >= slots) {
			if (used > slots)  /* tail ahead of head: the consumer is confused */
				r->corrupt++;
			r->dropped_full++;
			publish_drops(r);
			return NULL;
		}
	}
	return slot_at(r, r->pos) + SPSC_SLOT_HDR;
}

void spsc_ring_commit(struct spsc_ring *r, uint32_t len)
{
	if (len > spsc_ring_max_msg(r)) {
		r->dropped_too_long++;
		publish_drops(r);
		return;
	}
	struct spsc_slot_hdr h = { .len = len, .seq = r->pos };
	memcpy(slot_at(r, r->pos), &h, sizeof(h));
	r->pos++;
	r->msgs++;
	r->bytes += len;
	atomic_store_explicit(&r->sh->head, r->pos, memory_order_release);
}

bool spsc_ring_push(struct spsc_ring *r, const void *msg, uint32_t len)
{
	if (len > spsc_ring_max_msg(r)) {
		r->dropped_too_long++;
		publish_drops(r);
		return false;
	}
	void *p = spsc_ring_reserve(r);
	if (!p)
		return false;
	memcpy(p, msg, len);
	spsc_ring_commit(r, len);
	return true;
}

static void consumer_advance(struct spsc_ring *r)
{
	r->pos++;
	atomic_store_explicit(&r->sh->tail, r->pos, memory_order_release);
}

const void *spsc_ring_peek(struct spsc_ring *r, uint32_t *len)
{
	uint32_t slots = r->mask + 1;
	for (;;) {
		uint32_t head = atomic_load_explicit(&r->sh->head, memory_order_acquire);
		uint32_t avail = head - r->pos;
		if (avail == 0)
			return NULL;
		if (avail > slots) {
			/* No sane producer can be that far ahead: take its head as
			 * the truth and drop whatever lies in between. */
			r->corrupt++;
			r->pos = head;
			atomic_store_explicit(&r->sh->tail, r->pos, memory_order_release);
			return NULL;
		}
		const uint8_t *slot = slot_at(r, r->pos);
		/* Read the header once: the producer could rewrite it meanwhile. */
		struct spsc_slot_hdr h;
		h.len = *(const volatile uint32_t *)slot;
		h.seq = *(const volatile uint32_t *)(slot + 4);
		if (h.len <= spsc_ring_max_msg(r) && h.seq == r->pos) {
			*len = h.len;
			return slot + SPSC_SLOT_HDR;
		}
		r->corrupt++;
		consumer_advance(r);  /* skip it; the loop is bounded by avail */
	}
}

void spsc_ring_release(struct spsc_ring *r)
{
	const uint8_t *slot = slot_at(r, r->pos);
	r->msgs++;
	r->bytes += *(const volatile uint32_t *)slot;
	consumer_advance(r);
}

int32_t spsc_ring_pop(struct spsc_ring *r, void *buf, uint32_t cap)
{
	uint32_t len;
	const void *p = spsc_ring_peek(r, &len);
	if (!p)
		return -1;
	if (len > cap) {
		consumer_advance(r);
		return -2;
	}
	memcpy(buf, p, len);
	spsc_ring_release(r);
	return (int32_t)len;
}

uint32_t spsc_ring_count(struct spsc_ring *r)
{
	uint32_t head = atomic_load_explicit(&r->sh->head, memory_order_acquire);
	uint32_t tail = atomic_load_explicit(&r->sh->tail, memory_order_acquire);
	uint32_t n = head - tail;
	return n <= r->mask + 1 ? n : 0;
}

bool spsc_ring_consumer_arm(struct spsc_ring *r)
{
	atomic_store_explicit(&r->sh->armed, 1, memory_order_relaxed);
	atomic_thread_fence(memory_order_seq_cst);
	if (atomic_load_explicit(&r->sh->head, memory_order_relaxed) == r->pos)
		return false;
	/* Work arrived: stay awake and spare the producer an IPI. */
	atomic_store_explicit(&r->sh->armed, 0, memory_order_relaxed);
	return true;
}

bool spsc_ring_producer_should_notify(struct spsc_ring *r)
{
	atomic_thread_fence(memory_order_seq_cst);
	if (!atomic_load_explicit(&r->sh->armed, memory_order_relaxed))
		return false;
	return atomic_exchange_explicit(&r->sh->armed, 0, memory_order_relaxed) != 0;
}
