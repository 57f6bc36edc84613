/* The isolation probe's other doors (see doors.h). */
#include "kernel/isolation/doors.h"
#include "kernel/extable.h"
#include "kernel/kinfo.h"
#include "kernel/paging.h"
#include "kernel/vectors.h"
#include "lib/lapic.h"
#include "lib/record.h"
#include "lib/string.h"

#define ICR_FIXED        0x00000u
#define ICR_NMI          0x00400u
#define ICR_INIT         0x04500u   /* INIT, level assert */
#define ICR_SIPI         0x00600u
#define ICR_LOGICAL      0x00800u
#define ICR_ALL_BUT_SELF 0xC0000u
#define IPI_FLOOD        2000
#define UNUSED_VECTOR    0x99
#define IOAPIC_MMIO      0xFEC00000ull
#define HPET_MMIO        0xFED00000ull

static unsigned leaks;

static void door(const char *target, const char *access, const char *result, const char *why)
{
	struct record r;
	rec_begin(&r, "isolation");
	rec_u64(&r, "sandbox", kinfo.sandbox);
	rec_str(&r, "target", target);
	rec_str(&r, "access", access);
	rec_str(&r, "result", result);
	if (why)
		rec_str(&r, "why", why);
	rec_end(&r);
	if (!strncmp(result, "allowed", 8))
		leaks++;
}

static void blocked_if(const char *target, const char *access, bool faulted)
{
	door(target, access, faulted ? "blocked" : "allowed", 0);
}

/* "kind:0x..." in buf. */
static const char *named(char buf[24], const char *kind, uint64_t v)
{
	size_t n = strlen(kind);
	memcpy(buf, kind, n);
	buf[n] = ':';
	fmt_hex(buf + n + 1, v);
	return buf;
}

/* IPIs at the next sandbox's core: they reach it by design (the local APIC
 * is passed through); the peer must take each in its stride. */
static void ipi_doors(void)
{
	uint32_t peer = kinfo.bi->peer_apic[(kinfo.sandbox + 1) % kinfo.nsandboxes];
	static const uint8_t error_vectors[] = { 17, 21, 29, 30 };
	char name[24];
	unsigned i;

	lapic_send(peer, ICR_SIPI | 0x08);          /* no INIT first: a running core ignores it */
	door("ipi:sipi", "ipi", "harmless", 0);
	lapic_send(peer, ICR_NMI);
	door("ipi:nmi", "ipi", "harmless", 0);
	door("ipi:smi", "ipi", "not_tried",
	     "under QEMU TCG an SMI hangs the core it reaches, in a guest or in the monitor; "
	     "closing it needs ICR writes intercepted (x2APIC, which TCG lacks)");
	if (kinfo.vmcall) {
		lapic_send(peer, ICR_INIT);         /* VMX: blocked in root, an exit in the guest */
		door("ipi:init", "ipi", "harmless", 0);
	} else {
		door("ipi:init", "ipi", "not_tried",
		     "under QEMU TCG an INIT resets an SVM core even where intercepted; "
		     "closing it needs ICR writes intercepted (x2APIC, which TCG lacks)");
	}
	lapic_send(0, ICR_ALL_BUT_SELF | ICR_FIXED | VEC_IPI);
	door("ipi:broadcast", "ipi", "harmless", 0);
	lapic_send(0xFF, ICR_LOGICAL | ICR_FIXED | VEC_IPI);
	door("ipi:logical", "ipi", "harmless", 0);
	for (i = 0; i < sizeof error_vectors; i++) {
		lapic_send(peer, ICR_FIXED | error_vectors[i]);
		door(named(name, "ipi:vector", error_vectors[i]), "ipi", "harmless", 0);
	}
	lapic_send(peer, ICR_FIXED | UNUSED_VECTOR);
	door("ipi:unused_vector", "ipi", "harmless", 0);
	for (i = 0; i < IPI_FLOOD; i++)
		lapic_send(peer, ICR_FIXED | VEC_IPI);
	door("ipi:flood", "ipi", "harmless", 0);
}

/* One MSR of every kind the allowlist leaves out (monitor/msr_policy.c). */
static void msr_doors(void)
{
	static const uint32_t denied[] = {
		0x3B, 0x79, 0xFE, 0x17B, 0x1A0, 0x1D9, 0x200, 0x2FF, 0x400, 0x606, 0x610, 0x680,
		0x830, 0xC90, 0xD50, 0xC0010010, 0xC0010015, 0xC0010016, 0xC001001A, 0xC0010114,
		0xC0010117, 0xC0010230,
	};
	char name[24];
	uint64_t v;
	unsigned i;

	for (i = 0; i < sizeof denied / sizeof denied[0]; i++)
		blocked_if(named(name, "msr", denied[i]), "read", safe_rdmsr(denied[i], &v));
	/* Writes of what is there already: harmless should one leak. */
	if (!safe_rdmsr(0x1B, &v))
		blocked_if("msr:0x1b", "write", safe_wrmsr(0x1B, v));       /* APIC base */
	blocked_if("msr:0x10", "write", safe_wrmsr(0x10, rdtsc()));        /* TSC */
	blocked_if("msr:0x830", "write", safe_wrmsr(0x830, (uint64_t)kinfo.bi->apic_id << 32 | VEC_IPI));
}

/* Ports no config may grant (monitor/port_policy.c): reads only. */
static void port_doors(void)
{
	static const uint16_t ports[] = { 0x00, 0x60, 0x64, 0x81, 0x92, 0xB2, 0xC0, 0x4D0, 0x510,
					  0x604, 0xCF9, 0x8900, 0xB004 };
	char name[24];
	uint8_t v;
	unsigned i;

	for (i = 0; i < sizeof ports / sizeof ports[0]; i++)
		blocked_if(named(name, "port", ports[i]), "io", safe_inb(ports[i], &v));
}

#define TRY(insn, ...) ({                                                             \
	bool faulted_ = false;                                                       \
	__asm__ volatile(FAULTABLE(insn) : [faulted] "+m"(faulted_) : __VA_ARGS__ : "memory"); \
	faulted_; })

/* The monitor's own instructions, and the cache flushes that reach past
 * this sandbox: each must fault (#UD or #GP). */
static void insn_doors(void)
{
	uint64_t zero = 0;
	if (kinfo.vmcall) {
		blocked_if("insn:vmxon", "insn", TRY("vmxon %[m]", [m] "m"(zero)));
		blocked_if("insn:vmclear", "insn", TRY("vmclear %[m]", [m] "m"(zero)));
		blocked_if("insn:vmptrld", "insn", TRY("vmptrld %[m]", [m] "m"(zero)));
		blocked_if("insn:vmread", "insn", TRY("vmread %%rax, %[m]", [m] "m"(zero), "a"(0ull)));
		blocked_if("insn:vmlaunch", "insn", TRY("vmlaunch", "a"(0ull)));
		blocked_if("insn:invept", "insn", TRY("invept %[m], %%rax", [m] "m"(zero), "a"(1ull)));
	} else {
		blocked_if("insn:vmrun", "insn", TRY("vmrun", "a"(0ull)));
		blocked_if("insn:vmload", "insn", TRY("vmload", "a"(0ull)));
		blocked_if("insn:vmsave", "insn", TRY("vmsave", "a"(0ull)));
		blocked_if("insn:stgi", "insn", TRY("stgi", "a"(0ull)));
		blocked_if("insn:clgi", "insn", TRY("clgi", "a"(0ull)));
		blocked_if("insn:skinit", "insn", TRY("skinit", "a"(0ull)));
		blocked_if("insn:invlpga", "insn", TRY("invlpga", "a"(0ull), "c"(0u)));
	}
	blocked_if("insn:wbinvd", "insn", TRY("wbinvd", "a"(0ull)));
	blocked_if("insn:invd", "insn", TRY("invd", "a"(0ull)));
}

/* The I/O APIC and HPET: the monitor's, never in a sandbox's map. */
static void mmio_doors(void)
{
	uint64_t v;
	blocked_if("mmio:ioapic", "read", paging_map_page(IOAPIC_MMIO, 1) || safe_read64(IOAPIC_MMIO, &v));
	blocked_if("mmio:hpet", "read", paging_map_page(HPET_MMIO, 1) || safe_read64(HPET_MMIO, &v));
}

unsigned probe_doors(void)
{
	leaks = 0;
	msr_doors();
	port_doors();
	insn_doors();
	mmio_doors();
	ipi_doors();
	return leaks;
}
