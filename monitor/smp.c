/* AP start-up (Intel SDM vol. 3 8.4.4 / AMD APM vol. 2 16.3: INIT-SIPI-SIPI). */
#include <stdbool.h>
#include "monitor/smp.h"
#include "lib/lapic.h"
#include "lib/string.h"
#include "lib/trap.h"

#define STACK_SIZE 16384
#define AP_WAIT_MS 2000     /* for the cores ACPI lists, at most */
#define ICR_INIT_ALL   0x000C4500u  /* INIT, assert, all excluding self */
#define ICR_SIPI_ALL   0x000C4600u  /* | vector = page number of start code */

extern char tramp_start[], tramp_end[];
extern uint64_t tramp_cr3, tramp_stacks, tramp_stack_size, tramp_entry;
extern uint32_t tramp_max;

static uint8_t ap_stacks[CFG_MAX_CORES + 1][STACK_SIZE] __attribute__((aligned(16)));
static uint32_t apic_of[CFG_MAX_CORES];
static volatile unsigned claimed = 1;               /* slots taken; the BSP is 0 */
static volatile bool ready[CFG_MAX_CORES] = { true }; /* apic_of[slot] written */
static void (*volatile work[CFG_MAX_CORES])(unsigned);

static uint32_t my_apic_id(void) { return lapic_read(LAPIC_ID) >> 24; }

void tsc_delay_us(uint64_t tsc_hz, uint64_t us)
{
	uint64_t end = rdtsc() + tsc_hz / 1000000 * us;
	while (rdtsc() < end)
		cpu_relax();
}

/* First C code on an AP (stack_index: the trampoline's counter, for its
 * stack). Its core index is the slot it claims here and publishes only once
 * its APIC ID is written, so smp_start never reads a half-announced core; a
 * core that answers after smp_start is done claims a slot past ncores and
 * never gets work. */
static void ap_entry(unsigned stack_index)
{
	void (*fn)(unsigned);
	unsigned slot;
	(void)stack_index;
	idt_init();
	slot = __atomic_fetch_add(&claimed, 1, __ATOMIC_ACQ_REL);
	if (slot < CFG_MAX_CORES) {
		apic_of[slot] = my_apic_id();
		__atomic_store_n(&ready[slot], true, __ATOMIC_RELEASE);
		while (!(fn = work[slot]))
			cpu_relax();
		fn(slot);
	}
	for (;;)
		__asm__ volatile("cli; hlt");
}

/* Trampoline data lives inside the copied code: patch it there. */
#define TRAMP_AT(v) (TRAMPOLINE_PA + ((char *)&(v) - tramp_start))
#define TRAMP_VAR(v) (*(uint64_t *)TRAMP_AT(v))

/* Once the cores are up nothing may run the start code again: a SIPI from
 * a sandbox would otherwise restart a core in the monitor. What is left
 * halts in real mode with interrupts off. */
static void wipe_trampoline(void)
{
	static const uint8_t park[] = { 0xFA, 0xF4, 0xEB, 0xFD };  /* cli; hlt; jmp .-3 */
	memset((void *)TRAMPOLINE_PA, 0xF4, 4096);
	memcpy((void *)TRAMPOLINE_PA, park, sizeof park);
}

/* Cores whose slots 0..n-1 are all published. */
static unsigned cores_ready(void)
{
	unsigned n = 0;
	while (n < CFG_MAX_CORES && __atomic_load_n(&ready[n], __ATOMIC_ACQUIRE))
		n++;
	return n;
}

unsigned smp_start(uint64_t tsc_hz, unsigned expected, struct machine *m)
{
	unsigned last, i;
	uint64_t since;

	memcpy((void *)TRAMPOLINE_PA, tramp_start, (size_t)(tramp_end - tramp_start));
	TRAMP_VAR(tramp_cr3) = read_cr3();
	TRAMP_VAR(tramp_stacks) = (uint64_t)ap_stacks;
	TRAMP_VAR(tramp_stack_size) = STACK_SIZE;
	TRAMP_VAR(tramp_entry) = (uint64_t)ap_entry;
	*(uint32_t *)TRAMP_AT(tramp_max) = CFG_MAX_CORES + 1;
	apic_of[0] = my_apic_id();

	lapic_write(LAPIC_SVR, lapic_read(LAPIC_SVR) | LAPIC_SVR_ENABLE);
	lapic_send(0, ICR_INIT_ALL);
	tsc_delay_us(tsc_hz, 10000);
	for (i = 0; i < 2; i++) {
		lapic_send(0, ICR_SIPI_ALL | (TRAMPOLINE_PA >> 12));
		tsc_delay_us(tsc_hz, 200);
	}
	/* With ACPI's count, wait for every core (an emulator on a busy host
	 * may start a vCPU late), at most AP_WAIT_MS; without it, until 20 ms
	 * pass with no new core. */
	last = cores_ready();
	since = rdtsc();
	for (;;) {
		unsigned now = cores_ready();
		if (expected ? now >= expected || rdtsc() - since > tsc_hz / 1000 * AP_WAIT_MS :
			       rdtsc() - since > tsc_hz / 50)
			break;
		if (!expected && now != last) {
			last = now;
			since = rdtsc();
		}
		cpu_relax();
	}
	m->ncores = cores_ready();
	for (i = 0; i < m->ncores; i++)
		m->apic_ids[i] = apic_of[i];
	wipe_trampoline();
	return m->ncores;
}

void smp_dispatch(unsigned index, void (*fn)(unsigned))
{
	work[index] = fn;
}
