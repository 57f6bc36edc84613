/* Host tests of PCI enumeration and BAR sizing (lib/pci.c) against a fake
 * configuration space that decodes BARs as hardware does: a BAR keeps only
 * the address bits its size allows, so writing all ones reads back the
 * size mask. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "lib/pci.h"

struct fake_fn {
	pci_bdf bdf;
	uint32_t reg[64];
	uint32_t bar_mask[6];   /* writable bits of each BAR (0: unimplemented) */
	unsigned bar_writes_while_decoding;
};

static struct fake_fn fns[8];
static unsigned nfns;

static struct fake_fn *lookup(pci_bdf bdf)
{
	for (unsigned i = 0; i < nfns; i++)
		if (fns[i].bdf == bdf)
			return &fns[i];
	return NULL;
}

static uint32_t fake_read(void *ctx, pci_bdf bdf, unsigned off)
{
	(void)ctx;
	struct fake_fn *f = lookup(bdf);
	return f ? f->reg[off / 4] : 0xFFFFFFFFu;
}

static void fake_write(void *ctx, pci_bdf bdf, unsigned off, uint32_t v)
{
	(void)ctx;
	struct fake_fn *f = lookup(bdf);
	unsigned i = off / 4;
	if (!f)
		return;
	if (i >= 4 && i < 10) {
		uint32_t ro = f->reg[i] & ~f->bar_mask[i - 4];   /* type bits are read-only */
		if (f->reg[1] & 3)
			f->bar_writes_while_decoding++;
		f->reg[i] = ro | (v & f->bar_mask[i - 4]);
		return;
	}
	f->reg[i] = v;
}

static const struct pci_config_access fake = { fake_read, fake_write, NULL };

static struct fake_fn *add(pci_bdf bdf, uint16_t vendor, uint16_t device, uint32_t class_code,
			   uint8_t header)
{
	struct fake_fn *f = &fns[nfns++];
	memset(f, 0, sizeof *f);
	f->bdf = bdf;
	f->reg[0] = (uint32_t)device << 16 | vendor;
	f->reg[1] = 0x3;                        /* decoding on, as firmware leaves it */
	f->reg[2] = class_code << 8;
	f->reg[3] = (uint32_t)header << 16;
	return f;
}

static int setup(void **s) { (void)s; nfns = 0; return 0; }

/* The ivshmem device as QEMU presents it: BAR0 4 KiB registers, BAR2 a
 * 64-bit prefetchable 256 KiB window. */
static void test_ivshmem_bars(void **s)
{
	(void)s;
	struct fake_fn *f = add(PCI_BDF(0, 2, 0), 0x1af4, 0x1110, 0x050000, 0);
	f->bar_mask[0] = ~0xFFFu;
	f->reg[4] = 0xfebff000u;
	f->bar_mask[2] = ~0x3FFFFu;
	f->reg[6] = 0xfeb80000u | 0xC;          /* 64-bit, prefetchable */
	f->bar_mask[3] = ~0u;
	f->reg[7] = 0;
	struct pci_device d[4];
	assert_int_equal(pci_scan(&fake, d, 4), 1);
	assert_int_equal(d[0].vendor, 0x1af4);
	assert_int_equal(d[0].device, 0x1110);
	assert_int_equal(d[0].class_code, 0x050000);
	assert_int_equal(d[0].bar[0].kind, PCI_BAR_MEM32);
	assert_int_equal(d[0].bar[0].base, 0xfebff000u);
	assert_int_equal(d[0].bar[0].size, 0x1000);
	assert_int_equal(d[0].bar[2].kind, PCI_BAR_MEM64);
	assert_true(d[0].bar[2].prefetchable);
	assert_int_equal(d[0].bar[2].base, 0xfeb80000u);
	assert_int_equal(d[0].bar[2].size, 0x40000);
	assert_int_equal(d[0].bar[3].size, 0);  /* the upper half is not a BAR of its own */
	/* Probed with decoding off, and everything restored afterwards. */
	assert_int_equal(f->bar_writes_while_decoding, 0);
	assert_int_equal(f->reg[1] & 3, 3);
	assert_int_equal(f->reg[4], 0xfebff000u);
	assert_int_equal(f->reg[6], 0xfeb80000u | 0xC);
	assert_ptr_equal(pci_find(d, 1, 0x1af4, 0x1110), &d[0]);
	assert_null(pci_find(d, 1, 0x8086, 0x100e));
}

/* A 16-bit I/O BAR (upper half reads 0) and a 64-bit BAR above 4 GiB. */
static void test_io_and_high_bars(void **s)
{
	(void)s;
	struct fake_fn *f = add(PCI_BDF(0, 3, 0), 0x8086, 0x100e, 0x020000, 0);
	f->bar_mask[0] = ~0x1FFFFu;
	f->reg[4] = 0x4 | 0xC0000000u;          /* 64-bit, 128 KiB */
	f->bar_mask[1] = ~0u;
	f->reg[5] = 0x1;                        /* at 4 GiB + 3 GiB */
	f->bar_mask[4] = 0xFFC0;
	f->reg[8] = 0xC001;                     /* I/O, 64 ports */
	struct pci_device d[1];
	assert_int_equal(pci_scan(&fake, d, 1), 1);
	assert_int_equal(d[0].bar[0].kind, PCI_BAR_MEM64);
	assert_int_equal(d[0].bar[0].base, 0x1C0000000ull);
	assert_int_equal(d[0].bar[0].size, 0x20000);
	assert_int_equal(d[0].bar[4].kind, PCI_BAR_IO);
	assert_int_equal(d[0].bar[4].base, 0xC000);
	assert_int_equal(d[0].bar[4].size, 64);
}

/* Functions of a multi-function device, a bridge and the bus behind it;
 * single-function devices are not probed for functions 1-7. */
static void test_functions_and_bridges(void **s)
{
	(void)s;
	add(PCI_BDF(0, 0, 0), 0x8086, 0x1237, 0x060000, 0);
	add(PCI_BDF(0, 1, 0), 0x8086, 0x7000, 0x060100, 0x80);
	add(PCI_BDF(0, 1, 3), 0x8086, 0x7113, 0x068000, 0);
	struct fake_fn *br = add(PCI_BDF(0, 4, 0), 0x1b36, 0x0001, 0x060400, 1);
	br->reg[6] = 0x00010100;                /* primary 0, secondary 1, subordinate 1 */
	add(PCI_BDF(1, 0, 0), 0x1af4, 0x1110, 0x050000, 0);
	/* A stray function 1 of a single-function device must not be listed. */
	add(PCI_BDF(0, 0, 1), 0xdead, 0xbeef, 0, 0);
	struct pci_device d[8];
	unsigned n = pci_scan(&fake, d, 8);
	assert_int_equal(n, 5);
	assert_int_equal(d[2].bdf, PCI_BDF(0, 1, 3));
	assert_int_equal(d[3].header_type, 1);
	assert_int_equal(d[4].bdf, PCI_BDF(1, 0, 0));
	/* Beyond max: counted, not stored. */
	assert_int_equal(pci_scan(&fake, d, 2), 5);
}

/* Capabilities: found by id along the list, 0 when absent, when the status
 * bit says there is no list, or when the list loops. */
static void test_find_cap(void **state)
{
	(void)state;
	struct fake_fn *f = add(PCI_BDF(0, 2, 0), 0x1af4, 0x1110, 0x050000, 0);
	f->reg[1] = 0x00100000;            /* status: capability list */
	f->reg[0x34 / 4] = 0x40;
	f->reg[0x40 / 4] = 0x5005;         /* MSI at 0x40, next 0x50 */
	f->reg[0x50 / 4] = 0x0011;         /* MSI-X at 0x50, last */
	assert_int_equal(pci_find_cap(&fake, f->bdf, PCI_CAP_MSIX), 0x50);
	assert_int_equal(pci_find_cap(&fake, f->bdf, 0x05), 0x40);
	assert_int_equal(pci_find_cap(&fake, f->bdf, 0x09), 0);
	f->reg[0x50 / 4] = 0x4011 & ~0xffu; /* now a vendor cap (id 0) pointing back at 0x40 */
	assert_int_equal(pci_find_cap(&fake, f->bdf, PCI_CAP_MSIX), 0);
	f->reg[1] = 0;
	assert_int_equal(pci_find_cap(&fake, f->bdf, 0x05), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_ivshmem_bars, setup),
		cmocka_unit_test_setup(test_find_cap, setup),
		cmocka_unit_test_setup(test_io_and_high_bars, setup),
		cmocka_unit_test_setup(test_functions_and_bridges, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
