# sched/ build fragment, included by the top-level Makefile:
#     include sched/sched.mk
# Provides:
#   SCHED_SRCS   freestanding sources the kernel compiles: core + policy $(SCHED)
#   SCHED_DEFINES  -DSCHED_POLICY_NAME="$(SCHED)" for the kernel's lookup
#   SCHED_SIM    path of the host simulator (appended)
#   UNIT_TESTS   host cmocka test binaries build/tests/test_sched_* (appended)
#   sched-check  property test: random task sets through the simulator+checker
# Honours HOST_CC, HOST_CFLAGS, BUILD (default build) and SCHED (default rm).

SCHED_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
SCHED_ROOT := $(patsubst %/,%,$(dir $(SCHED_DIR)))
HOST_CC ?= gcc
BUILD ?= build
SCHED ?= rm
SCHED_PYTHON ?= /usr/bin/python3

# make SCHED=<name>: one file per policy, so the files are the list
# (policy_cache_aware.c is policy cache-aware: C file names take no hyphen).
SCHED_POLICY_FILES := $(wildcard $(SCHED_DIR)/policy_*.c)
SCHED_POLICIES := $(sort $(subst _,-,$(patsubst $(SCHED_DIR)/policy_%.c,%,$(SCHED_POLICY_FILES))))
ifeq ($(filter $(SCHED),$(SCHED_POLICIES)),)
$(error SCHED=$(SCHED) is not a scheduling policy; available: $(SCHED_POLICIES))
endif

SCHED_CORE_SRCS := $(addprefix $(SCHED_DIR)/,cycles.c bignum.c vcpu.c sporadic.c pibs.c core.c registry.c \
	llc_estimate.c admit_rm.c repl_tree.c)
SCHED_SRCS := $(SCHED_CORE_SRCS) $(SCHED_DIR)/policy_$(subst -,_,$(SCHED)).c
SCHED_DEFINES := -DSCHED_POLICY_NAME='"$(SCHED)"'

# Host builds link every policy: the simulator and tests cover all of them.
SCHED_HOST_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -g -Wall -Wextra -Werror -I$(SCHED_ROOT) $(HOST_CFLAGS)
SCHED_HOST_SRCS := $(SCHED_CORE_SRCS) $(SCHED_POLICY_FILES)
SCHED_SIM_LIB_SRCS := $(SCHED_DIR)/taskset.c $(SCHED_DIR)/params.c $(SCHED_DIR)/sim/sim.c
SCHED_HDRS := $(wildcard $(SCHED_DIR)/*.h $(SCHED_DIR)/sim/*.h)

SCHED_BENCH_BIN := $(BUILD)/sched-bench
$(SCHED_BENCH_BIN): $(SCHED_HOST_SRCS) $(SCHED_DIR)/bench.c $(SCHED_DIR)/bench_main.c $(SCHED_HDRS)
	@mkdir -p $(@D)
	$(HOST_CC) $(SCHED_HOST_CFLAGS) -o $@ $(filter %.c,$^)

SCHED_SIM_BIN := $(BUILD)/sched-sim
SCHED_SIM += $(SCHED_SIM_BIN)

SCHED_TEST_SRCS := $(wildcard $(SCHED_ROOT)/tests/unit/test_sched_*.c)
SCHED_TESTS := $(patsubst $(SCHED_ROOT)/tests/unit/%.c,$(BUILD)/tests/%,$(SCHED_TEST_SRCS))
UNIT_TESTS += $(SCHED_TESTS)

$(SCHED_SIM_BIN): $(SCHED_HOST_SRCS) $(SCHED_SIM_LIB_SRCS) $(SCHED_DIR)/sim/main.c $(SCHED_HDRS)
	@mkdir -p $(@D)
	$(HOST_CC) $(SCHED_HOST_CFLAGS) -o $@ $(filter %.c,$^)

$(SCHED_TESTS): $(BUILD)/tests/%: $(SCHED_ROOT)/tests/unit/%.c $(SCHED_HOST_SRCS) $(SCHED_SIM_LIB_SRCS) $(SCHED_HDRS)
	@mkdir -p $(@D)
	$(HOST_CC) $(SCHED_HOST_CFLAGS) -o $@ $(filter %.c,$^) -lcmocka

# The core must build freestanding, exactly as the kernel compiles it.
SCHED_FREESTANDING_FLAGS := -std=c11 -ffreestanding -nostdlib -mno-red-zone \
	-mgeneral-regs-only -fno-pic -Wall -Wextra -Werror -I$(SCHED_ROOT)

.PHONY: sched-check sched-freestanding-check
sched-freestanding-check:
	@for f in $(SCHED_CORE_SRCS) $(SCHED_POLICY_FILES); do \
		$(HOST_CC) $(SCHED_FREESTANDING_FLAGS) -c $$f -o /dev/null || exit 1; done
	@echo "sched: core and policies compile freestanding"

sched-check: $(SCHED_SIM_BIN) sched-freestanding-check
	$(SCHED_PYTHON) $(SCHED_DIR)/sim/property_test.py $(SCHED_SIM_BIN) --sets 10000
