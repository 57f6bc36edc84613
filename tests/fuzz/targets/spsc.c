/*
 * Fuzz target "spsc": the SPSC channel's consumer (lib/spsc_ring.c) reading a
 * region shared with a hostile producer. The input is a program: honest
 * pushes, raw writes of any 32-bit value anywhere in the region (indices,
 * slot headers, payloads, the geometry words), pops with any buffer size,
 * zero-copy peeks, the wake-up protocol, and consumer re-attachment.
 * Checked beyond the sanitizers: a message popped or peeked is never longer
 * than a slot holds nor than the buffer given; a peeked message lies inside
 * the region; the consumer's view never claims more than `slots` messages.
 */
#include <stdlib.h>
#include "lib/spsc_ring.h"
#include "tests/fuzz/fuzz_input.h"

#define SLOT  64u
#define SLOTS 8u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	static _Alignas(64) uint8_t mem[8192];
	size_t bytes = spsc_ring_bytes(SLOT, SLOTS);
	struct spsc_ring prod, cons;
	if (bytes > sizeof mem || spsc_ring_init(&prod, mem, bytes, SLOT, SLOTS) ||
	    spsc_ring_attach_consumer(&cons, mem, bytes, SLOT, SLOTS))
		abort();
	int attached = 1;
	uint8_t buf[256];
	while (fuzz_more(&in)) {
		switch (fuzz_u8(&in) % 6) {
		case 0: {  /* an honest message */
			uint8_t len = fuzz_u8(&in);
			size_t n = fuzz_bytes(&in, buf, len % (SLOT + 8));
			spsc_ring_push(&prod, buf, (uint32_t)n);
			break;
		}
		case 1: {  /* the hostile producer writes anywhere */
			size_t off = (fuzz_u16(&in) % (bytes / 4)) * 4;
			uint32_t v = fuzz_u32(&in);
			memcpy(mem + off, &v, 4);
			break;
		}
		case 2:
			if (attached) {
				uint32_t cap = fuzz_u8(&in) % (sizeof buf + 1);
				int32_t n = spsc_ring_pop(&cons, buf, cap);
				if (n > (int32_t)cap || n > (int32_t)spsc_ring_max_msg(&cons) || n < -2)
					abort();
			}
			break;
		case 3:
			if (attached) {
				uint32_t len;
				const uint8_t *m = spsc_ring_peek(&cons, &len);
				if (m) {
					if (len > spsc_ring_max_msg(&cons) || m < mem || m + len > mem + bytes)
						abort();
					spsc_ring_release(&cons);
				}
			}
			break;
		case 4:
			if (attached) {
				spsc_ring_consumer_arm(&cons);
				spsc_ring_producer_should_notify(&prod);
				if (spsc_ring_count(&cons) > SLOTS)
					abort();
			}
			break;
		default:  /* re-attach: the header may be garbage by now */
			attached = spsc_ring_attach_consumer(&cons, mem, bytes, SLOT, SLOTS) == 0;
			break;
		}
	}
	return 0;
}
