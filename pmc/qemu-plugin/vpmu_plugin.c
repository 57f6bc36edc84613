/* QEMU TCG plugin entry points of the virtual PMU: the only file that knows
 * QEMU. It maps the shared-memory file, hands every translated block's
 * instruction count and every data access (physically addressed through the
 * hwaddr API) to the model (vpmu_model.c), polls the guest's control page
 * once per block (vpmu_control.c), and writes the totals at exit.
 *
 * Load: qemu-system-x86_64 -plugin build/vpmu.so,shm=/dev/shm/questv-vpmu-RUN,out=F
 * and expose the same file to the guest with
 *   -object memory-backend-file,id=vpmu,share=on,mem-path=/dev/shm/questv-vpmu-RUN,size=256K
 *   -device ivshmem-plain,memdev=vpmu
 * or, for overflow interrupts, with build/vpmu-doorbell serving that file
 * to an ivshmem-doorbell device instead (vpmu_doorbell.h) and doorbell=SOCK
 * added to the plugin's arguments.
 * Arguments: vpmu_args.c (vpmu_usage). Layout: include/questv/vpmu.h.
 *
 * With count=all memory accesses are instrumented from the first
 * translated block: every vCPU counts every event from its first
 * instruction, with no guest involvement (an unmodified guest, a program
 * under qemu-x86_64, the boot itself); out=FILE gets the totals at exit and
 * interval=N a line per N instructions (vpmu_report.c).
 *
 * Otherwise (count=guest) memory accesses are instrumented only once some
 * vCPU has enabled a counter: until then translated blocks carry only the
 * per-block callback (instructions, control page), so a guest that never
 * counts runs at nearly plain TCG speed. The switch retranslates everything
 * (qemu_plugin_reset); accesses of the few blocks the enabling vCPU runs
 * before the switch lands are not counted.
 *
 * Under linux-user emulation (qemu-x86_64) there are no physical addresses;
 * the model is then indexed by virtual address, which is what cachegrind
 * sees too, and only the first thread (vCPU 0) is counted. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <qemu-plugin.h>
#include "pmc/qemu-plugin/vpmu_config.h"
#include "pmc/qemu-plugin/vpmu_control.h"
#include "pmc/qemu-plugin/vpmu_doorbell.h"
#include "pmc/qemu-plugin/vpmu_model.h"
#include "pmc/qemu-plugin/vpmu_report.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

static struct vpmu_model model;
static struct vpmu_slots slots[VPMU_MAX_VCPUS];
static bool system_mode;
/* A shared file exists (shm=), so a guest or host tool may write the
 * control pages; without one nobody can, and blocks skip looking. */
static bool controllable;
static struct vpmu_report report;
static struct vpmu_doorbell doorbell;
/* Per vCPU: the instruction and direction (on_access) and end address of
 * the last memory callback in the current execution of a translated block,
 * to join the 8-byte pieces of one vector access (vpmu_model_access_more). */
static struct {
	uintptr_t insn;
	uint64_t end;
} piece[VPMU_MAX_VCPUS];
static qemu_plugin_id_t plugin_id;
/* Memory accesses are instrumented (set by the reset callback); a switch
 * has been asked for (set by the vCPU thread that asked). */
static bool instrument_memory, switching;

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
static void on_exit_all(qemu_plugin_id_t id, void *unused);

/* All vCPUs are stopped and every translation is gone: register again,
 * this time with memory callbacks. */
static void on_reset(qemu_plugin_id_t id)
{
	instrument_memory = true;
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
	qemu_plugin_register_atexit_cb(id, on_exit_all, NULL);
}

/* Translated block entry: act on the control page if the guest asked for
 * anything (so a guest read at a scheduling point is exact to the last
 * block), end an interval that is due, then count this block's
 * instructions. Checks against thresholds belong here, where every counter
 * is exact to the end of the previous block. */
static void on_block(unsigned int vcpu, void *n_insns)
{
	if (vcpu >= model.n_vcpus)
		return;
	if (controllable) {
		if (vpmu_control_poll(&slots[vcpu], &model, vcpu))
			vpmu_doorbell_ring(&doorbell, vcpu);
		if (!instrument_memory && slots[vcpu].seen.enable &&
		    !__atomic_exchange_n(&switching, true, __ATOMIC_ACQ_REL))
			qemu_plugin_reset(plugin_id, on_reset);
	}
	if (model.cpu[vcpu].page->total[VPMU_EV_INSTRUCTIONS] >= report.iv[vcpu].next)
		vpmu_report_interval(&report, &model, vcpu);
	piece[vcpu].insn = 0;	/* each execution of an instruction is its own access */
	vpmu_model_insns(&model, vcpu, (uint32_t)(uintptr_t)n_insns);
}

/* UDATA identifies the instruction within its block (even: the low bit
 * is left for the direction): pieces of one access come from one
 * instruction, in one direction, one after the other,
 * each starting where the previous ended. A rep-prefixed instruction runs
 * each iteration as its own block execution, so its iterations stay
 * separate accesses, as in cachegrind. */
static void on_access(unsigned int vcpu, qemu_plugin_meminfo_t info, uint64_t vaddr, void *udata)
{
	uint64_t paddr = vaddr;
	uint32_t size = 1u << qemu_plugin_mem_size_shift(info);
	if (vcpu >= model.n_vcpus)
		return;
	if (system_mode) {
		struct qemu_plugin_hwaddr *hw = qemu_plugin_get_hwaddr(info, vaddr);
		/* Device registers are uncached: they touch no cache level. */
		if (!hw || qemu_plugin_hwaddr_is_io(hw))
			return;
		paddr = qemu_plugin_hwaddr_phys_addr(hw);
	}
	uintptr_t insn = (uintptr_t)udata | qemu_plugin_mem_is_store(info);
	bool more = piece[vcpu].insn == insn && piece[vcpu].end == vaddr;
	piece[vcpu].insn = insn;
	piece[vcpu].end = vaddr + size;
	if (more)
		vpmu_model_access_more(&model, vcpu, paddr, size);
	else
		vpmu_model_access(&model, vcpu, vaddr, paddr, size);
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	(void)id;
	size_t n = qemu_plugin_tb_n_insns(tb);
	qemu_plugin_register_vcpu_tb_exec_cb(tb, on_block, QEMU_PLUGIN_CB_NO_REGS, (void *)(uintptr_t)n);
	for (size_t i = 0; instrument_memory && i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		qemu_plugin_register_vcpu_mem_cb(insn, on_access, QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_MEM_RW,
						 (void *)(uintptr_t)(2 * i + 2));
	}
}

static void on_exit_all(qemu_plugin_id_t id, void *unused)
{
	(void)id, (void)unused;
	/* Leave the file consistent for readers after the run: every slot
	 * published, the global total copied into each page. */
	for (uint32_t i = 0; i < model.n_vcpus; i++) {
		vpmu_control_poll(&slots[i], &model, i);
		model.cpu[i].page->total[VPMU_EV_LLC_FILLS_GLOBAL] = model.hdr->llc_fills_global;
	}
	vpmu_report_close(&report, &model);
	vpmu_model_fini(&model);
}

/* Map PATH (created if absent) as the shared file, or anonymous memory when
 * no path is given, so the model always has its pages. NULL on failure. */
static void *map_shm(const char *path)
{
	void *p;
	if (!path) {
		p = mmap(NULL, VPMU_SHM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		return p == MAP_FAILED ? NULL : p;
	}
	int fd = open(path, O_RDWR | O_CREAT, 0644);
	if (fd < 0) {
		fprintf(stderr, "vpmu: cannot open shm=%s: %s\n", path, strerror(errno));
		return NULL;
	}
	/* QEMU's memory-backend-file may have created it already, at the size
	 * it was given; a mismatch means the command line is wrong. */
	off_t size = lseek(fd, 0, SEEK_END);
	if (size != 0 && size != VPMU_SHM_SIZE) {
		fprintf(stderr, "vpmu: %s is %lld bytes; the layout needs %u (size=256K)\n", path,
			(long long)size, VPMU_SHM_SIZE);
		close(fd);
		return NULL;
	}
	if (size == 0 && ftruncate(fd, VPMU_SHM_SIZE)) {
		fprintf(stderr, "vpmu: cannot size %s: %s\n", path, strerror(errno));
		close(fd);
		return NULL;
	}
	p = mmap(NULL, VPMU_SHM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		fprintf(stderr, "vpmu: cannot map %s: %s\n", path, strerror(errno));
		return NULL;
	}
	/* A file left by an earlier run must not leak its control requests or
	 * counts into this one. */
	memset(p, 0, VPMU_SHM_SIZE);
	return p;
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv)
{
	struct vpmu_config cfg;
	char err[2048];
	uint32_t n_vcpus = 1;

	if (vpmu_parse_args(argc, argv, &cfg, err, sizeof err)) {
		fputs(err, stderr);
		return -1;
	}
	system_mode = info->system_emulation;
	if (system_mode)
		n_vcpus = (uint32_t)info->system.max_vcpus;
	void *shm = map_shm(cfg.shm);
	if (!shm)
		return -1;
	if (cfg.doorbell && vpmu_doorbell_open(&doorbell, cfg.doorbell, n_vcpus, err, sizeof err)) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	const char *why = vpmu_model_init(&model, &cfg, n_vcpus, shm);
	if (why) {
		fprintf(stderr, "%s\n", why);
		return -1;
	}
	if (vpmu_report_open(&report, &cfg, err, sizeof err)) {
		fprintf(stderr, "%s\n", err);
		vpmu_model_fini(&model);
		return -1;
	}
	plugin_id = id;
	controllable = cfg.shm != NULL;
	instrument_memory = cfg.count_all;
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
	qemu_plugin_register_atexit_cb(id, on_exit_all, NULL);
	return 0;
}
