# Quest-V testbed. `make run` and `make test` are the two commands a user
# needs; both install what is missing first (scripts/deps.sh).

PY        := /usr/bin/python3   # Debian's interpreter: pandas, yaml, pytest live there
CC        := gcc
LD        := ld
SCHED     ?= rm
CONFIG    ?= experiments/configs/default.conf
# qemu: AMD SVM+NPT under TCG; bochs: Intel VMX+EPT (make run EMU=bochs)
EMU       ?= qemu
# none: machine pc; vtd: q35 with Intel VT-d (make run IOMMU=vtd); amdvi: q35 with AMD-Vi
IOMMU     ?= none
BUILD     ?= build
HOST_CC   ?= gcc

FREESTANDING := -std=gnu11 -O2 -g -ffreestanding -fno-stack-protector -fno-pic -no-pie \
	-mno-red-zone -mgeneral-regs-only -mcmodel=small -fno-asynchronous-unwind-tables \
	-Wall -Wextra -Werror -Wa,--noexecstack -I.
LDFLAGS_BARE := -nostdlib -z max-page-size=0x1000 --no-warn-rwx-segments

# The config parser and placement, host-built by its unit tests and fuzzer too.
CONFIG_SRCS  := monitor/config.c monitor/config_place.c monitor/config_taskset.c monitor/colour.c \
	monitor/port_hazards.c sched/taskset.c sched/params.c
LIB_SRCS     := lib/string.c lib/record.c lib/multiboot2.c lib/lapic.c lib/idt.c lib/isr.S lib/pci.c lib/pci_cam1.c
-include sched/sched.mk
include pmc/pmc.mk
include kernel/net/net.mk
include tests/fuzz/fuzz.mk
MONITOR_SRCS := $(wildcard monitor/*.c monitor/*.S monitor/arch/*.c monitor/arch/*.S) $(LIB_SRCS) \
	sched/taskset.c sched/params.c
# kernel/pmc/: the core and one file per backend (make PMC=); amd and intel
# share the MSR instructions.
KPMC_SRCS_intel := kernel/pmc/msr_ops.c
KPMC_SRCS_amd := kernel/pmc/msr_ops.c
KPMC_SRCS := kernel/pmc/kpmc.c kernel/pmc/vpmu_region.c kernel/pmc/$(PMC).c $(KPMC_SRCS_$(PMC))
KERNEL_SRCS  := $(wildcard kernel/*.c kernel/*.S kernel/isolation/*.c kernel/vsched/*.c kernel/exp/*.c) \
	$(KPMC_SRCS) $(LIB_SRCS) $(SCHED_SRCS) sched/taskset.c sched/params.c sched/bench.c \
	$(NET_SRCS) $(NET_KERNEL_SRCS) $(PMC_SRCS)

# Monitor and kernel share flags, so lib/ objects are built once for both.
objs = $(patsubst %,$(BUILD)/obj/%.o,$(basename $(1)))
MONITOR_OBJS := $(call objs,$(MONITOR_SRCS))
KERNEL_OBJS  := $(call objs,$(KERNEL_SRCS))

.PHONY: all iso run test unit pyunit system deps debug clean bench bench-short imports exp reproduce validate-vpmu \
	validate-vpmu-real bench-vpmu faults slurm-check fuzz-hypercalls
all: iso

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(CC) $(FREESTANDING) -MMD -MP -c $< -o $@
$(BUILD)/obj/%.o: %.S
	@mkdir -p $(dir $@)
	@$(CC) $(FREESTANDING) -MMD -MP -c $< -o $@

$(BUILD)/monitor.elf: $(MONITOR_OBJS) monitor/linker.ld
	@$(LD) $(LDFLAGS_BARE) -T monitor/linker.ld $(MONITOR_OBJS) -o $@
# Relinked when PMC= changes: the backend is a file of its own.
$(BUILD)/kernel.elf: $(KERNEL_OBJS) kernel/linker.ld $(BUILD)/pmc_backend.stamp
	@$(LD) $(LDFLAGS_BARE) -T kernel/linker.ld $(KERNEL_OBJS) -o $@

# The ISO for a system config: scripts/mkiso.sh CONFIG OUT
$(BUILD)/questv.iso: $(BUILD)/monitor.elf $(BUILD)/kernel.elf $(CONFIG) scripts/mkiso.sh FORCE
	@scripts/mkiso.sh $(CONFIG) $@
$(BUILD)/native.iso: $(BUILD)/kernel.elf scripts/mkiso.sh
	@scripts/mkiso.sh --native $@
iso: deps $(BUILD)/questv.iso $(BUILD)/native.iso $(BUILD)/vpmu.so $(BUILD)/vpmu-doorbell \
	$(BUILD)/qemu-listen-backlog.so
FORCE:
# Preloaded into networked QEMU (experiments/qemu.py): QEMU's user network listens on each
# forward with a backlog of 1; the shim gives it the system's full accept queue.
$(BUILD)/qemu-listen-backlog.so: scripts/qemu_listen_backlog.c
	@mkdir -p $(dir $@)
	$(HOST_CC) -std=gnu11 -O2 -Wall -Wextra -Werror -shared -fPIC $< -o $@ -ldl

deps:
	@scripts/deps.sh

# RESULTS: where runs, tables and plots go (results/).
RESULTS ?= results
run: iso
	$(PY) -m experiments.boot --iso $(BUILD)/questv.iso --name default --config $(CONFIG) --emu $(EMU) \
		--results $(RESULTS) $(if $(filter-out none,$(IOMMU)),--iommu $(IOMMU))

debug: iso
	scripts/debug.sh $(BUILD)/questv.iso

# --- experiments (README "Experiments") ---------------------------------
# make exp E=tlb [J=2] [FULL=1]: run one experiment (resumes; RERUN=1 runs everything again),
# then write its table and plots. make reproduce [FULL=1]: the paper set as one batch (runs
# under a load one at a time, the others beside them) and results/REPORT.md.
E ?=
J ?= $(shell nproc)
REPRODUCE := boot vm-exits tlb cache-interference webserver shared-driver recovery webserver-fault iommu \
	iommu-cost
exp: deps
	@test -n "$(E)" || { echo "usage: make exp E=NAME (one of: $$($(PY) -m experiments list | cut -d' ' -f1 | tr '\n' ' '))"; exit 2; }
	$(PY) -m experiments run $(E) -j $(J) --results $(RESULTS) $(if $(RERUN),--rerun) $(if $(FULL),--full); \
	status=$$?; $(PY) -m analysis $(E) --results $(RESULTS) && exit $$status

# make faults N=10000 [SEED=1] [J=2] [ICOUNT=1]: the NIC driver fault campaign
# (experiments/faults.py), J boots at a time; rerun with the same N and SEED, it resumes (state
# under results/faults/). Its exit status is non-zero when a fault was not recovered or a check
# failed. ICOUNT=1: under -icount (virtual time: the host's load does not count).
N ?= 10000
SEED ?= 1
faults: deps
	$(PY) -m experiments.faults -n $(N) --seed $(SEED) -j $(J) --results $(RESULTS) \
		$(if $(filter-out none,$(IOMMU)),--iommu $(IOMMU)) $(if $(ICOUNT),--icount)

# make fuzz-hypercalls N=1000000 [SEED=1] [ICOUNT=1]: N fuzzed hypercalls from all four sandboxes
# at once (experiments/hcfuzz.py); one summary line, non-zero exit status when a check failed.
# ICOUNT=1: virtual time (deterministic, no deadline missed for host load; one host thread).
fuzz-hypercalls: iso
	$(PY) -m experiments.hcfuzz -n $(N) --seed $(SEED) $(if $(ICOUNT),--icount)

reproduce: deps
	$(PY) -m experiments run $(REPRODUCE) -j $(J) --results $(RESULTS) $(if $(RERUN),--rerun) \
		$(if $(FULL),--full); \
	status=$$?; $(PY) -m analysis report --results $(RESULTS) && exit $$status

# --- tests -------------------------------------------------------------
UNIT_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -fsanitize=address,undefined \
	-fno-sanitize-recover -I.

define unit_test
UNIT_TESTS += $(BUILD)/tests/$(1)
$(BUILD)/tests/$(1): tests/unit/$(1).c $(2)
	@mkdir -p $$(dir $$@)
	$(HOST_CC) $(UNIT_CFLAGS) $$^ -lcmocka -o $$@
endef
$(eval $(call unit_test,test_config,$(CONFIG_SRCS)))
$(eval $(call unit_test,test_nested_pt,monitor/nested_pt.c monitor/arch/npt.c monitor/arch/ept.c monitor/arch/vtd.c \
	monitor/arch/amdvi.c))
$(eval $(call unit_test,test_colour,$(CONFIG_SRCS) monitor/colour_map.c monitor/nested_pt.c monitor/arch/npt.c monitor/arch/ept.c))
$(eval $(call unit_test,test_elf_load,monitor/elf_load.c))
$(eval $(call unit_test,test_record,lib/record.c))
$(eval $(call unit_test,test_watchdog,lib/watchdog.c))
$(eval $(call unit_test,test_pci,lib/pci.c))
$(eval $(call unit_test,test_vmx_controls,monitor/arch/vmx_controls.c))
$(eval $(call unit_test,test_dmar,monitor/dmar.c monitor/acpi_sdt.c))
$(eval $(call unit_test,test_ivrs,monitor/ivrs.c monitor/acpi_sdt.c))
$(eval $(call unit_test,test_vtd_irq,monitor/arch/vtd.c monitor/iommu_vtd_irt.c lib/record.c lib/string.c))
$(eval $(call unit_test,test_msr_policy,monitor/msr_policy.c))
$(eval $(call unit_test,test_npt_audit,monitor/npt_audit.c monitor/nested_pt.c monitor/arch/npt.c monitor/arch/ept.c))
$(eval $(call unit_test,test_port_policy,$(CONFIG_SRCS) monitor/port_policy.c))
$(eval $(call unit_test,test_hypercall_args,monitor/hypercall_args.c lib/record.c))

unit: deps $(UNIT_TESTS)
	@scripts/run-unit-tests.sh $(UNIT_TESTS)

system: iso $(BUILD)/pmc-workload
	$(PY) -m pytest -q tests/system

pyunit:
	$(PY) -m pytest -q tests/unit_py

# A private single-node Slurm runs the boot sweep through its generated job files.
slurm-check: deps iso
	scripts/slurm-check.sh boot

test: unit pyunit fuzz-replay sched-check imports bench-short slurm-check system

# No two files import each other (scripts/import_circles.py: calls between
# the built objects, includes between modules).
imports: $(BUILD)/kernel.elf $(BUILD)/monitor.elf
	$(PY) scripts/import_circles.py $(BUILD)

# make bench at a small size, so a broken benchmark cannot land.
bench-short:
	$(MAKE) bench BENCH_N=2000

# Figures, not pass/fail: scheduling-decision cost on the host and in a guest
# (BENCH_N=N decisions per measurement; default 200000 on the host, 20000 in the guest).
BENCH_N ?=
bench: iso $(BUILD)/sched-bench
	$(BUILD)/sched-bench $(if $(BENCH_N),-n $(BENCH_N)) $(SCHED_POLICIES)
	$(PY) -m experiments.bench_sched --build $(BUILD) $(if $(BENCH_N),--decisions $(BENCH_N))

# The vPMU against cachegrind, and cross-core interference (pmc/).
validate-vpmu: iso $(BUILD)/pmc-workload
	$(PY) -m experiments.vpmu_validate --build $(BUILD)

# The vPMU counting unmodified Debian programs under qemu-x86_64 (count=all) against cachegrind.
validate-vpmu-real: deps $(BUILD)/vpmu.so
	$(PY) -m experiments.vpmu_real

# The vPMU's cost: slowdown over plain TCG, wall time against cachegrind.
bench-vpmu: iso $(BUILD)/pmc-workload
	$(PY) -m experiments.bench_vpmu --build $(BUILD)

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
