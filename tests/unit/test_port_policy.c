/* Host tests of the I/O-port allowlist: every dangerous port is refused by
 * name while parsing; once PCI and ACPI are known, only the allowlist and
 * the sandbox's own functions' I/O BARs pass. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "monitor/config.h"
#include "monitor/port_policy.h"
#include "tests/unit/config_fixture.h"

#define SB0 "[sandbox 0]\ncore = 0\nmemory = 32M\nconsole = com1\n"
#define SB1 "[sandbox 1]\ncore = 1\nmemory = 32M\nconsole = com2\n"

/* Each port (and a range around it) is refused with its reason named. */
static void dangerous_ports_refused_by_name(void **state)
{
	static const struct { unsigned port; const char *what; } cases[] = {
		{ 0x00, "ISA DMA" }, { 0x0F, "ISA DMA" }, { 0x81, "DMA page" }, { 0x8F, "DMA page" },
		{ 0xC0, "second ISA DMA" }, { 0xDF, "second ISA DMA" },
		{ 0x60, "keyboard controller" }, { 0x61, "port B" }, { 0x64, "reset line" },
		{ 0x92, "system control port A" }, { 0xB2, "SMI" }, { 0xB3, "SMI" },
		{ 0x4D0, "edge/level" }, { 0x510, "fw_cfg" }, { 0x514, "fw_cfg" }, { 0x51B, "fw_cfg" },
		{ 0x600, "ACPI PM" }, { 0x604, "ACPI PM" }, { 0x67F, "ACPI PM" },
		{ 0x8900, "shutdown" }, { 0xB000, "ACPI PM" }, { 0xB004, "ACPI PM" },
	};
	char text[160], want[64];
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(text, sizeof text, SB0 "ports = 0x%x\n", cases[i].port);
		assert_int_equal(parse(text), -1);
		snprintf(want, sizeof want, "port 0x%x is refused: ", cases[i].port);
		if (!strstr(err.msg, want) || !strstr(err.msg, cases[i].what) || err.line != 5)
			fail_msg("port 0x%x: got \"%s\"", cases[i].port, err.msg);
		/* A range that merely covers it names the first dangerous port. */
		snprintf(text, sizeof text, SB0 "ports = 0x%x-0x%x\n",
			 cases[i].port, cases[i].port + 1);
		assert_int_equal(parse(text), -1);
		assert_non_null(strstr(err.msg, want));
	}
}

static const struct io_window bars[] = {
	{ 0xC000, 0xC03F, 0x0018 },   /* 00:03.0 */
	{ 0xC040, 0xC05F, 0x0020 },   /* 00:04.0 */
};
static const struct port_hazard fadt[] = {
	{ 0xAFE0, 0xAFE3, "ACPI GPE0 block" },
};

static int platform(void)
{
	return port_check_platform(&cfg, fadt, 1, bars, 2, &err);
}

static void allowlist_passes(void **state)
{
	(void)state;
	assert_int_equal(parse(SB0 "ports = 0x80, 0x278-0x27f, 0x378-0x37f, 0x3bc-0x3bf\n"
			       "[sandbox 1]\ncore = 1\nmemory = 32M\nconsole = com4\n"
			       "ports = 0x2f8-0x2ff, 0x3e8-0x3ef\n"), 0);
	assert_int_equal(platform(), 0);
}

static void everything_else_is_refused(void **state)
{
	(void)state;
	/* Parses (no PC-wide hazard), but is on no list. */
	assert_int_equal(parse(SB0 "ports = 0x300-0x31f\n"), 0);
	assert_int_equal(platform(), -1);
	assert_int_equal(err.line, 1);
	assert_non_null(strstr(err.msg, "port 0x300 is not on the allowlist"));
}

static void foreign_bar_refused_own_bar_allowed(void **state)
{
	(void)state;
	assert_int_equal(parse(SB0 "pci = 00:03.0\nports = 0xc000-0xc03f\n"
			       SB1 "ports = 0xc044\n"), 0);
	assert_int_equal(platform(), -1);
	assert_int_equal(err.line, 7);
	assert_non_null(strstr(err.msg, "port 0xc044 is an I/O BAR of PCI 00:04.0, which sandbox 1 "
				       "does not own"));
	assert_int_equal(parse(SB0 "pci = 00:03.0\nports = 0xc000-0xc040\n"), 0);
	assert_int_equal(platform(), -1);
	assert_non_null(strstr(err.msg, "port 0xc040 is an I/O BAR of PCI 00:04.0"));
	assert_int_equal(parse(SB0 "pci = 00:03.0\nports = 0xc000-0xc03f\n"), 0);
	assert_int_equal(platform(), 0);
}

static void acpi_blocks_refused(void **state)
{
	(void)state;
	assert_int_equal(parse(SB0 "ports = 0xafe2\n"), 0);
	assert_int_equal(platform(), -1);
	assert_non_null(strstr(err.msg, "port 0xafe2 is refused: ACPI GPE0 block"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dangerous_ports_refused_by_name),
		cmocka_unit_test(allowlist_passes),
		cmocka_unit_test(everything_else_is_refused),
		cmocka_unit_test(foreign_bar_refused_own_bar_allowed),
		cmocka_unit_test(acpi_blocks_refused),
	};
	return cmocka_run_group_tests_name("port_policy", tests, NULL, NULL);
}
