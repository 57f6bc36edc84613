/* Host tests of the SPSC message ring (lib/spsc_ring.c): geometry, FIFO order
 * across index wrap, drops when full, zero-copy use, a faulty peer's garbage
 * in the shared region, the wake-up protocol, and concurrent producer and
 * consumer threads moving millions of messages checked by checksum. */
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include "lib/spsc_ring.h"

#define SLOT   64u
#define SLOTS  8u

static _Alignas(64) uint8_t region[1 << 16];

static void fill(uint8_t *p, uint32_t len, uint32_t seed)
{
	for (uint32_t i = 0; i < len; i++)
		p[i] = (uint8_t)(seed * 31 + i * 7);
}

static void geometry_is_checked(void **s)
{
	(void)s;
	struct spsc_ring r;
	assert_int_equal(spsc_ring_bytes(SLOT, SLOTS), sizeof(struct spsc_ring_shared) + SLOT * SLOTS);
	assert_int_equal(sizeof(struct spsc_ring_shared), 192);
	assert_int_equal(spsc_ring_init(&r, region, sizeof(region), SLOT, 6), -1);    /* not 2^k */
	assert_int_equal(spsc_ring_init(&r, region, sizeof(region), SLOT, 1), -1);
	assert_int_equal(spsc_ring_init(&r, region, sizeof(region), 60, SLOTS), -1);  /* not 8-aligned */
	assert_int_equal(spsc_ring_init(&r, region, sizeof(region), 8, SLOTS), -1);   /* no payload */
	assert_int_equal(spsc_ring_init(&r, region + 8, sizeof(region) - 8, SLOT, SLOTS), -1);
	assert_int_equal(spsc_ring_init(&r, region, spsc_ring_bytes(SLOT, SLOTS) - 1, SLOT, SLOTS), -1);
	assert_int_equal(spsc_ring_init(&r, NULL, sizeof(region), SLOT, SLOTS), -1);
	assert_int_equal(spsc_ring_init(&r, region, spsc_ring_bytes(SLOT, SLOTS), SLOT, SLOTS), 0);
	assert_int_equal(spsc_ring_max_msg(&r), SLOT - SPSC_SLOT_HDR);
}

static void attach_checks_the_region_says_the_same(void **s)
{
	(void)s;
	struct spsc_ring p, c;
	memset(region, 0, sizeof(region));
	assert_int_equal(spsc_ring_attach_consumer(&c, region, sizeof(region), SLOT, SLOTS), -1);  /* unformatted */
	assert_int_equal(spsc_ring_init(&p, region, sizeof(region), SLOT, SLOTS), 0);
	assert_int_equal(spsc_ring_attach_consumer(&c, region, sizeof(region), SLOT, 16), -1);
	assert_int_equal(spsc_ring_attach_consumer(&c, region, sizeof(region), 128, SLOTS), -1);
	assert_int_equal(spsc_ring_attach_consumer(&c, region, sizeof(region), SLOT, SLOTS), 0);
	/* Either side may create: a producer attaching to a consumer's region. */
	assert_int_equal(spsc_ring_init(&c, region, sizeof(region), SLOT, SLOTS), 0);
	assert_int_equal(spsc_ring_attach_producer(&p, region, sizeof(region), SLOT, SLOTS), 0);
	assert_true(spsc_ring_push(&p, "x", 1));
	char b[4];
	assert_int_equal(spsc_ring_pop(&c, b, sizeof(b)), 1);
}

static void fifo_order_across_index_wrap(void **s)
{
	(void)s;
	struct spsc_ring p, c;
	assert_int_equal(spsc_ring_init(&p, region, sizeof(region), SLOT, SLOTS), 0);
	/* Start just below 2^32 so the free-running indices wrap in the test. */
	atomic_store(&p.sh->head, 0xfffffff0u);
	atomic_store(&p.sh->tail, 0xfffffff0u);
	assert_int_equal(spsc_ring_attach_producer(&p, region, sizeof(region), SLOT, SLOTS), 0);
	assert_int_equal(spsc_ring_attach_consumer(&c, region, sizeof(region), SLOT, SLOTS), 0);
	uint8_t msg[SLOT], got[SLOT];
	uint32_t next_pop = 0;
	for (uint32_t i = 0; i < 100; i++) {
		uint32_t len = i % (SLOT - SPSC_SLOT_HDR + 1);
		fill(msg, len, i);
		assert_true(spsc_ring_push(&p, msg, len));
		if (i % 3 == 2) {  /* let a few accumulate, then drain */
			for (; next_pop <= i; next_pop++) {
				uint32_t want = next_pop % (SLOT - SPSC_SLOT_HDR + 1);
				fill(msg, want, next_pop);
				assert_int_equal(spsc_ring_pop(&c, got, sizeof(got)), want);
				assert_memory_equal(got, msg, want);
			}
		}
	}
	assert_true(p.pos < 0xfffffff0u);  /* wrapped */
	assert_int_equal(c.corrupt + p.corrupt, 0);
}

static void full_ring_drops_and_counts(void **s)
{
	(void)s;
	struct spsc_ring p, c;
	assert_int_equal(spsc_ring_init(&p, region, sizeof(region), SLOT, SLOTS), 0);
	assert_int_equal(spsc_ring_attach_consumer(&c, region, sizeof(region), SLOT, SLOTS), 0);
	for (uint32_t i = 0; i < SLOTS; i++)
		assert_true(spsc_ring_push(&p, &i, sizeof(i)));
	assert_int_equal(spsc_ring_count(&c), SLOTS);
	for (uint32_t i = 0; i < 5; i++)
		assert_false(spsc_ring_push(&p, &i, sizeof(i)));
	assert_int_equal(p.dropped_full, 5);
	assert_int_equal(atomic_load(&p.sh->dropped), 5);
	assert_null(spsc_ring_reserve(&p));
	assert_int_equal(p.dropped_full, 6);
	/* One out, one in: the drops lost nothing that was accepted. */
	uint32_t v;
	assert_int_equal(spsc_ring_pop(&c, &v, sizeof(v)), 4);
	assert_int_equal(v, 0);
	assert_true(spsc_ring_push(&p, &v, sizeof(v)));
	for (uint32_t i = 1; i < SLOTS; i++) {
		assert_int_equal(spsc_ring_pop(&c, &v, sizeof(v)), 4);
		assert_int_equal(v, i);
	}
	assert_int_equal(spsc_ring_pop(&c, &v, sizeof(v)), 4);
	assert_int_equal(spsc_ring_pop(&c, &v, sizeof(v)), -1);
	assert_int_equal(p.msgs, SLOTS + 1);
	assert_int_equal(c.msgs, SLOTS + 1);
}

static void oversized_messages_are_dropped(void **s)
{
	(void)s;
	struct spsc_ring p, c;
	uint8_t big[SLOT];
	assert_int_equal(spsc_ring_init(&p, region, sizeof(region), SLOT, SLOTS), 0);
	assert_int_equal(spsc_ring_attach_consumer(&c, region, sizeof(region), SLOT, SLOTS), 0);
	assert_false(spsc_ring_push(&p, big, SLOT - SPSC_SLOT_HDR + 1));
	assert_int_equal(p.dropped_too_long, 1);
	assert_true(spsc_ring_reserve(&p) != NULL);
	spsc_ring_commit(&p, SLOT);  /* a too-long commit publishes nothing */
	assert_int_equal(p.dropped_too_long, 2);
	assert_int_equal(spsc_ring_count(&c), 0);
	/* A message larger than the reader's buffer is consumed and reported. */
	assert_true(spsc_ring_push(&p, big, 10));
	assert_true(spsc_ring_push(&p, big, 2));
	assert_int_equal(spsc_ring_pop(&c, big, 4), -2);
	assert_int_equal(spsc_ring_pop(&c, big, 4), 2);
}

static void zero_copy_reserve_commit_peek_release(void **s)
{
	(void)s;
	struct spsc_ring p, c;
	assert_int_equal(spsc_ring_init(&p, region, sizeof(region), SLOT, SLOTS), 0);
	assert_int_equal(spsc_ring_attach_consumer(&c, region, sizeof(region), SLOT, SLOTS), 0);
	uint8_t *w = spsc_ring_reserve(&p);
	assert_non_null(w);
	assert_int_equal(spsc_ring_count(&c), 0);  /* not visible before commit */
	memcpy(w, "hello", 5);
	spsc_ring_commit(&p, 5);
	uint32_t len = 0;
	const uint8_t *m = spsc_ring_peek(&c, &len);
	assert_non_null(m);
	assert_int_equal(len, 5);
	assert_memory_equal(m, "hello", 5);
	assert_ptr_equal(m, w);  /* in place */
	assert_ptr_equal(spsc_ring_peek(&c, &len), m);  /* peek again: same */
	spsc_ring_release(&c);
	assert_null(spsc_ring_peek(&c, &len));
	assert_int_equal(c.bytes, 5);
}

/* A faulty producer scribbles over the region: the consumer must never read
 * outside its slots, must make progress and must count what it skipped. */
static void consumer_survives_garbage_from_the_producer(void **s)
{
	(void)s;
	struct spsc_ring p, c;
	uint8_t buf[SLOT];
	assert_int_equal(spsc_ring_init(&p, region, spsc_ring_bytes(SLOT, SLOTS), SLOT, SLOTS), 0);
	assert_int_equal(spsc_ring_attach_consumer(&c, region, sizeof(region), SLOT, SLOTS), 0);

	/* A length larger than a slot. */
	assert_true(spsc_ring_push(&p, "abc", 3));
	assert_true(spsc_ring_push(&p, "def", 3));
	struct spsc_slot_hdr *h0 = (void *)c.slot_base;
	h0->len = 0xffffffffu;
	assert_int_equal(spsc_ring_pop(&c, buf, sizeof(buf)), 3);
	assert_memory_equal(buf, "def", 3);
	assert_int_equal(c.corrupt, 1);

	/* A stale slot (sequence number of another lap). */
	assert_true(spsc_ring_push(&p, "ghi", 3));
	((struct spsc_slot_hdr *)(c.slot_base + 2 * SLOT))->seq += SLOTS;
	assert_int_equal(spsc_ring_pop(&c, buf, sizeof(buf)), -1);
	assert_int_equal(c.corrupt, 2);

	/* A head index far ahead: resynchronise, drop, count, no wild read. */
	atomic_store(&p.sh->head, c.pos + 1000000u);
	assert_int_equal(spsc_ring_pop(&c, buf, sizeof(buf)), -1);
	assert_int_equal(c.corrupt, 3);
	assert_int_equal(atomic_load(&c.sh->tail), c.pos);

	/* Random garbage everywhere, many times: only bounded, counted work. */
	srand(7);
	for (int round = 0; round < 2000; round++) {
		for (size_t i = 0; i < SLOT * SLOTS; i++)
			c.slot_base[i] = (uint8_t)rand();
		atomic_store(&p.sh->head, c.pos + (uint32_t)(rand() % (2 * SLOTS)));
		while (spsc_ring_pop(&c, buf, sizeof(buf)) != -1)
			;
	}
}

static void producer_survives_a_confused_consumer(void **s)
{
	(void)s;
	struct spsc_ring p, c;
	assert_int_equal(spsc_ring_init(&p, region, sizeof(region), SLOT, SLOTS), 0);
	assert_int_equal(spsc_ring_attach_consumer(&c, region, sizeof(region), SLOT, SLOTS), 0);
	for (uint32_t i = 0; i < SLOTS; i++)
		assert_true(spsc_ring_push(&p, &i, sizeof(i)));
	atomic_store(&p.sh->tail, p.pos + 5);  /* tail ahead of head */
	assert_false(spsc_ring_push(&p, "x", 1));
	assert_int_equal(p.corrupt, 1);
	assert_int_equal(p.dropped_full, 1);
	/* A producer refuses to attach to a region whose indices are nonsense. */
	struct spsc_ring p2;
	assert_int_equal(spsc_ring_attach_producer(&p2, region, sizeof(region), SLOT, SLOTS), -1);
}

static void wakeup_protocol_single_thread(void **s)
{
	(void)s;
	struct spsc_ring p, c;
	assert_int_equal(spsc_ring_init(&p, region, sizeof(region), SLOT, SLOTS), 0);
	assert_int_equal(spsc_ring_attach_consumer(&c, region, sizeof(region), SLOT, SLOTS), 0);
	assert_false(spsc_ring_producer_should_notify(&p));  /* nobody asleep */
	assert_false(spsc_ring_consumer_arm(&c));            /* empty: may sleep */
	assert_true(spsc_ring_push(&p, "a", 1));
	assert_true(spsc_ring_producer_should_notify(&p));   /* wake it, once */
	assert_false(spsc_ring_producer_should_notify(&p));
	assert_true(spsc_ring_consumer_arm(&c));             /* work waiting: stay up */
	assert_false(spsc_ring_producer_should_notify(&p));  /* so no IPI needed */
}

/* --- concurrent producer and consumer ------------------------------------ */

#define BIG_SLOT   256u
#define BIG_SLOTS  64u

struct run {
	struct spsc_ring p, c;
	uint32_t n;            /* messages to offer */
	int retry_when_full;   /* 1: spin until accepted (lossless); 0: drop */
	int sleepy_consumer;   /* consumer arms and sleeps on sem (the IPI) */
	sem_t ipi;
	_Atomic int producer_done;
	uint64_t sent_sum, recv_sum, recv, accepted, lost_wakeups, order_errors;
};

static uint32_t msg_len(uint32_t i) { return 4 + (i * 2654435761u >> 7) % (BIG_SLOT - SPSC_SLOT_HDR - 3); }

/* FNV-1a over the bytes of every message, in order. */
static uint64_t fnv(uint64_t h, const uint8_t *p, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

static void *producer(void *arg)
{
	struct run *r = arg;
	uint8_t m[BIG_SLOT];
	r->sent_sum = 0xcbf29ce484222325ull;
	for (uint32_t i = 0; i < r->n; i++) {
		uint32_t len = msg_len(i);
		memcpy(m, &i, 4);
		fill(m + 4, len - 4, i);
		bool ok;
		/* Yield while full: the host's cores are shared, and spinning
		 * would keep the consumer from running at all. */
		while (!(ok = spsc_ring_push(&r->p, m, len)) && r->retry_when_full)
			sched_yield();
		if (ok) {
			r->sent_sum = fnv(r->sent_sum, m, len);
			r->accepted++;
		}
		if (r->sleepy_consumer && spsc_ring_producer_should_notify(&r->p))
			sem_post(&r->ipi);
	}
	atomic_store(&r->producer_done, 1);
	if (r->sleepy_consumer)
		sem_post(&r->ipi);
	return NULL;
}

static void *consumer(void *arg)
{
	struct run *r = arg;
	uint8_t m[BIG_SLOT];
	uint32_t last = 0;
	int first = 1;
	r->recv_sum = 0xcbf29ce484222325ull;
	for (;;) {
		int32_t len = spsc_ring_pop(&r->c, m, sizeof(m));
		if (len >= 4) {
			uint32_t i;
			memcpy(&i, m, 4);
			if (!first && i <= last)
				r->order_errors++;
			if ((uint32_t)len != msg_len(i))
				r->order_errors++;
			first = 0;
			last = i;
			r->recv_sum = fnv(r->recv_sum, m, (uint32_t)len);
			r->recv++;
			continue;
		}
		if (atomic_load(&r->producer_done) && spsc_ring_count(&r->c) == 0)
			break;
		if (r->sleepy_consumer && !spsc_ring_consumer_arm(&r->c)) {
			/* Asleep until the producer's "IPI". A lost wake-up shows as a
			 * timeout while messages wait (the producer has finished). */
			struct timespec t;
			clock_gettime(CLOCK_REALTIME, &t);
			t.tv_sec += 2;
			if (sem_timedwait(&r->ipi, &t) != 0 && spsc_ring_count(&r->c) > 0)
				r->lost_wakeups++;
		} else {
			sched_yield();
		}
	}
	return NULL;
}

static struct run *concurrent(uint32_t n, int retry, int sleepy)
{
	static _Alignas(64) uint8_t big[BIG_SLOT * BIG_SLOTS + 256];
	struct run *r = calloc(1, sizeof(*r));
	r->n = n;
	r->retry_when_full = retry;
	r->sleepy_consumer = sleepy;
	sem_init(&r->ipi, 0, 0);
	assert_int_equal(spsc_ring_init(&r->p, big, sizeof(big), BIG_SLOT, BIG_SLOTS), 0);
	assert_int_equal(spsc_ring_attach_consumer(&r->c, big, sizeof(big), BIG_SLOT, BIG_SLOTS), 0);
	pthread_t tp, tc;
	pthread_create(&tc, NULL, consumer, r);
	pthread_create(&tp, NULL, producer, r);
	pthread_join(tp, NULL);
	pthread_join(tc, NULL);
	sem_destroy(&r->ipi);
	assert_int_equal(r->order_errors, 0);
	assert_int_equal(r->p.corrupt + r->c.corrupt, 0);
	assert_int_equal(r->recv, r->accepted);
	/* A retrying producer counts every refused attempt as a drop. */
	if (!retry)
		assert_int_equal(r->recv + r->p.dropped_full, n);
	assert_true(r->recv_sum == r->sent_sum);
	return r;
}

static void concurrent_lossless_millions(void **s)
{
	(void)s;
	struct run *r = concurrent(2000000, 1, 0);
	assert_int_equal(r->recv, 2000000);
	free(r);
}

static void concurrent_dropping_producer(void **s)
{
	(void)s;
	struct run *r = concurrent(1000000, 0, 0);
	print_message("  dropping producer: %llu delivered, %llu dropped (ring full)\n",
		      (unsigned long long)r->recv, (unsigned long long)r->p.dropped_full);
	free(r);
}

static void concurrent_sleeping_consumer_loses_no_wakeup(void **s)
{
	(void)s;
	struct run *r = concurrent(1000000, 1, 1);
	assert_int_equal(r->recv, 1000000);
	assert_int_equal(r->lost_wakeups, 0);
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(geometry_is_checked),
		cmocka_unit_test(attach_checks_the_region_says_the_same),
		cmocka_unit_test(fifo_order_across_index_wrap),
		cmocka_unit_test(full_ring_drops_and_counts),
		cmocka_unit_test(oversized_messages_are_dropped),
		cmocka_unit_test(zero_copy_reserve_commit_peek_release),
		cmocka_unit_test(consumer_survives_garbage_from_the_producer),
		cmocka_unit_test(producer_survives_a_confused_consumer),
		cmocka_unit_test(wakeup_protocol_single_thread),
		cmocka_unit_test(concurrent_lossless_millions),
		cmocka_unit_test(concurrent_dropping_producer),
		cmocka_unit_test(concurrent_sleeping_consumer_loses_no_wakeup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
