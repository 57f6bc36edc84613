/* Host tests of the sandbox-kernel ELF loader: it loads a good image and
 * refuses every malformed one without touching the sandbox memory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "monitor/elf_load.h"

struct ehdr {
	unsigned char ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct phdr { uint32_t type, flags; uint64_t offset, vaddr, paddr, filesz, memsz, align; };

#define MEM (1u << 20)

struct image {
	struct ehdr h;
	struct phdr ph[2];
	uint8_t text[64];
};

static struct image good(void)
{
	struct image im;
	memset(&im, 0, sizeof im);
	memcpy(im.h.ident, "\177ELF\2\1\1", 7);
	im.h.type = 2;
	im.h.machine = 62;
	im.h.entry = 0x10004;
	im.h.phoff = offsetof(struct image, ph);
	im.h.phentsize = sizeof(struct phdr);
	im.h.phnum = 2;
	im.ph[0] = (struct phdr){ 1, 5, offsetof(struct image, text), 0x10000, 0x10000, 64, 64, 4096 };
	im.ph[1] = (struct phdr){ 1, 6, offsetof(struct image, text), 0x20000, 0x20000, 16, 4096, 4096 };
	memset(im.text, 0xAB, sizeof im.text);
	return im;
}

static uint8_t *mem_fill(void)
{
	uint8_t *m = malloc(MEM);
	memset(m, 0x77, MEM);
	return m;
}

static void loads_segments_and_zeroes_bss(void **state)
{
	(void)state;
	struct image im = good();
	uint8_t *m = mem_fill();
	uint64_t entry = 0;
	const char *why = NULL;
	assert_int_equal(elf_load(&im, sizeof im, m, MEM, &entry, &why), 0);
	assert_int_equal(entry, 0x10004);
	assert_int_equal(m[0x10000], 0xAB);
	assert_int_equal(m[0x1003F], 0xAB);
	assert_int_equal(m[0x10040], 0x77);    /* beyond the segment: untouched */
	assert_int_equal(m[0x2000F], 0xAB);
	assert_int_equal(m[0x20010], 0);       /* BSS zeroed */
	assert_int_equal(m[0x20FFF], 0);
	free(m);
}

static void refused(struct image *im, size_t len, const char *needle)
{
	uint8_t *m = mem_fill(), *copy = malloc(MEM);
	uint64_t entry = 0;
	const char *why = NULL;
	memcpy(copy, m, MEM);
	assert_int_equal(elf_load(im, len, m, MEM, &entry, &why), -1);
	assert_non_null(why);
	assert_non_null(strstr(why, needle));
	assert_memory_equal(m, copy, MEM);     /* nothing written */
	free(m);
	free(copy);
}

static void rejects_bad_magic(void **s) { (void)s; struct image im = good(); im.h.ident[1] = 'X'; refused(&im, sizeof im, "not an ELF64"); }
static void rejects_elf32(void **s) { (void)s; struct image im = good(); im.h.ident[4] = 1; refused(&im, sizeof im, "not an ELF64"); }
static void rejects_other_machine(void **s) { (void)s; struct image im = good(); im.h.machine = 40; refused(&im, sizeof im, "x86-64"); }
static void rejects_shared_object(void **s) { (void)s; struct image im = good(); im.h.type = 3; refused(&im, sizeof im, "x86-64"); }
static void rejects_truncated_header(void **s) { (void)s; struct image im = good(); refused(&im, 20, "not an ELF64"); }
static void rejects_truncated_phdrs(void **s) { (void)s; struct image im = good(); refused(&im, offsetof(struct image, ph) + 10, "truncated"); }
static void rejects_huge_phnum(void **s) { (void)s; struct image im = good(); im.h.phnum = 0xFFFF; refused(&im, sizeof im, "truncated"); }
static void rejects_segment_past_file(void **s) { (void)s; struct image im = good(); im.ph[0].filesz = 1u << 20; im.ph[0].memsz = 1u << 20; refused(&im, sizeof im, "outside the file"); }
static void rejects_offset_overflow(void **s) { (void)s; struct image im = good(); im.ph[0].offset = ~0ull - 8; refused(&im, sizeof im, "outside the file"); }
static void rejects_filesz_over_memsz(void **s) { (void)s; struct image im = good(); im.ph[1].memsz = 8; refused(&im, sizeof im, "outside the file"); }
static void rejects_too_big_for_sandbox(void **s) { (void)s; struct image im = good(); im.ph[1].memsz = MEM; refused(&im, sizeof im, "does not fit"); }
static void rejects_paddr_wrap(void **s) { (void)s; struct image im = good(); im.ph[1].paddr = ~0ull - 4; refused(&im, sizeof im, "does not fit"); }
static void rejects_entry_outside(void **s) { (void)s; struct image im = good(); im.h.entry = 0x50000; refused(&im, sizeof im, "entry point"); }

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(loads_segments_and_zeroes_bss),
		cmocka_unit_test(rejects_bad_magic),
		cmocka_unit_test(rejects_elf32),
		cmocka_unit_test(rejects_other_machine),
		cmocka_unit_test(rejects_shared_object),
		cmocka_unit_test(rejects_truncated_header),
		cmocka_unit_test(rejects_truncated_phdrs),
		cmocka_unit_test(rejects_huge_phnum),
		cmocka_unit_test(rejects_segment_past_file),
		cmocka_unit_test(rejects_offset_overflow),
		cmocka_unit_test(rejects_filesz_over_memsz),
		cmocka_unit_test(rejects_too_big_for_sandbox),
		cmocka_unit_test(rejects_paddr_wrap),
		cmocka_unit_test(rejects_entry_outside),
	};
	return cmocka_run_group_tests_name("elf_load", tests, NULL, NULL);
}
