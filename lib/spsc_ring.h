/*
 * Lock-free single-producer / single-consumer message ring over a shared
 * region that the caller provides (an inter-sandbox channel of issue 8, or a
 * VNIC frame ring of issue 6: the same code on both sides of a region mapped
 * into two sandboxes' nested page tables).
 *
 * Layout of the region: a header (the producer's and the consumer's index,
 * each on its own cache line, plus geometry, a magic and counters), then
 * `slots` fixed-size slots. A slot holds one message: an 8-byte header
 * (length, sequence number) and up to slot_size - 8 bytes of payload. Fixed
 * slots keep every message contiguous (a frame can be handed to a NIC or to
 * lwIP in place) at the price of space; slot_size is per ring, so a VNIC
 * ring uses 2 KiB slots and a 64-byte IPC ring 64+8.
 *
 * Indices are free-running 32-bit counters (slot = index & (slots - 1)); the
 * ring is full when head - tail == slots. Each side keeps its own index
 * locally and only ever *reads* the other side's index from shared memory:
 * the other side may be faulty (issue 8 injects faults), so every value read
 * from the region is checked before use, and a corrupt ring costs a counter,
 * never an out-of-bounds access or a hang.
 *
 * Full ring: the producer drops the message and counts it; it never blocks
 * (a driver sandbox must not stall behind a slow VNIC sandbox).
 *
 * Memory ordering (C11 atomics; what they cost on x86-64):
 *  - producer: write payload and slot header, then store head with release;
 *    consumer: load head with acquire, then read the slot. So the consumer
 *    never sees an index before the bytes it covers.
 *  - consumer: read the slot, then store tail with release; producer: load
 *    tail with acquire before reusing the slot. So the producer never
 *    overwrites a slot still being read.
 *  On x86-64 (TSO) acquire loads and release stores are plain MOVs: the
 *  atomics only stop the *compiler* from reordering. The wake-up protocol
 *  below needs store->load ordering, which TSO does not give: there the
 *  seq_cst fences become MFENCE.
 *
 * Wake-up (the IPI of issue 8): a consumer about to sleep calls
 * spsc_ring_consumer_arm(); if it returns false (the ring is empty) it may
 * sleep until notified. A producer calls spsc_ring_producer_should_notify()
 * after its pushes; true means "the consumer may be asleep: send the IPI".
 * Both sides put a seq_cst fence between their store and their load
 * (Dekker), so a wake-up is never lost: either the consumer sees the new
 * head, or the producer sees the armed flag.
 *
 * Freestanding: needs only <stdatomic.h>, <stdint.h>, <stddef.h>, <stdbool.h>
 * and memcpy.
 */
#ifndef QUESTV_SPSC_RING_H
#define QUESTV_SPSC_RING_H
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SPSC_RING_MAGIC   0x51565250u  /* "QVRP" */
#define SPSC_SLOT_HDR     8u           /* struct spsc_slot_hdr */
#define SPSC_CACHE_LINE   64u

/* The region's header, as both sides see it. */
struct spsc_ring_shared {
	/* Written by the producer only. */
	_Alignas(SPSC_CACHE_LINE) _Atomic uint32_t head;
	_Atomic uint32_t dropped;         /* producer's drop count, for the consumer to report */
	/* Written by the consumer only. */
	_Alignas(SPSC_CACHE_LINE) _Atomic uint32_t tail;
	_Atomic uint32_t armed;           /* consumer is (about to be) asleep */
	/* Written once by spsc_ring_init, then read-only. */
	_Alignas(SPSC_CACHE_LINE) uint32_t magic;
	uint32_t slot_size;
	uint32_t slots;
};

struct spsc_slot_hdr {
	uint32_t len;  /* payload bytes */
	uint32_t seq;  /* the producer index this slot was written at */
};

/* One side's handle; lives in that side's private memory. */
struct spsc_ring {
	struct spsc_ring_shared *sh;
	uint8_t *slot_base;
	uint32_t slot_size, mask;   /* trusted copies: never re-read from the region */
	uint32_t pos;               /* producer: next head; consumer: next tail */
	uint32_t peer_pos;          /* producer: last tail seen (spares a shared read) */
	/* Counters of this side. */
	uint64_t msgs, bytes;       /* pushed (producer) or popped (consumer) */
	uint64_t dropped_full;      /* producer: ring full */
	uint64_t dropped_too_long;  /* producer: message larger than a slot */
	uint64_t corrupt;           /* other side's index or a slot header made no sense */
};

/* Bytes the region needs for `slots` slots of `slot_size` bytes (header included). */
size_t spsc_ring_bytes(uint32_t slot_size, uint32_t slots);

/*
 * Format the region (the side that creates the channel; the other attaches).
 * slot_size: a multiple of 8, at least 16; slots: a power of two, >= 2.
 * mem must be 64-byte aligned and hold spsc_ring_bytes(). Returns 0, or -1
 * for a bad geometry (nothing written then).
 */
int spsc_ring_init(struct spsc_ring *r, void *mem, size_t mem_bytes, uint32_t slot_size, uint32_t slots);

/*
 * Attach to a region formatted by spsc_ring_init with the geometry both sides
 * agreed on (from the system config): -1 if the region's header does not
 * say the same, so a side never trusts the geometry the region claims.
 * The handle starts at the region's current index of its own role.
 */
int spsc_ring_attach_producer(struct spsc_ring *r, void *mem, size_t mem_bytes, uint32_t slot_size, uint32_t slots);
int spsc_ring_attach_consumer(struct spsc_ring *r, void *mem, size_t mem_bytes, uint32_t slot_size, uint32_t slots);

/* Largest message a slot takes. */
static inline uint32_t spsc_ring_max_msg(const struct spsc_ring *r) { return r->slot_size - SPSC_SLOT_HDR; }

/*
 * Producer: copy one message in. false = dropped (ring full, or len larger
 * than a slot) and counted; never blocks.
 */
bool spsc_ring_push(struct spsc_ring *r, const void *msg, uint32_t len);

/*
 * Producer, zero copy: a slot's payload area (spsc_ring_max_msg bytes) to
 * fill, or NULL when full (counted as a drop, as push). Then commit with the
 * length written (<= max), which publishes it. At most one reservation open.
 */
void *spsc_ring_reserve(struct spsc_ring *r);
void spsc_ring_commit(struct spsc_ring *r, uint32_t len);

/*
 * Consumer, zero copy: the next message (its length in *len), or NULL when
 * empty. The bytes stay in shared memory, so the producer could change them
 * under us if it misbehaves: copy what you must trust. Then release it.
 * Slots with a bad header (length too large, wrong sequence) are skipped
 * and counted as corrupt; a head index that claims more than `slots`
 * messages makes the consumer count and resynchronise to it (dropping what
 * is in between).
 */
const void *spsc_ring_peek(struct spsc_ring *r, uint32_t *len);
void spsc_ring_release(struct spsc_ring *r);

/* Consumer: copy the next message into buf (cap bytes). Returns its length,
 * -1 if empty, -2 if it does not fit in cap (the message is then dropped). */
int32_t spsc_ring_pop(struct spsc_ring *r, void *buf, uint32_t cap);

/* Messages waiting, as this side sees it (consumer's view is exact). */
uint32_t spsc_ring_count(struct spsc_ring *r);

/* Wake-up protocol (see top). */
bool spsc_ring_consumer_arm(struct spsc_ring *r);
bool spsc_ring_producer_should_notify(struct spsc_ring *r);

#endif
