# pmc/ build fragment, included by the top-level Makefile after UNIT_TESTS is
# first set:
#     include pmc/pmc.mk
# Provides:
#   $(BUILD)/vpmu-doorbell  the ivshmem server of the vPMU's overflow interrupt
#   $(BUILD)/vpmu.so        the vPMU QEMU TCG plugin (needs third_party/qemu/qemu-plugin.h,
#                           fetched by scripts/third-party.sh when missing)
#   $(BUILD)/pmc_events.c   event table for PMC_CPU, generated with libpfm4 (gen_events)
#   $(BUILD)/pmc-workload   host driver of the validation workloads
#   PMC_SRCS                freestanding sources the kernel compiles for backend $(PMC)
#   $(BUILD)/pmc_backend.stamp  changes when PMC= does (a prerequisite of
#                           what links the backend's files)
#   UNIT_TESTS              host cmocka test binaries (appended)
#   pmc-validate-user       plugin vs cachegrind on every workload, no guest needed
#   pmc-freestanding-check  the kernel-side sources compile freestanding
# Honours HOST_CC (default gcc), HOST_CFLAGS, BUILD (default build),
# PMC=vpmu|intel|amd|none (default vpmu), PMC_CPU (libpfm4 model; default snb
# for intel, amd64_fam10h_barcelona for amd) and PMC_EVENTS (event list file;
# default pmc/events/$(PMC_CPU).list if present, else pmc/events/$(PMC).list).

PMC_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
PMC_ROOT := $(patsubst %/,%,$(dir $(PMC_DIR)))
HOST_CC ?= gcc
BUILD ?= build
PMC ?= vpmu

PMC_BACKENDS := vpmu intel amd none
ifeq ($(filter $(PMC),$(PMC_BACKENDS)),)
$(error PMC=$(PMC) is not a PMC backend; available: $(PMC_BACKENDS))
endif
ifeq ($(PMC),amd)
PMC_CPU ?= amd64_fam10h_barcelona
else
PMC_CPU ?= snb
endif
PMC_EVENTS ?= $(firstword $(wildcard $(PMC_DIR)/events/$(PMC_CPU).list) \
	$(PMC_DIR)/events/$(if $(filter amd,$(PMC)),amd,intel).list)

PMC_HOST_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -I$(PMC_ROOT) $(HOST_CFLAGS)
PMC_TEST_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -fsanitize=address,undefined \
	-fno-sanitize-recover -I$(PMC_ROOT) $(HOST_CFLAGS)

PMC_WORKLOAD_SRCS := $(addprefix $(PMC_DIR)/workloads/,registry.c seq_walk.c stride_walk.c \
	pointer_chase.c matmul.c hash_probe.c)
PMC_CORE_SRCS := $(PMC_DIR)/pmc.c $(PMC_DIR)/event_match.c
PMC_PLUGIN_SRCS := $(addprefix $(PMC_DIR)/qemu-plugin/,vpmu_plugin.c vpmu_args.c vpmu_model.c \
	vpmu_control.c vpmu_doorbell.c vpmu_report.c) $(PMC_DIR)/cache_model.c
PMC_HDRS := $(wildcard $(PMC_DIR)/*.h $(PMC_DIR)/qemu-plugin/*.h $(PMC_DIR)/workloads/*.h)

# What the kernel links: the core, its backend, the event table of hardware
# backends, and the workloads (the in-guest half of the validation).
PMC_SRCS_vpmu := $(PMC_DIR)/pmc_vpmu.c
PMC_SRCS_intel := $(PMC_DIR)/pmc_intel.c $(BUILD)/pmc_events.c
PMC_SRCS_amd := $(PMC_DIR)/pmc_amd.c $(BUILD)/pmc_events.c
PMC_SRCS_none :=
# The core and the vPMU's region calls link on every backend, none included:
# the kernel's calls into them then simply find no (virtual) PMU.
PMC_SRCS := $(PMC_CORE_SRCS) $(sort $(PMC_DIR)/pmc_vpmu.c $(PMC_SRCS_$(PMC))) $(PMC_WORKLOAD_SRCS)
# Remembers the backend of the last build, so what links the backend's
# files can depend on it and be relinked when PMC= changes.
$(BUILD)/pmc_backend.stamp: FORCE_PMC_CPU
	@mkdir -p $(@D)
	@echo "$(PMC)" | cmp -s - $@ || echo "$(PMC)" > $@

# --- the plugin -------------------------------------------------------------
$(PMC_ROOT)/third_party/qemu/qemu-plugin.h:
	$(PMC_ROOT)/scripts/third-party.sh

# Hidden visibility: QEMU exports its own symbols to plugins, some with our
# names (its migration code has a cache_init); only the QEMU_PLUGIN_EXPORT
# entry points may be global, or calls would bind to QEMU's functions.
$(BUILD)/vpmu.so: $(PMC_PLUGIN_SRCS) $(PMC_HDRS) $(PMC_ROOT)/third_party/qemu/qemu-plugin.h
	@mkdir -p $(@D)
	$(HOST_CC) $(PMC_HOST_CFLAGS) -flto -fPIC -shared -fvisibility=hidden -I$(PMC_ROOT)/third_party/qemu \
		-o $@ $(filter %.c,$^) -lpthread

$(BUILD)/vpmu-doorbell: $(PMC_DIR)/qemu-plugin/vpmu_doorbell_server.c $(PMC_HDRS)
	@mkdir -p $(@D)
	$(HOST_CC) $(PMC_HOST_CFLAGS) -o $@ $<

# --- event tables -----------------------------------------------------------
$(BUILD)/gen_events: $(PMC_DIR)/gen_events.c $(PMC_DIR)/event_match.c $(PMC_DIR)/event_match.h
	@mkdir -p $(@D)
	$(HOST_CC) $(PMC_HOST_CFLAGS) -o $@ $(filter %.c,$^) -lpfm

# Remembers the model of the last generation, so changing PMC_CPU or
# PMC_EVENTS regenerates the table (and only then).
$(BUILD)/pmc_cpu.stamp: FORCE_PMC_CPU
	@mkdir -p $(@D)
	@echo "$(PMC_CPU) $(PMC_EVENTS)" | cmp -s - $@ || echo "$(PMC_CPU) $(PMC_EVENTS)" > $@
.PHONY: FORCE_PMC_CPU
FORCE_PMC_CPU:

$(BUILD)/pmc_events.c: $(BUILD)/gen_events $(PMC_EVENTS) $(BUILD)/pmc_cpu.stamp
	$(BUILD)/gen_events $(PMC_CPU) $(PMC_EVENTS) $@

# --- host tools ---------------------------------------------------------------
$(BUILD)/pmc-workload: $(PMC_DIR)/workloads/host_main.c $(PMC_WORKLOAD_SRCS) $(PMC_CORE_SRCS) \
		$(PMC_DIR)/pmc_vpmu.c $(PMC_HDRS)
	@mkdir -p $(@D)
	$(HOST_CC) $(PMC_HOST_CFLAGS) -o $@ $(filter %.c,$^)

.PHONY: pmc-validate-user pmc-freestanding-check
pmc-validate-user: $(BUILD)/vpmu.so $(BUILD)/pmc-workload
	$(PMC_DIR)/validate-user.sh $(BUILD)

PMC_FREESTANDING_FLAGS := -std=gnu11 -O2 -ffreestanding -nostdlib -fno-stack-protector -mno-red-zone \
	-mgeneral-regs-only -fno-pic -Wall -Wextra -Werror -I$(PMC_ROOT) -I$(BUILD)
pmc-freestanding-check: $(BUILD)/pmc_events.c
	@for f in $(PMC_CORE_SRCS) $(addprefix $(PMC_DIR)/,pmc_vpmu.c pmc_intel.c pmc_amd.c) \
		$(PMC_WORKLOAD_SRCS) $(BUILD)/pmc_events.c; do \
		$(HOST_CC) $(PMC_FREESTANDING_FLAGS) -c $$f -o /dev/null || exit 1; done
	@echo "pmc: kernel-side sources compile freestanding"

# --- unit tests -------------------------------------------------------------
# name: sources under test (besides tests/unit/<name>.c)
PMC_TEST_test_cache_model := $(PMC_DIR)/cache_model.c
PMC_TEST_test_pmc_intel := $(PMC_CORE_SRCS) $(PMC_DIR)/pmc_intel.c $(PMC_DIR)/fake_msr.c
PMC_TEST_test_pmc_amd := $(PMC_CORE_SRCS) $(PMC_DIR)/pmc_amd.c $(PMC_DIR)/fake_msr.c
PMC_TEST_test_pmc_vpmu_model := $(addprefix $(PMC_DIR)/qemu-plugin/,vpmu_args.c vpmu_model.c vpmu_report.c) \
	$(PMC_DIR)/cache_model.c
PMC_TEST_test_pmc_vpmu := $(PMC_CORE_SRCS) $(PMC_DIR)/pmc_vpmu.c $(PMC_DIR)/cache_model.c \
	$(addprefix $(PMC_DIR)/qemu-plugin/,vpmu_args.c vpmu_model.c vpmu_control.c)
PMC_TESTS := $(addprefix $(BUILD)/tests/,test_cache_model test_pmc_intel test_pmc_amd \
	test_pmc_vpmu_model test_pmc_vpmu)
UNIT_TESTS += $(PMC_TESTS)

define pmc_unit_test
$(BUILD)/tests/$(1): $(PMC_ROOT)/tests/unit/$(1).c $(PMC_TEST_$(1)) $(PMC_HDRS)
	@mkdir -p $$(@D)
	$(HOST_CC) $(PMC_TEST_CFLAGS) -o $$@ $$(filter %.c,$$^) -lpthread -lcmocka
endef
$(foreach t,$(notdir $(PMC_TESTS)),$(eval $(call pmc_unit_test,$(t))))
