/*
 * Reading a fuzz input as a program: the harnesses that drive a state
 * machine (rings, devices, the stack) take their operations and operands
 * from the input bytes in order; past the end every read gives 0, so any
 * input is a whole program and AFL++'s mutations map to nearby programs.
 */
#ifndef QUESTV_FUZZ_INPUT_H
#define QUESTV_FUZZ_INPUT_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct fuzz_input {
	const uint8_t *p;
	size_t left;
};

static inline int fuzz_more(const struct fuzz_input *in) { return in->left > 0; }

static inline uint8_t fuzz_u8(struct fuzz_input *in)
{
	if (!in->left)
		return 0;
	in->left--;
	return *in->p++;
}

static inline uint16_t fuzz_u16(struct fuzz_input *in)
{
	uint16_t hi = fuzz_u8(in);
	return (uint16_t)(hi << 8 | fuzz_u8(in));
}

static inline uint32_t fuzz_u32(struct fuzz_input *in)
{
	uint32_t hi = fuzz_u16(in);
	return hi << 16 | fuzz_u16(in);
}

/* Up to max bytes into buf (fewer when the input ends); returns how many. */
static inline size_t fuzz_bytes(struct fuzz_input *in, void *buf, size_t max)
{
	size_t n = max < in->left ? max : in->left;
	memcpy(buf, in->p, n);
	in->p += n;
	in->left -= n;
	return n;
}

#endif
