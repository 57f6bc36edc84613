/*
 * The memory functions the compiler may call even in freestanding code.
 * memcpy and memset move 8 bytes per string-instruction step: the monitor
 * clears and fills whole sandboxes with them, and under QEMU's icount every
 * step counts as an instruction.
 */
#include <stddef.h>
#include <stdint.h>
#include "lib/string.h"

void *memcpy(void *dst, const void *src, size_t n)
{
	void *d = dst;
	size_t q = n / 8, r = n % 8;
	__asm__ volatile("rep movsq" : "+D"(d), "+S"(src), "+c"(q) :: "memory");
	__asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(r) :: "memory");
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	if (d < s)
		return memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	void *d = dst;
	uint64_t pattern = 0x0101010101010101ull * (uint8_t)c;
	size_t q = n / 8, r = n % 8;
	__asm__ volatile("rep stosq" : "+D"(d), "+c"(q) : "a"(pattern) : "memory");
	__asm__ volatile("rep stosb" : "+D"(d), "+c"(r) : "a"(pattern) : "memory");
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			return 0;
	}
	return 0;
}
