/*
 * Fuzz target "hypercall": the monitor's checks of hypercall arguments
 * (monitor/hypercall_args.c) over a fake sandbox whose RAM is a heap block
 * of exactly its size, so ASan reports any byte the monitor would touch
 * outside it. The input is a sandbox (RAM size 0..4096, its bytes, lines
 * already logged) and a program of calls: any number, arguments picked raw
 * or relative to the RAM's end and to 2^64 (where the off-by-ones and
 * overflows are). Checked against an oracle of its own after every call:
 * the call is refused exactly when the ABI says so; a refused call changed
 * no byte, no counter, and wrote no record; HC_EXIT_COUNTS wrote exactly
 * its struct and HC_LOG only read and logged one line.
 */
#include <stdlib.h>
#include <string.h>
#include "lib/record.h"
#include "monitor/hypercall_args.h"
#include "tests/fuzz/fuzz_input.h"

#define MAX_RAM 4096u

static unsigned records;
static void count_record(const char *line, size_t len)
{
	if (len < 2 || line[0] != '{' || line[len - 1] != '\n')
		abort();
	records++;
}

static uint64_t fuzz_u64(struct fuzz_input *in)
{
	uint64_t hi = fuzz_u32(in);
	return hi << 32 | fuzz_u32(in);
}

/* An argument: raw, small, near RAM's end (both sides) or near 2^64. */
static uint64_t fuzz_arg(struct fuzz_input *in, uint64_t size)
{
	switch (fuzz_u8(in) % 5) {
	case 0: return fuzz_u64(in);
	case 1: return fuzz_u16(in);
	case 2: return size - fuzz_u16(in);
	case 3: return size + fuzz_u16(in);
	default: return ~0ull - fuzz_u16(in);
	}
}

/* The ABI's rule, written independently: does [gpa, gpa+len) fit? */
static int fits(uint64_t size, uint64_t gpa, uint64_t len)
{
	return gpa < size && (unsigned __int128)gpa + len <= size;
}

static void check_refused(long ret, const uint8_t *ram, const uint8_t *before, uint64_t size,
			  unsigned lines, unsigned lines_before, unsigned recs)
{
	if (ret >= 0 || memcmp(ram, before, size) || lines != lines_before || records != recs)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	static uint64_t exits[EXIT_NWINDOWS][EXIT_NREASONS];
	static uint8_t before[MAX_RAM];
	uint64_t ram_size = fuzz_u16(&in) % (MAX_RAM + 1);
	uint8_t *ram = malloc(ram_size ? ram_size : 1);
	unsigned lines = fuzz_u16(&in) % (HC_LOG_LINES + 2), ops = 0;
	struct hc_caller c = { .id = 1, .ram = ram, .size = ram_size, .log_lines = &lines,
			       .exits = &exits[0][0] };

	record_set_sink(count_record);
	memset(ram, 0, ram_size);
	fuzz_bytes(&in, ram, fuzz_u16(&in) % (ram_size + 1));
	while (fuzz_more(&in) && ops++ < 256) {
		uint8_t pick = fuzz_u8(&in);
		uint64_t nr = pick < 0xF0 ? pick % (HC_COUNT + 1) : fuzz_u64(&in);
		uint64_t a0 = fuzz_arg(&in, ram_size), a1 = fuzz_arg(&in, ram_size);
		unsigned lines_before = lines, recs = records;
		long ret = 0x5A5A;
		for (unsigned w = 0; w < EXIT_NWINDOWS; w++)
			for (unsigned x = 0; x < EXIT_NREASONS; x++)
				exits[w][x] = (uint64_t)ops << 32 | w << 8 | x;
		memcpy(before, ram, ram_size);

		if (!hc_answer(&c, nr, a0, a1, &ret)) {
			/* Left to the monitor: exactly the calls that change run state. */
			if ((nr != HC_END_RUN && nr != HC_PROBE_BEGIN && nr != HC_PROBE_END &&
			     nr != HC_DMA_FAULTS) || ret != 0x5A5A)
				abort();
			check_refused(-1, ram, before, ram_size, lines, lines_before, recs);
			continue;
		}
		switch (nr) {
		case HC_VERSION:
			if (ret != HC_ABI_VERSION || memcmp(ram, before, ram_size) || records != recs)
				abort();
			break;
		case HC_LOG:
			if (a1 > HC_LOG_MAX ? ret != HC_EINVAL
			    : !fits(ram_size, a0, a1) ? ret != HC_EFAULT
			    : lines_before >= HC_LOG_LINES ? ret != HC_ELIMIT
			    : ret != (long)a1) {
				abort();
			} else if (ret >= 0) {
				if (memcmp(ram, before, ram_size) || lines != lines_before + 1 ||
				    records != recs + 1)
					abort();
			} else {
				check_refused(ret, ram, before, ram_size, lines, lines_before, recs);
			}
			break;
		case HC_EXIT_COUNTS:
			if (!fits(ram_size, a0, sizeof(struct hc_exit_counts))) {
				if (ret != HC_EFAULT)
					abort();
				check_refused(ret, ram, before, ram_size, lines, lines_before, recs);
			} else {
				uint64_t end = a0 + sizeof(struct hc_exit_counts);
				if (ret != 0 || memcmp(ram, before, a0) ||
				    memcmp(ram + end, before + end, ram_size - end) ||
				    memcmp(ram + a0, exits, sizeof exits) || records != recs)
					abort();
			}
			break;
		default:
			if (ret != HC_ENOSYS)
				abort();
			check_refused(ret, ram, before, ram_size, lines, lines_before, recs);
		}
	}
	free(ram);
	return 0;
}
