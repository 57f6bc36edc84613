/* AMD-Vi encodings (see amdvi.h; AMD IOMMU spec 3.08, 2.2.2.2, 2.2.3, 2.4, 2.5). */
#include "monitor/arch/amdvi.h"

#define ADDR_MASK   0x000FFFFFFFFFF000ull
#define PR          1ull
#define NEXT_LEVEL(l) ((uint64_t)(l) << 9)
#define NL_OF(e)    (((e) >> 9) & 7)
#define IR          (1ull << 61)
#define IW          (1ull << 62)

#define DTE_V       1ull
#define DTE_TV      2ull
#define DTE_IV      1ull        /* q[2] bit 0; IntCtl (q[2] 61:60) 00b: abort */
#define DTE_INTCTL_REMAP (2ull << 60)
#define DTE_INTTABLEN_2048 (11ull << 1)
#define IRT_MASK    0x000FFFFFFFFFFFC0ull
#define IRTE_REMAP_EN 1u

#define OP(op)      ((uint64_t)(op) << 60)
#define CMD_COMPLETION_WAIT 1u
#define CMD_INVAL_DEVTAB    2u
#define CMD_INVAL_PAGES     3u
#define CMD_INVAL_IRT       5u
#define CMD_ILLEGAL         0xFu
#define CW_STORE    1ull
#define INVAL_S     1ull        /* the address is a size: with the one below, everything */
#define INVAL_PDE   2ull
#define INVAL_ALL_ADDR 0x7FFFFFFFFFFFF000ull

#define EV_FLAG_I   0x008u      /* an interrupt request */
#define EV_FLAG_PR  0x010u      /* the entry was present */
#define EV_FLAG_RW  0x020u      /* a write */
#define EV_FLAG_PE  0x040u      /* permission denied */
#define EV_FLAG_RZ  0x080u      /* reserved bits set */

/* A table entry names the level of the table it points to (3..1) and
 * grants both ways; leaves decide. */
static uint64_t io_table(uint64_t pa, unsigned level)
{
	return (pa & ADDR_MASK) | NEXT_LEVEL(level) | IR | IW | PR;
}

/* A leaf has next level 0 (its size is its level's: 4 KiB or 2 MiB).
 * Devices do not execute; the memory type is the CPU side's. */
static uint64_t io_leaf(uint64_t pa, unsigned perm, unsigned memtype, unsigned level)
{
	uint64_t e = (pa & ADDR_MASK) | PR;
	(void)memtype;
	(void)level;
	if (perm & PT_R)
		e |= IR;
	if (perm & PT_W)
		e |= IW;
	return e;
}

static bool io_present(uint64_t e) { return e & PR; }
static bool io_large(uint64_t e) { return NL_OF(e) == 0 || NL_OF(e) == 7; }

static unsigned io_perm(uint64_t e)
{
	return (e & IR ? PT_R : 0) | (e & IW ? PT_W : 0);
}

static unsigned io_memtype(uint64_t e) { (void)e; return PT_WB; }

const struct pt_format amdvi_pt_format = {
	.name = "amdvi", .table = io_table, .leaf = io_leaf, .present = io_present,
	.large = io_large, .perm = io_perm, .memtype = io_memtype,
};

struct amdvi_dte amdvi_dte_confined(uint64_t root_pa, uint16_t did)
{
	return (struct amdvi_dte){ { (root_pa & ADDR_MASK) | NEXT_LEVEL(AMDVI_LEVELS) | IR | IW |
				     DTE_TV | DTE_V,
				     did, DTE_IV, 0 } };
}

struct amdvi_dte amdvi_dte_intremap(uint64_t irt_pa)
{
	return (struct amdvi_dte){ { 0, 0, (irt_pa & IRT_MASK) | DTE_INTCTL_REMAP |
				     DTE_INTTABLEN_2048 | DTE_IV, 0 } };
}

uint32_t amdvi_irte(uint8_t vector, uint8_t apic_id)
{
	return (uint32_t)vector << 16 | (uint32_t)apic_id << 8 | IRTE_REMAP_EN;
}

struct amdvi_cmd amdvi_cmd_completion_wait(uint64_t store_pa, uint64_t data)
{
	return (struct amdvi_cmd){ (store_pa & 0x000FFFFFFFFFFFF8ull) | CW_STORE |
				   OP(CMD_COMPLETION_WAIT), data };
}

struct amdvi_cmd amdvi_cmd_inval_devtab(uint16_t devid)
{
	return (struct amdvi_cmd){ devid | OP(CMD_INVAL_DEVTAB), 0 };
}

struct amdvi_cmd amdvi_cmd_inval_irt(uint16_t devid)
{
	return (struct amdvi_cmd){ devid | OP(CMD_INVAL_IRT), 0 };
}

struct amdvi_cmd amdvi_cmd_inval_domain(uint16_t did)
{
	return (struct amdvi_cmd){ (uint64_t)did << 32 | OP(CMD_INVAL_PAGES),
				   INVAL_ALL_ADDR | INVAL_PDE | INVAL_S };
}

struct amdvi_cmd amdvi_cmd_illegal(void)
{
	return (struct amdvi_cmd){ OP(CMD_ILLEGAL), 0 };
}

struct amdvi_event amdvi_event_decode(uint64_t lo, uint64_t hi)
{
	uint16_t flags = (uint16_t)((lo >> 48) & 0xfff);
	return (struct amdvi_event){ .devid = (uint16_t)lo, .code = (uint8_t)(lo >> 60),
				     .flags = flags, .addr = hi,
				     .write = flags & EV_FLAG_RW };
}

const char *amdvi_event_reason(const struct amdvi_event *e)
{
	switch (e->code) {
	case 1: return "illegal device table entry";
	case AMDVI_EVENT_IO_PAGE_FAULT:
		if (e->flags & EV_FLAG_I)
			return "interrupt request refused";
		if (e->flags & EV_FLAG_RZ)
			return "reserved bits set in the I/O page table";
		if (!(e->flags & EV_FLAG_PR))
			return "not present in the I/O page table";
		return e->flags & EV_FLAG_PE ? "access not permitted" : "I/O page fault";
	case 3: return "device table hardware error";
	case 4: return "page table hardware error";
	case AMDVI_EVENT_ILLEGAL_COMMAND: return "illegal command";
	case 6: return "command hardware error";
	case 7: return "IOTLB invalidation timeout";
	case 8: return "invalid device request";
	default: return "other";
	}
}
