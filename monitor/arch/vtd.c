/* Intel VT-d entry encodings (see vtd.h; VT-d spec 3.4, 9.1, 9.3, 9.8). */
#include "monitor/arch/vtd.h"

#define ADDR_MASK  0x000FFFFFFFFFF000ull
#define SL_R       1ull
#define SL_W       2ull
#define SL_LARGE   (1ull << 7)     /* PS: a 2 MiB (or 1 GiB) leaf */
#define PRESENT    1ull
#define CTX_TT_UNTRANSLATED 0ull   /* bits 3:2: second-level for untranslated requests */
#define CTX_DID_SHIFT 8

/* Tables grant everything; leaves decide. */
static uint64_t sl_table(uint64_t pa, unsigned level)
{
	(void)level;
	return (pa & ADDR_MASK) | SL_R | SL_W;
}

/* Devices do not execute, and the memory type comes from the CPU side's
 * tables (no extended memory type without ECAP.ET), so only R/W encode. */
static uint64_t sl_leaf(uint64_t pa, unsigned perm, unsigned memtype, unsigned level)
{
	uint64_t e = (pa & ADDR_MASK);
	(void)memtype;
	if (perm & PT_R)
		e |= SL_R;
	if (perm & PT_W)
		e |= SL_W;
	if (level > 1)
		e |= SL_LARGE;
	return e;
}

static bool sl_present(uint64_t e) { return e & (SL_R | SL_W); }
static bool sl_large(uint64_t e) { return e & SL_LARGE; }

static unsigned sl_perm(uint64_t e)
{
	return (e & SL_R ? PT_R : 0) | (e & SL_W ? PT_W : 0);
}

static unsigned sl_memtype(uint64_t e) { (void)e; return PT_WB; }

const struct pt_format vtd_sl_format = {
	.name = "vtd-sl", .table = sl_table, .leaf = sl_leaf, .present = sl_present,
	.large = sl_large, .perm = sl_perm, .memtype = sl_memtype,
};

struct vtd_entry vtd_root_entry(uint64_t ctx_pa)
{
	return (struct vtd_entry){ (ctx_pa & ADDR_MASK) | PRESENT, 0 };
}

struct vtd_entry vtd_context_entry(uint64_t slpt_pa, unsigned aw, uint16_t did)
{
	return (struct vtd_entry){ (slpt_pa & ADDR_MASK) | CTX_TT_UNTRANSLATED | PRESENT,
				   (uint64_t)did << CTX_DID_SHIFT | (aw & 7) };
}

/* IRTE (9.10): low quadword P, DM, RH, TM, DLM, IM, vector, destination;
 * high quadword SID, SQ, SVT. */
#define IRTE_PRESENT    1ull
#define IRTE_TM_LEVEL   (1ull << 4)
#define IRTE_VECTOR(v)  ((uint64_t)(v) << 16)
#define IRTE_DEST(a)    ((uint64_t)(a) << 40)  /* xAPIC: bits 47:40 of the 32-bit field at 63:32 */
#define IRTE_SVT_ALL    (1ull << 18)           /* SVT = 01b: verify SID, masked by SQ */

struct vtd_entry vtd_irte(uint8_t vector, uint8_t apic_id, int level, uint16_t sid)
{
	return (struct vtd_entry){ IRTE_PRESENT | (level ? IRTE_TM_LEVEL : 0) | IRTE_VECTOR(vector) |
				   IRTE_DEST(apic_id),
				   IRTE_SVT_ALL | sid };
}

/* Remappable format (5.1.5.1): bit 48 the format, 63:49 index[14:0],
 * 11 index[15]; the message the I/O APIC sends carries these bits into the
 * address (5.1.4.1: bit 4 the format, 19:5 index[14:0], 2 index[15]). */
#define RTE_LEVEL       (1u << 15)
#define RTE_HI_FORMAT   (1u << 16)
#define RTE_LO_INDEX15  (1u << 11)
#define MSI_WINDOW      0xfee00000u
#define MSI_FORMAT      (1u << 4)
#define MSI_INDEX15     (1u << 2)

void vtd_ioapic_rte(uint16_t handle, uint8_t vector, int level, uint32_t *lo, uint32_t *hi)
{
	*lo = vector | (level ? RTE_LEVEL : 0) | (handle & 0x8000 ? RTE_LO_INDEX15 : 0);
	*hi = RTE_HI_FORMAT | (uint32_t)(handle & 0x7fff) << 17;
}

uint32_t vtd_msi_address(uint16_t handle)
{
	return MSI_WINDOW | MSI_FORMAT | (uint32_t)(handle & 0x7fff) << 5 |
	       (handle & 0x8000 ? MSI_INDEX15 : 0);
}
