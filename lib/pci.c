/* PCI enumeration and BAR sizing (see pci.h). */
#include "lib/pci.h"

#define REG_ID        0x00
#define REG_CLASS     0x08
#define REG_HEADER    0x0C
#define REG_BAR0      0x10
#define REG_BUSES     0x18      /* bridges: primary, secondary, subordinate bus */
#define REG_IRQ       0x3C
#define CMD_DECODE    (PCI_COMMAND_IO | PCI_COMMAND_MEMORY)
#define MULTIFUNCTION 0x80u

static uint32_t rd(const struct pci_config_access *a, pci_bdf bdf, unsigned off)
{
	return a->read32(a->ctx, bdf, off);
}

static void wr(const struct pci_config_access *a, pci_bdf bdf, unsigned off, uint32_t v)
{
	a->write32(a->ctx, bdf, off, v);
}

/* What the BAR register at off answers to all ones (then restored). */
static uint32_t probe(const struct pci_config_access *a, pci_bdf bdf, unsigned off, uint32_t *orig)
{
	uint32_t mask;
	*orig = rd(a, bdf, off);
	wr(a, bdf, off, 0xFFFFFFFFu);
	mask = rd(a, bdf, off);
	wr(a, bdf, off, *orig);
	return mask;
}

/* Size BAR i (and i+1 for the upper half of a 64-bit one); returns how
 * many BAR slots it used. Decoding must be off. */
static unsigned size_bar(const struct pci_config_access *a, pci_bdf bdf, unsigned i,
			 unsigned nbars, struct pci_bar *b)
{
	uint32_t lo, mask = probe(a, bdf, REG_BAR0 + 4 * i, &lo);

	if (mask == 0 || mask == 0xFFFFFFFFu)
		return 1;       /* unimplemented (reads 0), or nothing answered */
	if (lo & 1) {
		b->kind = PCI_BAR_IO;
		b->base = lo & ~3u;
		/* An I/O BAR may implement only the low 16 address bits. */
		if (!(mask & 0xFFFF0000u))
			mask |= 0xFFFF0000u;
		b->size = (uint32_t)(~(mask & ~3u) + 1);
		return 1;
	}
	b->prefetchable = (lo >> 3) & 1;
	if (((lo >> 1) & 3) == 2 && i + 1 < nbars) {
		uint32_t hi, hmask = probe(a, bdf, REG_BAR0 + 4 * (i + 1), &hi);
		uint64_t m = (uint64_t)hmask << 32 | (mask & ~0xFu);
		b->kind = PCI_BAR_MEM64;
		b->base = (uint64_t)hi << 32 | (lo & ~0xFu);
		b->size = ~m + 1;
		return 2;
	}
	b->kind = PCI_BAR_MEM32;
	b->base = lo & ~0xFu;
	b->size = (uint32_t)(~(mask & ~0xFu) + 1);
	return 1;
}

static void read_function(const struct pci_config_access *a, pci_bdf bdf, uint32_t id,
			  struct pci_device *d)
{
	uint32_t cmd = rd(a, bdf, PCI_COMMAND);
	unsigned i, nbars;

	d->bdf = bdf;
	d->vendor = (uint16_t)id;
	d->device = (uint16_t)(id >> 16);
	d->class_code = rd(a, bdf, REG_CLASS) >> 8;
	d->header_type = (uint8_t)((rd(a, bdf, REG_HEADER) >> 16) & ~MULTIFUNCTION);
	d->irq_line = (uint8_t)rd(a, bdf, REG_IRQ);
	/* Endpoints have six BARs, bridges two, other header types none we size. */
	nbars = d->header_type == 0 ? 6 : d->header_type == 1 ? 2 : 0;
	/* Keep the function from decoding the all-ones probe values (command
	 * is the low half; the status half is write-one-to-clear, so write 0). */
	wr(a, bdf, PCI_COMMAND, cmd & 0xFFFFu & ~CMD_DECODE);
	for (i = 0; i < nbars;)
		i += size_bar(a, bdf, i, nbars, &d->bar[i]);
	wr(a, bdf, PCI_COMMAND, cmd & 0xFFFFu);
}

unsigned pci_scan(const struct pci_config_access *a, struct pci_device *out, unsigned max)
{
	uint8_t pending[256 / 8] = { 1 };       /* bus 0 */
	unsigned bus, dev, fn, n = 0;

	for (bus = 0; bus < 256; bus++) {
		if (!(pending[bus / 8] & (1u << (bus % 8))))
			continue;
		for (dev = 0; dev < 32; dev++) {
			for (fn = 0; fn < 8; fn++) {
				pci_bdf bdf = PCI_BDF(bus, dev, fn);
				uint32_t id = rd(a, bdf, REG_ID);
				struct pci_device d = { 0 };
				if ((id & 0xFFFF) == 0xFFFF) {
					if (fn == 0)
						break;  /* no device: no other function either */
					continue;
				}
				read_function(a, bdf, id, &d);
				if (d.header_type == 1) {
					/* Only buses the firmware numbered, and only forward,
					 * so a bad bridge cannot loop the scan. */
					unsigned sec = (rd(a, bdf, REG_BUSES) >> 8) & 0xFF;
					if (sec > bus)
						pending[sec / 8] |= (uint8_t)(1u << (sec % 8));
				}
				if (n < max)
					out[n] = d;
				n++;
				if (fn == 0 && !((rd(a, bdf, REG_HEADER) >> 16) & MULTIFUNCTION))
					break;
			}
		}
	}
	return n;
}

unsigned pci_find_cap(const struct pci_config_access *a, pci_bdf bdf, uint8_t id)
{
	unsigned off, steps;
	if (!(rd(a, bdf, PCI_COMMAND) >> 16 & 0x10))   /* status: capability list */
		return 0;
	off = rd(a, bdf, 0x34) & 0xfc;
	for (steps = 0; off >= 0x40 && steps < 48; steps++) {
		uint32_t head = rd(a, bdf, off);
		if ((head & 0xff) == id)
			return off;
		off = (head >> 8) & 0xfc;
	}
	return 0;
}

const struct pci_device *pci_find(const struct pci_device *devs, unsigned n,
				  uint16_t vendor, uint16_t device)
{
	unsigned i;
	for (i = 0; i < n; i++)
		if (devs[i].vendor == vendor && devs[i].device == device)
			return &devs[i];
	return 0;
}
