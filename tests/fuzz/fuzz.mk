# tests/fuzz build fragment: AFL++ harnesses for every parser of untrusted
# input that builds on the host. Included by the top-level Makefile after
# kernel/net/net.mk (it reuses the net host library and its flags).
# One target = tests/fuzz/targets/<t>.c (LLVMFuzzerTestOneInput) + the code
# under test; its seeds in tests/fuzz/corpus/<t>/, the crashes ever found
# in tests/fuzz/regress/<t>/.
#   fuzz         FUZZ_S=N (default 60) seconds of afl-fuzz per target (persistent
#                mode, ASan+UBSan); one JSON line per target with execs, paths,
#                crashes; new crashes are copied to tests/fuzz/regress/<t>/ and
#                the run fails. FUZZ_TARGETS="a b" runs a subset.
#   fuzz-replay  every corpus and regression input through every harness,
#                built with gcc and ASan+UBSan, no AFL++ needed (make test)

FUZZ_ROOT := tests/fuzz
AFL_CC ?= afl-clang-fast
FUZZ_S ?= 60
FUZZ_TARGETS ?= config taskset vpmu_args spsc hypercall e1000_ring netif vnic ivrs

# Code under test per target (besides the host net library for the net ones).
FUZZ_SRCS_config := $(CONFIG_SRCS)
FUZZ_SRCS_taskset := sched/taskset.c sched/params.c
FUZZ_SRCS_vpmu_args := pmc/qemu-plugin/vpmu_args.c pmc/cache_model.c
FUZZ_SRCS_spsc := lib/spsc_ring.c
FUZZ_SRCS_hypercall := monitor/hypercall_args.c lib/record.c
FUZZ_SRCS_ivrs := monitor/ivrs.c monitor/acpi_sdt.c
FUZZ_NET := e1000_ring netif vnic
$(foreach t,$(FUZZ_NET),$(eval FUZZ_SRCS_$(t) := tests/unit/test_net_peer.c))
FUZZ_ALL := config taskset vpmu_args spsc hypercall ivrs $(FUZZ_NET)

FUZZ_CPPFLAGS := -I. -Imonitor $(NET_CPPFLAGS)
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_REPLAY_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror $(FUZZ_SAN) $(FUZZ_CPPFLAGS)
# AFL++'s compiler adds the coverage instrumentation; -fsanitize=fuzzer links its
# persistent-mode driver (libAFLDriver) around LLVMFuzzerTestOneInput.
FUZZ_AFL_CFLAGS := -std=gnu11 -O1 -g $(FUZZ_SAN) $(FUZZ_CPPFLAGS) -w

# The net library again, instrumented for AFL++.
FUZZ_AFL_NET_OBJS := $(patsubst %.c,$(BUILD)/fuzz/afl-net/%.o,$(NET_HOST_SRCS))
FUZZ_AFL_NET_LIB := $(BUILD)/fuzz/afl-net/libnet.a
$(BUILD)/fuzz/afl-net/%.o: %.c | $(LWIP_DIR)/VERSION
	@mkdir -p $(@D)
	@AFL_QUIET=1 $(AFL_CC) $(FUZZ_AFL_CFLAGS) -c $< -o $@
$(FUZZ_AFL_NET_LIB): $(FUZZ_AFL_NET_OBJS)
	@rm -f $@
	@ar rcs $@ $^

fuzz_lib = $(if $(filter $(1),$(FUZZ_NET)),$(2))
define fuzz_target
$(BUILD)/fuzz/replay_$(1): $(FUZZ_ROOT)/replay.c $(FUZZ_ROOT)/targets/$(1).c $(FUZZ_SRCS_$(1)) \
		$(FUZZ_ROOT)/fuzz_input.h $(call fuzz_lib,$(1),$(NET_HOST_LIB))
	@mkdir -p $$(@D)
	$(HOST_CC) $(FUZZ_REPLAY_CFLAGS) -o $$@ $$(filter %.c %.a,$$^)
$(BUILD)/fuzz/afl_$(1): $(FUZZ_ROOT)/targets/$(1).c $(FUZZ_SRCS_$(1)) $(FUZZ_ROOT)/fuzz_input.h \
		$(call fuzz_lib,$(1),$(FUZZ_AFL_NET_LIB))
	@mkdir -p $$(@D)
	AFL_QUIET=1 $(AFL_CC) $(FUZZ_AFL_CFLAGS) -fsanitize=fuzzer -o $$@ $$(filter %.c %.a,$$^)
endef
$(foreach t,$(FUZZ_ALL),$(eval $(call fuzz_target,$(t))))

.PHONY: fuzz fuzz-replay
fuzz: deps $(foreach t,$(FUZZ_TARGETS),$(BUILD)/fuzz/afl_$(t))
	@$(FUZZ_ROOT)/afl_run.sh $(BUILD)/fuzz $(FUZZ_S) $(FUZZ_TARGETS)

fuzz-replay: $(foreach t,$(FUZZ_ALL),$(BUILD)/fuzz/replay_$(t))
	@for t in $(FUZZ_ALL); do \
		$(BUILD)/fuzz/replay_$$t $$t $(FUZZ_ROOT)/corpus/$$t \
			$$(test -d $(FUZZ_ROOT)/regress/$$t && echo $(FUZZ_ROOT)/regress/$$t) 2>$(BUILD)/fuzz/replay_$$t.log \
			|| { tail -40 $(BUILD)/fuzz/replay_$$t.log; exit 1; }; done
