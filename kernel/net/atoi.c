/* atoi for lwIP in the kernel (freestanding/stdlib.h): decimal digits after
 * an optional sign; stops at the first non-digit. Overflow is undefined in
 * C; here it wraps, which netif_find (a u8_t) tolerates. */
#include "kernel/net/freestanding/stdlib.h"

int atoi(const char *s)
{
	unsigned v = 0;
	int neg = 0;
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (unsigned)(*s++ - '0');
	return neg ? -(int)v : (int)v;
}
