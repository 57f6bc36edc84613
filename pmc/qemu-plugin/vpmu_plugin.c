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
 * Arguments: vpmu_args.c (vpmu_usage). Layout: include/questv/vpmu.h.
 *
 * Memory accesses (the costly part: 3x on a boot) are instrumented only once
 * some vCPU has enabled a counter: until then translated blocks carry only
 * the per-block callback (instructions, control page), so a guest that never
 * counts runs at nearly plain TCG speed. The switch retranslates everything
 * (qemu_plugin_reset); accesses of the few blocks the enabling vCPU runs
 * before the switch lands are not counted.
 *
 * Under linux-user emulation (qemu-x86_64) there are no physical addresses;
 * the model is then indexed by virtual address, which is what cachegrind
 * sees too: that mode exists for host-side validation of the model. */
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
#include "pmc/qemu-plugin/vpmu_model.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

static struct vpmu_model model;
static struct vpmu_slots slots[VPMU_MAX_VCPUS];
static bool system_mode;
static qemu_plugin_id_t plugin_id;
static const char *out_path;
/* Memory accesses are instrumented (set by the reset callback); a switch
 * has been asked for (set by the vCPU thread that asked). */
static bool instrument_memory, switching;

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
static void on_exit_all(qemu_plugin_id_t id, void *out);

/* All vCPUs are stopped and every translation is gone: register again,
 * this time with memory callbacks. */
static void on_reset(qemu_plugin_id_t id)
{
	instrument_memory = true;
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
	qemu_plugin_register_atexit_cb(id, on_exit_all, (void *)out_path);
}

/* Nothing on vCPU VCPU's control page for the plugin to act on yet: no
 * slot enabled, no reset or region request. A few loads: the per-block work
 * before any guest counts, so the full poll (the bulk of the cost of an
 * uninstrumented run) runs only once one does; every value it would
 * publish is still 0 then. */
static bool control_idle(uint32_t vcpu)
{
	const volatile struct vpmu_control *ctl = model.cpu[vcpu].ctl;
	const struct vpmu_control *seen = &slots[vcpu].seen;
	return !ctl->enable && !seen->enable && ctl->reset_seq == seen->reset_seq &&
	       ctl->region_seq == seen->region_seq;
}

/* Translated block entry: publish what the previous block did (so a guest
 * read at a scheduling point is exact to the last block), then count this
 * block's instructions. */
static void on_block(unsigned int vcpu, void *n_insns)
{
	if (vcpu >= model.n_vcpus)
		return;
	if (!instrument_memory && control_idle(vcpu)) {
		vpmu_model_insns(&model, vcpu, (uint32_t)(uintptr_t)n_insns);
		return;
	}
	vpmu_control_poll(&slots[vcpu], &model, vcpu);
	vpmu_model_insns(&model, vcpu, (uint32_t)(uintptr_t)n_insns);
	if (!instrument_memory && slots[vcpu].seen.enable &&
	    !__atomic_exchange_n(&switching, true, __ATOMIC_ACQ_REL))
		qemu_plugin_reset(plugin_id, on_reset);
}

static void on_access(unsigned int vcpu, qemu_plugin_meminfo_t info, uint64_t vaddr, void *udata)
{
	(void)udata;
	uint64_t paddr = vaddr;
	if (vcpu >= model.n_vcpus)
		return;
	if (system_mode) {
		struct qemu_plugin_hwaddr *hw = qemu_plugin_get_hwaddr(info, vaddr);
		/* Device registers are uncached: they touch no cache level. */
		if (!hw || qemu_plugin_hwaddr_is_io(hw))
			return;
		paddr = qemu_plugin_hwaddr_phys_addr(hw);
	}
	vpmu_model_access(&model, vcpu, vaddr, paddr, 1u << qemu_plugin_mem_size_shift(info));
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	(void)id;
	size_t n = qemu_plugin_tb_n_insns(tb);
	qemu_plugin_register_vcpu_tb_exec_cb(tb, on_block, QEMU_PLUGIN_CB_NO_REGS, (void *)(uintptr_t)n);
	for (size_t i = 0; instrument_memory && i < n; i++)
		qemu_plugin_register_vcpu_mem_cb(qemu_plugin_tb_get_insn(tb, i), on_access,
						 QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_MEM_RW, NULL);
}

/* The totals line of one vCPU, with exactly the keys issue 4 specifies. */
static void write_totals(FILE *f, uint32_t vcpu)
{
	const uint64_t *t = model.cpu[vcpu].page->total;
	fprintf(f,
		"{\"vcpu\":%" PRIu32 ",\"instructions\":%" PRIu64 ",\"cycles\":%" PRIu64
		",\"l1d_accesses\":%" PRIu64 ",\"l1d_misses\":%" PRIu64 ",\"llc_references\":%" PRIu64
		",\"llc_misses\":%" PRIu64 ",\"dtlb_misses\":%" PRIu64 "}\n",
		vcpu, t[VPMU_EV_INSTRUCTIONS], t[VPMU_EV_CYCLES], t[VPMU_EV_L1D_ACCESSES],
		t[VPMU_EV_L1D_MISSES], t[VPMU_EV_LLC_REFERENCES], t[VPMU_EV_LLC_MISSES],
		t[VPMU_EV_DTLB_MISSES]);
}

static void on_exit_all(qemu_plugin_id_t id, void *out)
{
	(void)id;
	/* Leave the file consistent for readers after the run: every slot
	 * published, the global total copied into each page. */
	for (uint32_t i = 0; i < model.n_vcpus; i++) {
		vpmu_control_poll(&slots[i], &model, i);
		model.cpu[i].page->total[VPMU_EV_LLC_FILLS_GLOBAL] = model.hdr->llc_fills_global;
	}
	if (out) {
		FILE *f = fopen(out, "w");
		if (!f) {
			fprintf(stderr, "vpmu: cannot write %s: %s\n", (const char *)out, strerror(errno));
		} else {
			for (uint32_t i = 0; i < model.n_vcpus; i++)
				write_totals(f, i);
			fclose(f);
		}
	}
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
	const char *why = vpmu_model_init(&model, &cfg, n_vcpus, shm);
	if (why) {
		fprintf(stderr, "%s\n", why);
		return -1;
	}
	plugin_id = id;
	out_path = cfg.out;
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
	qemu_plugin_register_atexit_cb(id, on_exit_all, (void *)cfg.out);
	return 0;
}
