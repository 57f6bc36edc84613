/* Unit-test fixture: one parsed system config and its error, with the
 * checks the config, colour and port tests make on them. Include after
 * cmocka.h. */
#ifndef TESTS_UNIT_CONFIG_FIXTURE_H
#define TESTS_UNIT_CONFIG_FIXTURE_H
#include <stdio.h>
#include <string.h>
#include "monitor/config.h"

static struct system_config cfg;
static struct config_error err;

static inline int parse_n(const char *text, size_t len)
{
	return config_parse(text, len, &cfg, &err);
}

static inline int parse(const char *text)
{
	return parse_n(text, strlen(text));
}

static inline void parse_ok(const char *text)
{
	if (parse(text) != 0)
		fail_msg("unexpected error: %s", err.msg);
}

/* The parse must fail on `line`, the message naming that line and `what`. */
static inline void expect_error_n(const char *text, size_t len, unsigned line, const char *what)
{
	char prefix[32] = "";

	assert_int_equal(parse_n(text, len), -1);
	if (line)
		snprintf(prefix, sizeof(prefix), "line %u: ", line);
	if (err.line != line || strncmp(err.msg, prefix, strlen(prefix)) || !strstr(err.msg, what))
		fail_msg("wanted line %u \"%s\", got line %u \"%s\"", line, what, err.line, err.msg);
}

static inline void expect_error(const char *text, unsigned line, const char *what)
{
	expect_error_n(text, strlen(text), line, what);
}
#endif
