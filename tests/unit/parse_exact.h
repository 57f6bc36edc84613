/* For host tests of parsers of untrusted tables (DMAR, IVRS): run one on a
 * heap copy of exactly n bytes, so ASan catches any read past them. */
#ifndef QUESTV_TESTS_PARSE_EXACT_H
#define QUESTV_TESTS_PARSE_EXACT_H
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef const char *(*table_parser)(const void *t, size_t len, void *out);

/* The parser's message, or NULL when it accepted the bytes. */
static inline const char *parse_exact(table_parser parse, const uint8_t *t, unsigned n, void *out)
{
	uint8_t *copy = malloc(n ? n : 1);
	const char *why;
	memcpy(copy, t, n);
	why = parse(copy, n, out);
	free(copy);
	return why;
}
#endif
