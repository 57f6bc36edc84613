/*
 * Unit tests for the system config parser (config.c) and placement
 * (config_place.c). Run under ASan/UBSan: the fuzz tests hand the parser
 * exact-size heap buffers so any read past len or write past *cfg traps.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdbool.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/config.h"
#include "tests/unit/config_fixture.h"

#define MIB CFG_MIB

/* Three lines each. */
#define SB(n, core, mem) "[sandbox " #n "]\ncore = " #core "\nmemory = " mem "\n"
#define SB0 SB(0, 0, "32M")
#define SB1 SB(1, 1, "32M")

static const char four_default[] =
	"[sandbox 0]\ncore = 0\nmemory = 32M\nconsole = com1\n"
	"[sandbox 1]\ncore = 1\nmemory = 32M\nconsole = com2\n"
	"[sandbox 2]\ncore = 2\nmemory = 32M\nconsole = com3\n"
	"[sandbox 3]\ncore = 3\nmemory = 32M\nconsole = com4\n";

/* ---- Valid configs ----------------------------------------------------- */

static void test_default_four_sandboxes(void **state)
{
	static const uint16_t uart[] = { 0x3f8, 0x2f8, 0x3e8, 0x2e8 };

	(void)state;
	parse_ok(four_default);
	assert_int_equal(cfg.nsandboxes, 4);
	assert_int_equal(cfg.nshared, 0);
	for (unsigned i = 0; i < 4; i++) {
		const struct sandbox_config *sb = &cfg.sandbox[i];

		assert_int_equal(sb->line, 1 + 4 * i);
		assert_int_equal(sb->core, i);
		assert_int_equal(sb->mem_bytes, 32 * MIB);
		assert_int_equal(sb->base, 0);
		assert_int_equal(sb->console, uart[i]);
		assert_int_equal(sb->nports, 1);
		assert_int_equal(sb->ports[0].first, uart[i]);
		assert_int_equal(sb->ports[0].last, uart[i] + 7);
		assert_string_equal(sb->args, "");
	}
}

static void test_all_sandbox_keys(void **state)
{
	const struct sandbox_config *sb = &cfg.sandbox[0];

	(void)state;
	parse_ok("[sandbox 0]\n"
		 "core = 7\n"
		 "memory = 64M\n"
		 "base = 0x10000000\n"
		 "console = 0x500\n"
		 "ports = 0x278, 0x27c-0x27f\n"
		 "ports = 0x378 - 0x37f\n"
		 "args = \"probe steady=1000 #not-a-comment\"\n");
	assert_int_equal(sb->core, 7);
	assert_int_equal(sb->mem_bytes, 64 * MIB);
	assert_int_equal(sb->base, 0x10000000);
	assert_int_equal(sb->console, 0x500);
	assert_int_equal(sb->nports, 4);
	assert_int_equal(sb->ports[0].first, 0x500);
	assert_int_equal(sb->ports[0].last, 0x507);
	assert_int_equal(sb->ports[1].first, 0x278);
	assert_int_equal(sb->ports[1].last, 0x278);
	assert_int_equal(sb->ports[2].first, 0x27c);
	assert_int_equal(sb->ports[2].last, 0x27f);
	assert_int_equal(sb->ports[3].first, 0x378);
	assert_int_equal(sb->ports[3].last, 0x37f);
	assert_string_equal(sb->args, "probe steady=1000 #not-a-comment");
}

static void test_shared_region(void **state)
{
	const struct shared_config *sh = &cfg.shared[0];

	(void)state;
	/* Members may name sandboxes defined further down. */
	parse_ok(SB0 "[shared chan_0-A]\nsize = 64K\nsandboxes = 2, 0 1\n"
		 SB1 SB(2, 2, "4M"));
	assert_int_equal(cfg.nshared, 1);
	assert_string_equal(sh->name, "chan_0-A");
	assert_int_equal(sh->line, 4);
	assert_int_equal(sh->size, 64 * 1024);
	assert_int_equal(sh->nmembers, 3);
	assert_int_equal(sh->members[0], 2);
	assert_int_equal(sh->members[1], 0);
	assert_int_equal(sh->members[2], 1);
	assert_int_equal(sh->base, 0);
}

static void test_comments_crlf_tabs(void **state)
{
	(void)state;
	parse_ok("# system config\r\n"
		 "\r\n"
		 "  \t[sandbox 0]   # first\r\n"
		 "\tcore\t=\t3\t\r\n"
		 "memory=4M#tight\n"
		 "   # indented comment\n"
		 "args = \"a # b\"  # real comment\r\n"
		 "\n"
		 "[ sandbox\t1 ]\n"
		 "core = 1\nmemory = 4M\n"
		 "[ shared  x ]\n"
		 "size = 4K\n"
		 "sandboxes = 0,1\t"); /* no final newline */
	assert_int_equal(cfg.nsandboxes, 2);
	assert_int_equal(cfg.sandbox[0].line, 3);
	assert_int_equal(cfg.sandbox[0].core, 3);
	assert_int_equal(cfg.sandbox[0].mem_bytes, 4 * MIB);
	assert_string_equal(cfg.sandbox[0].args, "a # b");
	assert_int_equal(cfg.sandbox[1].line, 9);
	assert_string_equal(cfg.shared[0].name, "x");
	assert_int_equal(cfg.shared[0].nmembers, 2);

	/* A final \r without \n ends the last line too. */
	parse_ok("[sandbox 0]\r\ncore = 3\r\nmemory = 4M\r");
	assert_int_equal(cfg.sandbox[0].mem_bytes, 4 * MIB);
}

static void test_number_forms(void **state)
{
	(void)state;
	parse_ok("[sandbox 0]\ncore = 0x0f\nmemory = 0x2000000\n"
		 "base = 0X40000000\nports = 0X27a-0x27B, 00888\n"
		 "[sandbox 1]\ncore = 01\nmemory = 1G\n"
		 "[sandbox 2]\ncore = 2\nmemory = 6144K\n"
		 "[sandbox 3]\ncore = 3\nmemory = 0x10M\n"
		 "[shared s]\nsize = 0x1000\nsandboxes = 0x1,0\n");
	assert_int_equal(cfg.sandbox[0].core, 15);
	assert_int_equal(cfg.sandbox[0].mem_bytes, 32 * MIB);
	assert_int_equal(cfg.sandbox[0].base, 0x40000000);
	assert_int_equal(cfg.sandbox[0].ports[0].first, 0x27a);
	assert_int_equal(cfg.sandbox[0].ports[0].last, 0x27b);
	assert_int_equal(cfg.sandbox[0].ports[1].first, 888);
	assert_int_equal(cfg.sandbox[1].core, 1);
	assert_int_equal(cfg.sandbox[1].mem_bytes, 1024 * MIB);
	assert_int_equal(cfg.sandbox[2].mem_bytes, 6 * MIB);
	assert_int_equal(cfg.sandbox[3].mem_bytes, 16 * MIB);
	assert_int_equal(cfg.shared[0].size, 4096);
	assert_int_equal(cfg.shared[0].members[0], 1);
}

static void test_parse_starts_from_scratch(void **state)
{
	(void)state;
	memset(&cfg, 0xa5, sizeof(cfg));
	parse_ok(SB0);
	assert_int_equal(cfg.nsandboxes, 1);
	assert_int_equal(cfg.nshared, 0);
	assert_int_equal(cfg.sandbox[0].base, 0);
	assert_int_equal(cfg.sandbox[0].console, 0);
	assert_int_equal(cfg.sandbox[0].nports, 0);
	assert_string_equal(cfg.sandbox[0].args, "");
	assert_int_equal(cfg.sandbox[1].core, 0);
	assert_int_equal(cfg.shared[0].base, 0);
}

static void test_longest_names_and_args(void **state)
{
	char text[512], args[CFG_ARGS_MAX];

	(void)state;
	memset(args, 'a', sizeof(args) - 1);
	args[sizeof(args) - 1] = '\0';
	snprintf(text, sizeof(text), SB0 SB1 "args = \"%s\"\n"
		 "[shared abcdefghijklmno]\nsize = 1G\nsandboxes = 0 1\n",
		 args);
	parse_ok(text);
	assert_string_equal(cfg.sandbox[1].args, args);
	assert_string_equal(cfg.shared[0].name, "abcdefghijklmno");
	assert_int_equal(cfg.shared[0].size, 1024 * MIB);

	args[0] = 'b'; /* one more character: */
	snprintf(text, sizeof(text), SB0 "args = \"a%s\"\n", args);
	expect_error(text, 4, "args are longer than 127 characters");
}

/* ---- Bytes and lines --------------------------------------------------- */

static void test_no_sandbox(void **state)
{
	(void)state;
	expect_error_n("", 0, 0, "no sandbox defined");
	assert_string_equal(err.msg, "no sandbox defined");
	expect_error("# nothing\n\n   \n", 0, "no sandbox defined");
	expect_error("[shared c]\nsize = 4K\nsandboxes = 0 1\n", 0,
		     "no sandbox defined");
}

static void test_invalid_bytes(void **state)
{
	(void)state;
	expect_error("[sandbox 0]\ncore = \x01\n", 2, "invalid byte 0x01");
	expect_error("[sandbox 0]\ncore = 0\nmemory = 4M # \x7f\n", 3,
		     "invalid byte 0x7f");
	expect_error("# caf\xc3\xa9\n", 1, "invalid byte 0xc3");
	expect_error("\xff", 1, "invalid byte 0xff");
	expect_error("\x1b[0m\n", 1, "invalid byte 0x1b");
}

static void test_nul_byte(void **state)
{
	static const char text[] = "[sandbox 0]\ncore = 0\0\nmemory = 4M\n";

	(void)state;
	expect_error_n(text, sizeof(text) - 1, 2, "invalid byte 0x00");
}

static void test_stray_carriage_return(void **state)
{
	(void)state;
	expect_error(SB0 "args = \"a\rb\"\n", 4,
		     "carriage return not followed by newline");
}

static void test_line_length(void **state)
{
	char text[600];

	(void)state;
	/* 256 characters of comment, then \r\n: accepted. */
	snprintf(text, sizeof(text), SB0 "#%255s\r\n", "");
	parse_ok(text);
	snprintf(text, sizeof(text), SB0 "#%256s\n", "");
	expect_error(text, 4, "line is longer than 256 characters");
}

/* ---- Lines that make no sense ------------------------------------------ */

static void test_system_iommu(void **state)
{
	(void)state;
	parse_ok(SB0);
	assert_int_equal(cfg.iommu, CFG_IOMMU_AUTO);     /* the default */
	parse_ok("[system]\niommu = required\n" SB0);
	assert_int_equal(cfg.iommu, CFG_IOMMU_REQUIRED);
	parse_ok(SB0 "[system]  # after the sandboxes is fine\niommu = off\n");
	assert_int_equal(cfg.iommu, CFG_IOMMU_OFF);
	parse_ok("[system]\niommu = auto\n" SB0);
	assert_int_equal(cfg.iommu, CFG_IOMMU_AUTO);
	expect_error("[system]\niommu = yes\n" SB0, 2,
		     "iommu 'yes' is not off, auto or required");
	expect_error("[system]\niommu = off\niommu = auto\n" SB0, 3,
		     "duplicate key 'iommu' in [system]");
	expect_error("[system]\ncore = 0\n" SB0, 2, "unknown key 'core' in [system]");
	expect_error("[system 1]\n" SB0, 1, "[system] '1' takes no argument");
	expect_error("[system]\n" SB0 "[system]\n", 5, "[system] is given twice (first at line 1)");
}

static void test_unknown_section_kind(void **state)
{
	(void)state;
	expect_error(SB0 "[box 1]\n", 4, "unknown section kind 'box'");
	expect_error("[]\n", 1, "unknown section kind ''");
	expect_error("[sandbox0]\n", 1, "unknown section kind 'sandbox0'");
}

static void test_header_missing_bracket(void **state)
{
	(void)state;
	expect_error("[sandbox 0\ncore = 0\n", 1,
		     "missing ']' in section header");
	expect_error(SB0 "[shared x # ]\n", 4, "missing ']'");
}

static void test_header_extra_text(void **state)
{
	(void)state;
	expect_error("[sandbox 0] core = 0\n", 1, "unexpected text after ']'");
	expect_error("[sandbox 0]]\n", 1, "unexpected text after ']'");
}

static void test_key_outside_section(void **state)
{
	(void)state;
	expect_error("# header comes later\ncore = 0\n" SB0, 2,
		     "key 'core' is outside any section");
}

static void test_line_without_equals(void **state)
{
	(void)state;
	expect_error(SB0 "console com1\n", 4,
		     "expected 'key = value' or '[section]'");
}

static void test_missing_key(void **state)
{
	(void)state;
	expect_error(SB0 "  = 3\n", 4, "missing key before '='");
}

static void test_empty_value(void **state)
{
	(void)state;
	expect_error(SB0 "console =   # none\n", 4, "empty value for 'console'");
	expect_error("[shared c]\nsize = 4K\nsandboxes =\n", 3,
		     "empty value for 'sandboxes'");
}

static void test_unknown_key(void **state)
{
	(void)state;
	expect_error(SB0 SB1 "cpu = 2\n", 7, "unknown key 'cpu' in [sandbox 1]");
	assert_string_equal(err.msg, "line 7: unknown key 'cpu' in [sandbox 1]");
	expect_error("[shared chan0]\nmembers = 0 1\n", 2,
		     "unknown key 'members' in [shared chan0]");
	expect_error(SB0 "Core = 1\n", 4, "unknown key 'Core'");
}

static void test_duplicate_key(void **state)
{
	(void)state;
	expect_error(SB0 "core = 1\n", 4, "duplicate key 'core' in [sandbox 0]");
	expect_error(SB0 "args = \"\"\nargs = \"\"\n", 5,
		     "duplicate key 'args'");
	expect_error(SB0 "[shared c]\nsize = 4K\nsize = 8K\n", 6,
		     "duplicate key 'size' in [shared c]");
}

/* ---- Numbers ----------------------------------------------------------- */

static void test_malformed_numbers(void **state)
{
	static const char *const bad[] = {
		"12a", "0x", "-4M", "4.5M", "0xg", "4 M", "4m", "M", "4KB",
		"0b100", "+4M", "0x4MM", "\"4M\"",
	};
	char text[128], what[64];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "[sandbox 0]\ncore = 0\nmemory = %s\n",
			 bad[i]);
		snprintf(what, sizeof(what), "malformed number '%s' for memory",
			 bad[i]);
		expect_error(text, 3, what);
	}
	/* Suffixes are for sizes only. */
	expect_error("[sandbox 0]\ncore = 1K\n", 2,
		     "malformed number '1K' for core");
}

static void test_numbers_beyond_64_bits(void **state)
{
	(void)state;
	expect_error("[sandbox 0]\ncore = 0\nmemory = 18446744073709551616\n", 3,
		     "memory '18446744073709551616' does not fit in 64 bits");
	expect_error("[sandbox 0]\ncore = 0\nmemory = 0x10000000000000000\n", 3,
		     "does not fit in 64 bits");
	expect_error("[sandbox 0]\ncore = 0\nmemory = 17179869184G\n", 3,
		     "does not fit in 64 bits");
	expect_error("[sandbox 0]\ncore = 99999999999999999999\n", 2,
		     "core '99999999999999999999' does not fit in 64 bits");
	/* The largest that fits is fine for the parser. */
	parse_ok("[sandbox 0]\ncore = 0\nmemory = 17179869182G\n");
	assert_int_equal(cfg.sandbox[0].mem_bytes, 17179869182ull << 30);
}

static void test_numbers_beyond_field(void **state)
{
	(void)state;
	expect_error("[sandbox 0]\ncore = 16\n", 2,
		     "core '16' is out of range (0-15)");
	expect_error("[sandbox 0]\ncore = 0x10\n", 2,
		     "core '0x10' is out of range (0x0-0xf)");
	expect_error(SB0 "ports = 0x378, 0x10000\n", 4,
		     "port '0x10000' is out of range (0x0-0xffff)");
	expect_error(SB0 "ports = 0-65536\n", 4,
		     "port '65536' is out of range (0-65535)");
	expect_error(SB0 "console = 0xfff9\n", 4,
		     "console port '0xfff9' is out of range (0x1-0xfff8)");
	expect_error(SB0 "console = 0\n", 4,
		     "console port '0' is out of range (1-65528)");
}

/* ---- Sandboxes --------------------------------------------------------- */

static void test_sandbox_numbering(void **state)
{
	(void)state;
	expect_error("[sandbox 1]\n", 1, "expected [sandbox 0]");
	expect_error(SB0 "[sandbox 0]\n", 4, "expected [sandbox 1]");
	expect_error(SB0 "[sandbox 2]\n", 4, "expected [sandbox 1]");
	expect_error("[sandbox]\n", 1, "expected [sandbox 0]");
	expect_error("[sandbox zero]\n", 1, "expected [sandbox 0]");
	expect_error("[sandbox 0 1]\n", 1, "expected [sandbox 0]");
}

static void test_too_many_sandboxes(void **state)
{
	char text[1024] = "";

	(void)state;
	for (unsigned i = 0; i < CFG_MAX_SANDBOXES; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 "[sandbox %u]\ncore = %u\nmemory = 4M\n", i, i);
	parse_ok(text);
	assert_int_equal(cfg.nsandboxes, CFG_MAX_SANDBOXES);
	strcat(text, "[sandbox 8]\n");
	expect_error(text, 25, "too many sandboxes (max 8)");
}

static void test_missing_core_or_memory(void **state)
{
	(void)state;
	/* Reported at the header, when the section ends... */
	expect_error("[sandbox 0]\nmemory = 32M\n" SB1, 1,
		     "[sandbox 0] has no 'core'");
	/* ...which may be the end of the text. */
	expect_error(SB0 "[sandbox 1]\ncore = 1\n", 4,
		     "[sandbox 1] has no 'memory'");
}

static void test_duplicate_core(void **state)
{
	(void)state;
	expect_error(SB0 SB1 "[sandbox 2]\nmemory = 4M\ncore = 0\n", 9,
		     "core 0 of sandbox 2 is already given to sandbox 0");
}

static void test_memory_rules(void **state)
{
	(void)state;
	expect_error("[sandbox 0]\ncore = 0\nmemory = 3M\n", 3,
		     "memory '3M' is not a multiple of 2 MiB");
	expect_error("[sandbox 0]\ncore = 0\nmemory = 33554433\n", 3,
		     "is not a multiple of 2 MiB");
	expect_error("[sandbox 0]\ncore = 0\nmemory = 2M\n", 3,
		     "memory '2M' is below 4 MiB");
	expect_error("[sandbox 0]\ncore = 0\nmemory = 0\n", 3, "is below 4 MiB");
	parse_ok("[sandbox 0]\ncore = 0\nmemory = 4M\n");
}

static void test_base_rules(void **state)
{
	(void)state;
	expect_error(SB0 "base = 0x100000\n", 4,
		     "base '0x100000' is not aligned to 2 MiB");
	expect_error(SB0 "base = 0\n", 4, "base must not be 0");
	expect_error(SB0 "base = 2M\n", 4, "malformed number '2M' for base");
	parse_ok(SB0 "base = 0x200000\n");
	assert_int_equal(cfg.sandbox[0].base, 0x200000);
}

static void test_console_forms(void **state)
{
	(void)state;
	parse_ok(SB0 "console = 0x3e8\n");
	assert_int_equal(cfg.sandbox[0].console, 0x3e8); /* same as com3 */
	parse_ok(SB0 "console = 4096\n");
	assert_int_equal(cfg.sandbox[0].ports[0].first, 0x1000);
	assert_int_equal(cfg.sandbox[0].ports[0].last, 0x1007);
	expect_error(SB0 "console = com5\n", 4,
		     "console 'com5' is not com1-com4 or a port number");
	expect_error(SB0 "console = COM1\n", 4, "is not com1-com4");
	expect_error(SB0 "console = 3f8\n", 4,
		     "malformed number '3f8' for console port");
}

static void test_args_rules(void **state)
{
	(void)state;
	parse_ok(SB0 "args = \"\"\n");
	assert_string_equal(cfg.sandbox[0].args, "");
	expect_error(SB0 "args = probe\n", 4,
		     "args must be a \"quoted string\"");
	expect_error(SB0 "args = \"probe\n", 4, "unterminated string");
	expect_error(SB0 "args = \"probe # x\n", 4, "unterminated string");
	expect_error(SB0 "args = \"a\" b\n", 4,
		     "unexpected text after the closing quote");
	expect_error(SB0 "args = \"a\"b\"\n", 4, "unexpected text after");
}

/* ---- I/O ports --------------------------------------------------------- */

static void test_port_granted_twice_in_sandbox(void **state)
{
	(void)state;
	expect_error(SB0 "ports = 0x378, 0x378\n", 4,
		     "port 0x378 is already granted to sandbox 0");
	expect_error(SB0 "ports = 0x370-0x37f\nports = 0x272, 0x378-0x37f\n", 5,
		     "port 0x378 is already granted to sandbox 0");
}

static void test_port_granted_twice_across(void **state)
{
	(void)state;
	expect_error(SB0 "ports = 0x100-0x10f\n" SB1 "ports = 0x200, 0xff-0x108\n",
		     8, "port 0x100 is already granted to sandbox 0");
}

static void test_console_port_conflicts(void **state)
{
	(void)state;
	expect_error(SB0 "console = com1\n" SB1 "ports = 0x3fa\n", 8,
		     "port 0x3fa is already granted to sandbox 0");
	expect_error(SB0 "ports = 0x3ff\nconsole = com1\n", 5,
		     "port 0x3ff is already granted to sandbox 0");
	expect_error(SB0 "console = com2\n" SB1 "console = 0x2f4\n", 8,
		     "port 0x2f8 is already granted to sandbox 0");
}

static void test_reserved_ports(void **state)
{
	static const unsigned reserved[] = {
		0x20, 0x21, 0x40, 0x41, 0x42, 0x43, 0x70, 0x71, 0xa0, 0xa1, 0xe9,
		0xf4, 0xf5, 0xf6, 0xf7, 0xcf8, 0xcfb, 0xcff,
	};
	char text[128], what[64];

	(void)state;
	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
		snprintf(text, sizeof(text), SB0 "ports = 0x%x\n", reserved[i]);
		snprintf(what, sizeof(what),
			 "port 0x%x is reserved for the monitor", reserved[i]);
		expect_error(text, 4, what);
	}
	expect_error(SB0 "ports = 0x10-0x30\n", 4,
		     "port 0x20 is reserved for the monitor");
	expect_error(SB0 "console = 0xe8\n", 4, "port 0xe9 is reserved");
	/* Their neighbours are fine. */
	parse_ok(SB0 "ports = 0x1f, 0x22-0x3f, 0x44-0x5f, 0x72-0x80, 0xa2-0xb1, "
		 "0xea-0xf3, 0xf8-0x4cf, 0xd00-0x88ff\n");
}

static void test_reversed_port_range(void **state)
{
	(void)state;
	expect_error(SB0 "ports = 0x67-0x60\n", 4,
		     "port range '0x67-0x60' has first > last");
}

static void test_too_many_port_ranges(void **state)
{
	(void)state;
	parse_ok(SB0 "console = com1\nports = 0x101, 0x103, 0x105, 0x107\n"
		 "ports = 0x109, 0x10b, 0x10d\n");
	assert_int_equal(cfg.sandbox[0].nports, CFG_MAX_PORT_RANGES);
	expect_error(SB0 "console = com1\nports = 0x101, 0x103, 0x105, 0x107\n"
		     "ports = 0x109, 0x10b, 0x10d, 0x10f\n", 6,
		     "too many port ranges in [sandbox 0] (max 8)");
}

/* ---- Task sets ----------------------------------------------------------- */

/* VCPU, thread and policy lines go to the task set, each checked as it comes. */
static void test_policy_lines(void **state)
{
	(void)state;
	parse_ok(SB0 "vcpu = hi main 1000 5000\nthread = t hi periodic 500 5000\n"
		 "policy = memguard budget=500 period_us=1000\n");
	assert_non_null(strstr(cfg.sandbox[0].taskset, "policy memguard budget=500 period_us=1000"));
	expect_error(SB0 "policy = memguard budget=0\n", 4, "bad budget '0'");
	expect_error(SB0 "policy = memguard budget=10 color=red\n", 4, "color");
}

/* ---- PCI functions ------------------------------------------------------ */

static void test_pci_functions(void **state)
{
	(void)state;
	parse_ok(SB0 "pci = 00:03.0, ff:1f.7\n" SB1 "pci = 0:4.1\n");
	assert_int_equal(cfg.sandbox[0].npci, 2);
	assert_int_equal(cfg.sandbox[0].pci[0], 3 << 3);
	assert_int_equal(cfg.sandbox[0].pci[1], 0xff << 8 | 0x1f << 3 | 7);
	assert_int_equal(cfg.sandbox[1].pci[0], 4 << 3 | 1);
	assert_int_equal(cfg.sandbox[1].npci, 1);
}

static void test_pci_bad_functions(void **state)
{
	static const char *const bad[] = { "00:03", "00:20.0", "00:03.8", "100:03.0", "0003.0",
					   "00:03.0x", "g0:03.0", "00:03.0 1", ":03.0" };
	char text[128], what[96];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), SB0 "pci = %s\n", bad[i]);
		snprintf(what, sizeof(what), "pci '%s' is not a PCI function like 00:03.0", bad[i]);
		expect_error(text, 4, what);
	}
	expect_error(SB0 "pci = 00:03.0, 00:03.0\n", 4, "pci '00:03.0' is listed twice");
	expect_error(SB0 "pci = 00:03.0\n" SB1 "pci = 00:04.0, 00:03.0\n", 8,
		     "pci '00:03.0' already belongs to another sandbox");
	expect_error(SB0 "pci = 0:1.0, 0:2.0, 0:3.0, 0:4.0, 0:5.0\n", 4,
		     "too many PCI functions (max 4)");
	expect_error(SB0 "pci = 00:03.0,,00:04.0\n", 4, "empty item");
}

static void test_empty_list_items(void **state)
{
	(void)state;
	expect_error(SB0 "ports = 0x378,,0x37a\n", 4,
		     "empty item in the list of ports");
	expect_error(SB0 "ports = 0x378,\n", 4, "empty item in the list of ports");
	expect_error(SB0 "ports = , 0x378\n", 4, "empty item");
	expect_error(SB0 "ports = 0x378-\n", 4, "malformed number '' for port");
	expect_error(SB0 SB1 "[shared c]\nsize = 4K\nsandboxes = 0,,1\n", 9,
		     "empty item in the list of sandboxes");
}

/* ---- Shared regions ---------------------------------------------------- */

static void test_shared_size_rules(void **state)
{
	(void)state;
	expect_error(SB0 "[shared c]\nsize = 6K\n", 5,
		     "size '6K' is not a multiple of 4 KiB");
	expect_error(SB0 "[shared c]\nsize = 0\n", 5, "size '0' must be > 0");
	expect_error(SB0 "[shared c]\nsize = 1025M\n", 5,
		     "size '1025M' is larger than 1 GiB");
	expect_error(SB0 "[shared c]\nsize = 4G\n", 5, "is larger than 1 GiB");
	expect_error(SB0 "[shared c]\nsize = 4 K\n", 5, "malformed number");
}

static void test_shared_members_must_exist(void **state)
{
	(void)state;
	expect_error(SB0 "[shared c]\nsize = 4K\n\nsandboxes = 0 2\n" SB1, 7,
		     "[shared c] names sandbox 2, which is not defined");
}

static void test_shared_member_count_and_duplicates(void **state)
{
	(void)state;
	expect_error(SB0 "[shared c]\nsandboxes = 0\n", 5,
		     "[shared c] needs at least 2 sandboxes");
	expect_error(SB0 "[shared c]\nsandboxes = 1, 0 1\n", 5,
		     "sandbox 1 is listed twice");
	expect_error(SB0 "[shared c]\nsandboxes = 0 8\n", 5,
		     "sandbox '8' is out of range (0-7)");
	expect_error(SB0 "[shared c]\nsandboxes = 0 one\n", 5,
		     "malformed number 'one' for sandbox");
}

static void test_shared_duplicate_name(void **state)
{
	(void)state;
	expect_error(SB0 SB1 "[shared c]\nsize = 4K\nsandboxes = 0 1\n"
		     "[shared d]\nsize = 4K\nsandboxes = 0 1\n"
		     "[shared c]\n", 13, "shared region 'c' is defined twice");
}

static void test_shared_missing_keys(void **state)
{
	(void)state;
	expect_error(SB0 SB1 "[shared c]\nsandboxes = 0 1\n" SB(2, 2, "4M"), 7,
		     "[shared c] has no 'size'");
	expect_error(SB0 SB1 "[shared c]\nsize = 4K\n", 7,
		     "[shared c] has no 'sandboxes'");
}

static void test_too_many_shared(void **state)
{
	char text[1024] = SB0 SB1;

	(void)state;
	for (unsigned i = 0; i < CFG_MAX_SHARED; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 "[shared s%u]\nsize = 4K\nsandboxes = 0 1\n", i);
	parse_ok(text);
	assert_int_equal(cfg.nshared, CFG_MAX_SHARED);
	strcat(text, "[shared s8]\n");
	expect_error(text, 31, "too many shared regions (max 8)");
}

static void test_shared_name_rules(void **state)
{
	(void)state;
	expect_error(SB0 "[shared]\n", 4, "shared region name '' is not 1-15 "
		     "characters of [A-Za-z0-9_-]");
	expect_error(SB0 "[shared a.b]\n", 4, "shared region name 'a.b' is not");
	expect_error(SB0 "[shared a b]\n", 4, "shared region name 'a b' is not");
	expect_error(SB0 "[shared abcdefghijklmnop]\n", 4,
		     "name 'abcdefghijklmnop' is not 1-15");
}

/* ---- Messages ---------------------------------------------------------- */

static void test_message_truncated_safely(void **state)
{
	char text[300];

	(void)state;
	memset(&err, 'x', sizeof(err));
	snprintf(text, sizeof(text), SB0 "%0200d = 1\n", 0);
	expect_error(text, 4, "unknown key '0000");
	assert_int_equal(strlen(err.msg), CFG_MSG_MAX - 1);
}

static void test_parse_stays_inside_cfg(void **state)
{
	struct {
		unsigned char before[64];
		struct system_config cfg;
		unsigned char after[64];
	} guarded;
	static const char *const texts[] = {
		four_default, SB0 "ports = 0x101,0x102,0x103,0x104,0x105,0x106,0x107,0x108,0x109\n", "\xff",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		memset(&guarded, 0x5a, sizeof(guarded));
		config_parse(texts[i], strlen(texts[i]), &guarded.cfg, &err);
		for (size_t b = 0; b < sizeof(guarded.before); b++) {
			assert_int_equal(guarded.before[b], 0x5a);
			assert_int_equal(guarded.after[b], 0x5a);
		}
	}
}

/* ---- Placement --------------------------------------------------------- */

static struct machine mach;

/* A machine with cores 0..ncores-1, no memory yet and floor 1 MiB. */
static void machine(unsigned ncores)
{
	memset(&mach, 0, sizeof(mach));
	mach.ncores = ncores;
	for (unsigned i = 0; i < ncores; i++)
		mach.apic_ids[i] = i;
	mach.floor = 1 * MIB;
}

static void add_free(uint64_t base, uint64_t end)
{
	mach.free[mach.nfree++] = (struct mem_range){ base, end };
}

static void add_reserved(uint64_t base, uint64_t end)
{
	mach.reserved[mach.nreserved++] = (struct mem_range){ base, end };
}

static void place_ok(void)
{
	if (config_place(&cfg, &mach, &err) != 0)
		fail_msg("unexpected error: %s", err.msg);
}

static void expect_place_error(unsigned line, const char *what)
{
	char prefix[32];

	assert_int_equal(config_place(&cfg, &mach, &err), -1);
	snprintf(prefix, sizeof(prefix), "line %u: ", line);
	if (err.line != line || strncmp(err.msg, prefix, strlen(prefix)) ||
	    !strstr(err.msg, what))
		fail_msg("wanted line %u \"%s\", got line %u \"%s\"", line,
			 what, err.line, err.msg);
}

/* Low memory, a hole, then RAM with the monitor at its start. */
static void pc_machine(void)
{
	machine(4);
	add_free(0, 0x9f000);
	add_free(1 * MIB, 512 * MIB);
	add_reserved(1 * MIB, 5 * MIB);
}

static void test_place_default(void **state)
{
	(void)state;
	parse_ok(four_default);
	pc_machine();
	place_ok();
	assert_int_equal(cfg.sandbox[0].base, 6 * MIB);
	assert_int_equal(cfg.sandbox[1].base, 38 * MIB);
	assert_int_equal(cfg.sandbox[2].base, 70 * MIB);
	assert_int_equal(cfg.sandbox[3].base, 102 * MIB);
	assert_string_equal(err.msg, "");
}

static void test_place_explicit_base(void **state)
{
	(void)state;
	parse_ok(SB0 SB1 "base = 0x600000\n" SB(2, 2, "4M"));
	pc_machine();
	place_ok();
	assert_int_equal(cfg.sandbox[0].base, 38 * MIB);
	assert_int_equal(cfg.sandbox[1].base, 6 * MIB);
	assert_int_equal(cfg.sandbox[2].base, 70 * MIB);
}

static void test_place_first_fit_ascending(void **state)
{
	(void)state;
	/* Sandbox 1 is smaller and takes the low gap sandbox 0 skipped. */
	parse_ok(SB0 SB(1, 1, "16M"));
	machine(2);
	add_free(64 * MIB, 256 * MIB);
	add_free(2 * MIB, 20 * MIB);
	place_ok();
	assert_int_equal(cfg.sandbox[0].base, 64 * MIB);
	assert_int_equal(cfg.sandbox[1].base, 2 * MIB);
}

static void test_place_avoids_reserved_unaligned(void **state)
{
	(void)state;
	parse_ok(SB0 SB1);
	machine(2);
	add_free(0, 256 * MIB);
	add_reserved(0x2000000, 0x2000001); /* a one-byte boot module */
	add_reserved(5 * MIB, 5 * MIB);      /* empty: ignored */
	add_reserved(9 * MIB, 8 * MIB);      /* backwards: ignored */
	place_ok();
	assert_int_equal(cfg.sandbox[0].base, 0x2200000);
	assert_int_equal(cfg.sandbox[1].base, 0x4200000);
}

static void test_place_floor(void **state)
{
	(void)state;
	parse_ok(SB0);
	machine(1);
	add_free(0, 1024 * MIB);
	mach.floor = 0x10000001;
	place_ok();
	assert_int_equal(cfg.sandbox[0].base, 0x10200000);

	/* Floor 0: address 0 is still never handed out. */
	mach.floor = 0;
	cfg.sandbox[0].base = 0;
	place_ok();
	assert_int_equal(cfg.sandbox[0].base, 2 * MIB);

	parse_ok(SB0 "base = 0x200000\n");
	mach.floor = 16 * MIB;
	expect_place_error(1, "memory of sandbox 0 (0x200000-0x21fffff) is below "
			   "the lowest allowed address 0x1000000");
}

static void test_place_unsorted_overlapping_free(void **state)
{
	(void)state;
	parse_ok(SB0 SB1 SB(2, 2, "32M"));
	machine(3);
	add_free(64 * MIB, 100 * MIB);
	add_free(0, 40 * MIB);
	add_free(50 * MIB, 50 * MIB);
	add_free(30 * MIB, 70 * MIB);
	add_free(70 * MIB, 10 * MIB);
	mach.floor = 2 * MIB;
	place_ok();
	assert_int_equal(cfg.sandbox[0].base, 2 * MIB);
	assert_int_equal(cfg.sandbox[1].base, 34 * MIB);
	assert_int_equal(cfg.sandbox[2].base, 66 * MIB);
}

static void test_place_out_of_memory(void **state)
{
	(void)state;
	parse_ok(four_default);
	machine(4);
	add_free(0, 100 * MIB);
	add_reserved(0, 2 * MIB);
	expect_place_error(13, "sandbox 3 needs 32 MiB but only 2 MiB of "
			   "contiguous usable memory is left");
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(cfg.sandbox[i].base, 0);
}

static void test_place_reset_keeps_explicit(void **state)
{
	(void)state;
	parse_ok(SB0 SB1 "base = 0x8000000\n"
		 "[shared big]\nsize = 1G\nsandboxes = 0 1\n");
	pc_machine();
	expect_place_error(8, "shared region 'big' needs 1024 MiB but only");
	assert_int_equal(cfg.sandbox[0].base, 0);
	assert_int_equal(cfg.sandbox[1].base, 0x8000000);
	assert_int_equal(cfg.shared[0].base, 0);
}

static void test_place_explicit_overlaps_reserved(void **state)
{
	(void)state;
	parse_ok(SB0 "base = 0x400000\n");
	pc_machine();
	expect_place_error(1, "memory of sandbox 0 (0x400000-0x23fffff) "
			   "overlaps the monitor or a boot module");
	assert_int_equal(cfg.sandbox[0].base, 0x400000);
}

static void test_place_explicit_not_ram(void **state)
{
	(void)state;
	parse_ok(SB0 "base = 0x40000000\n");
	pc_machine();
	expect_place_error(1, "(0x40000000-0x41ffffff) is not usable RAM");

	/* Straddles the end of one range. */
	parse_ok(SB0 "base = 0x1f000000\n");
	expect_place_error(1, "is not usable RAM");

	/* Wraps around the top of the address space. */
	parse_ok(SB0 "base = 0xffffffffffe00000\n");
	add_free(0x8000000000000000ull, UINT64_MAX);
	expect_place_error(1, "(0xffffffffffe00000-0xffffffffffffffff) is not "
			   "usable RAM");
}

static void test_place_awkward_ranges(void **state)
{
	(void)state;
	parse_ok(SB0);
	machine(1);
	add_free(3 * MIB, 4 * MIB);               /* too small once aligned */
	add_free(0x100001, 0x1ff000);             /* no 2 MiB boundary inside */
	add_free(UINT64_MAX - MIB, UINT64_MAX);   /* aligning would wrap */
	expect_place_error(1, "sandbox 0 needs 32 MiB but only 0 MiB of "
			   "contiguous usable memory is left");

	/* Above the floor, but in a hole between RAM ranges. */
	parse_ok(SB0 "base = 0x200000\n");
	expect_place_error(1, "(0x200000-0x21fffff) is not usable RAM");
}

static void test_place_explicit_overlap(void **state)
{
	(void)state;
	parse_ok(SB0 "base = 0x4000000\n" SB1 "base = 0x5000000\n");
	pc_machine();
	expect_place_error(5, "memory of sandbox 1 (0x5000000-0x6ffffff) "
			   "overlaps sandbox 0");
}

static void test_place_core_missing(void **state)
{
	(void)state;
	parse_ok(SB0 SB1 "[sandbox 2]\ncore = 5\nmemory = 4M\n");
	pc_machine();
	expect_place_error(7, "sandbox 2 wants core 5 but the machine has "
			   "cores 0-3");
	assert_int_equal(cfg.sandbox[0].base, 0);

	mach.ncores = 5;
	memcpy(mach.apic_ids, (uint32_t[]){ 6, 0, 1, 4, 1 }, 5 * sizeof(uint32_t));
	expect_place_error(7, "wants core 5 but the machine has cores 0-1,4,6");

	mach.ncores = 0;
	expect_place_error(1, "sandbox 0 wants core 0 but the machine has no "
			   "cores");
}

static void test_place_shared(void **state)
{
	(void)state;
	parse_ok(SB0 SB1 "[shared a]\nsize = 64K\nsandboxes = 0 1\n"
		 "[shared b]\nsize = 8K\nsandboxes = 1 0\n");
	machine(2);
	add_free(2 * MIB, 200 * MIB);
	add_reserved(2 * MIB, 0x201800);
	place_ok();
	assert_int_equal(cfg.sandbox[0].base, 4 * MIB);
	assert_int_equal(cfg.sandbox[1].base, 36 * MIB);
	/* 4 KiB aligned, in the gap below the sandboxes. */
	assert_int_equal(cfg.shared[0].base, 0x202000);
	assert_int_equal(cfg.shared[1].base, 0x212000);
}

static void test_place_shared_out_of_memory(void **state)
{
	(void)state;
	parse_ok(SB0 SB1 "[shared a]\nsize = 12K\nsandboxes = 0 1\n");
	machine(2);
	add_free(2 * MIB, 66 * MIB + 8192);
	expect_place_error(7, "shared region 'a' needs 12 KiB but only 8 KiB of "
			   "contiguous usable memory is left");
	assert_int_equal(cfg.sandbox[0].base, 0);
	assert_int_equal(cfg.sandbox[1].base, 0);
}

/* ---- Fuzzing ----------------------------------------------------------- */

static uint64_t rng_state;

static uint64_t rng(void) /* xorshift64* */
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static size_t below(size_t n)
{
	return (size_t)(rng() % n);
}

static unsigned count_lines(const char *text, size_t len)
{
	unsigned n = 0;

	for (size_t i = 0; i < len; i++)
		n += text[i] == '\n';
	return n + (len && text[len - 1] != '\n');
}

static bool overlap(uint64_t a, uint64_t asize, uint64_t b, uint64_t bsize)
{
	return a < b + bsize && b < a + asize;
}

/* A successful placement: aligned, in RAM, above floor, disjoint. */
static void check_placement(const struct system_config *c)
{
	uint64_t base[CFG_MAX_SANDBOXES + CFG_MAX_SHARED];
	uint64_t size[CFG_MAX_SANDBOXES + CFG_MAX_SHARED];
	unsigned n = 0;

	for (unsigned i = 0; i < c->nsandboxes; i++, n++) {
		base[n] = c->sandbox[i].base;
		size[n] = c->sandbox[i].mem_bytes;
		assert_int_equal(base[n] % CFG_MEM_ALIGN, 0);
	}
	for (unsigned j = 0; j < c->nshared; j++, n++) {
		base[n] = c->shared[j].base;
		size[n] = c->shared[j].size;
		assert_int_equal(base[n] % CFG_SHARED_ALIGN, 0);
	}
	for (unsigned i = 0; i < n; i++) {
		assert_true(base[i] >= mach.floor);
		assert_true(base[i] + size[i] <= mach.free[0].end);
		assert_false(overlap(base[i], size[i], mach.reserved[0].base,
				     mach.reserved[0].end - mach.reserved[0].base));
		for (unsigned k = 0; k < i; k++)
			assert_false(overlap(base[i], size[i], base[k], size[k]));
	}
}

/* Whatever the input: a clean result, and valid fields on success. */
static int fuzz_one(const char *bytes, size_t len)
{
	char *text = malloc(len ? len : 1);
	struct system_config *c = malloc(sizeof(*c));
	struct config_error *e = malloc(sizeof(*e));
	uint64_t given[CFG_MAX_SANDBOXES];
	int rc;

	assert_non_null(text);
	assert_non_null(c);
	assert_non_null(e);
	memcpy(text, bytes, len);
	memset(e, 0x5a, sizeof(*e));
	rc = config_parse(text, len, c, e);
	assert_true(rc == 0 || rc == -1);
	if (rc) {
		assert_non_null(memchr(e->msg, '\0', CFG_MSG_MAX));
		assert_true(e->msg[0] != '\0');
		assert_true(e->line <= count_lines(text, len) + 1);
	} else {
		assert_true(c->nsandboxes >= 1);
		for (unsigned i = 0; i < c->nsandboxes; i++) {
			assert_true(c->sandbox[i].mem_bytes >= CFG_MEM_MIN);
			assert_true(c->sandbox[i].core < CFG_MAX_CORES);
			assert_true(c->sandbox[i].nports <= CFG_MAX_PORT_RANGES);
			given[i] = c->sandbox[i].base;
		}
		if (config_place(c, &mach, e) == 0) {
			check_placement(c);
		} else {
			assert_true(e->msg[0] != '\0');
			for (unsigned i = 0; i < c->nsandboxes; i++)
				assert_int_equal(c->sandbox[i].base, given[i]);
		}
	}
	free(text);
	free(c);
	free(e);
	return rc;
}

static void fuzz_machine(void)
{
	machine(CFG_MAX_CORES);
	add_free(0, 4096 * MIB);
	add_reserved(1 * MIB, 9 * MIB + 123);
}

static void test_fuzz_random_bytes(void **state)
{
	static const char alphabet[] = "[]=#\",- \t\r\n0123456789xabcfKMG"
				       "sandboxcoreshared\0\x80";
	char buf[512];

	(void)state;
	rng_state = 0x9e3779b97f4a7c15ull;
	fuzz_machine();
	for (int iter = 0; iter < 4000; iter++) {
		size_t len = below(sizeof(buf) + 1);
		bool raw = iter % 2;

		for (size_t i = 0; i < len; i++)
			buf[i] = raw ? (char)rng() :
			       alphabet[below(sizeof(alphabet) - 1)];
		fuzz_one(buf, len);
	}
}

static const char rich_config[] =
	"# fuzz seed\n"
	"[sandbox 0]\ncore = 0\nmemory = 32M\nconsole = com1\n"
	"ports = 0x378, 0x37a-0x37f\nargs = \"probe steady=1000\"\n"
	"[sandbox 1]\r\ncore = 1\r\nmemory = 0x2000000\r\nconsole = 0x2f8\r\n"
	"base = 0x10000000  # fixed\n"
	"[sandbox 2]\n\tcore = 2\n\tmemory = 4M\n\tports = 0x300-0x31f\n"
	"[shared chan0]\nsize = 64K\nsandboxes = 0 1\n"
	"[shared chan1]\nsize = 1M\nsandboxes = 2, 1, 0\n";

static void mutate(char *buf, size_t *len, size_t cap)
{
	static const char *const tokens[] = {
		"[", "]", "=", "#", "\"", ",", "-", "0x", "\r", "\n", "\t",
		" ", "sandbox", "shared", "core", "ports", "K", "G", "com1",
		"99999999999999999999", "0xffff", "[sandbox 3]", "\n[shared x]\n",
	};
	size_t at = below(*len + 1), n;
	const char *t;

	switch (below(5)) {
	case 0: /* replace a byte */
		if (*len)
			buf[below(*len)] = (char)rng();
		break;
	case 1: /* insert a token */
		t = tokens[below(sizeof(tokens) / sizeof(tokens[0]))];
		n = strlen(t);
		if (*len + n <= cap) {
			memmove(buf + at + n, buf + at, *len - at);
			memcpy(buf + at, t, n);
			*len += n;
		}
		break;
	case 2: /* delete a span */
		n = below(*len - at + 1) % 16;
		memmove(buf + at, buf + at + n, *len - at - n);
		*len -= n;
		break;
	case 3: /* duplicate a span */
		n = below(*len - at + 1) % 64;
		if (*len + n <= cap) {
			memmove(buf + at + n, buf + at, *len - at);
			*len += n;
		}
		break;
	default: /* truncate */
		*len = at;
	}
}

static void test_fuzz_mutations(void **state)
{
	char buf[1024];
	int ok = 0, failed = 0;

	(void)state;
	rng_state = 42;
	fuzz_machine();
	assert_int_equal(fuzz_one(rich_config, strlen(rich_config)), 0);
	for (int iter = 0; iter < 20000; iter++) {
		size_t len = strlen(rich_config);
		unsigned rounds = 1 + (unsigned)below(4);

		memcpy(buf, rich_config, len);
		while (rounds--)
			mutate(buf, &len, sizeof(buf));
		if (fuzz_one(buf, len))
			failed++;
		else
			ok++;
	}
	/* Both outcomes must be exercised for the run to mean anything. */
	assert_true(ok > 500);
	assert_true(failed > 500);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_four_sandboxes),
		cmocka_unit_test(test_all_sandbox_keys),
		cmocka_unit_test(test_shared_region),
		cmocka_unit_test(test_comments_crlf_tabs),
		cmocka_unit_test(test_number_forms),
		cmocka_unit_test(test_parse_starts_from_scratch),
		cmocka_unit_test(test_longest_names_and_args),
		cmocka_unit_test(test_no_sandbox),
		cmocka_unit_test(test_invalid_bytes),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_stray_carriage_return),
		cmocka_unit_test(test_line_length),
		cmocka_unit_test(test_system_iommu),
		cmocka_unit_test(test_unknown_section_kind),
		cmocka_unit_test(test_header_missing_bracket),
		cmocka_unit_test(test_header_extra_text),
		cmocka_unit_test(test_key_outside_section),
		cmocka_unit_test(test_line_without_equals),
		cmocka_unit_test(test_missing_key),
		cmocka_unit_test(test_empty_value),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_duplicate_key),
		cmocka_unit_test(test_malformed_numbers),
		cmocka_unit_test(test_numbers_beyond_64_bits),
		cmocka_unit_test(test_numbers_beyond_field),
		cmocka_unit_test(test_sandbox_numbering),
		cmocka_unit_test(test_too_many_sandboxes),
		cmocka_unit_test(test_missing_core_or_memory),
		cmocka_unit_test(test_duplicate_core),
		cmocka_unit_test(test_memory_rules),
		cmocka_unit_test(test_base_rules),
		cmocka_unit_test(test_console_forms),
		cmocka_unit_test(test_args_rules),
		cmocka_unit_test(test_port_granted_twice_in_sandbox),
		cmocka_unit_test(test_port_granted_twice_across),
		cmocka_unit_test(test_console_port_conflicts),
		cmocka_unit_test(test_reserved_ports),
		cmocka_unit_test(test_reversed_port_range),
		cmocka_unit_test(test_too_many_port_ranges),
		cmocka_unit_test(test_policy_lines),
		cmocka_unit_test(test_pci_functions),
		cmocka_unit_test(test_pci_bad_functions),
		cmocka_unit_test(test_empty_list_items),
		cmocka_unit_test(test_shared_size_rules),
		cmocka_unit_test(test_shared_members_must_exist),
		cmocka_unit_test(test_shared_member_count_and_duplicates),
		cmocka_unit_test(test_shared_duplicate_name),
		cmocka_unit_test(test_shared_missing_keys),
		cmocka_unit_test(test_too_many_shared),
		cmocka_unit_test(test_shared_name_rules),
		cmocka_unit_test(test_message_truncated_safely),
		cmocka_unit_test(test_parse_stays_inside_cfg),
		cmocka_unit_test(test_place_default),
		cmocka_unit_test(test_place_explicit_base),
		cmocka_unit_test(test_place_first_fit_ascending),
		cmocka_unit_test(test_place_avoids_reserved_unaligned),
		cmocka_unit_test(test_place_floor),
		cmocka_unit_test(test_place_unsorted_overlapping_free),
		cmocka_unit_test(test_place_out_of_memory),
		cmocka_unit_test(test_place_reset_keeps_explicit),
		cmocka_unit_test(test_place_explicit_overlaps_reserved),
		cmocka_unit_test(test_place_explicit_not_ram),
		cmocka_unit_test(test_place_awkward_ranges),
		cmocka_unit_test(test_place_explicit_overlap),
		cmocka_unit_test(test_place_core_missing),
		cmocka_unit_test(test_place_shared),
		cmocka_unit_test(test_place_shared_out_of_memory),
		cmocka_unit_test(test_fuzz_random_bytes),
		cmocka_unit_test(test_fuzz_mutations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
