# kernel/net build fragment: the lwIP port, drivers' portable ring logic,
# VNIC switch and web server. Included by the top-level Makefile after
# LIB_SRCS and UNIT_TESTS are first set:
#     include kernel/net/net.mk
# Provides:
#   NET_SRCS         freestanding sources the kernel compiles (our port + lwIP's
#                    core, IPv4, TCP, UDP, ARP/Ethernet), host-testable
#   NET_KERNEL_SRCS  the kernel-only part: e1000 device, the sandbox's network mode
#   NET_HOST_LIB     $(BUILD)/net-host/libnet.a: the same sources built for the
#                    host with ASan/UBSan, for the unit tests and the fuzzers
#   UNIT_TESTS       host cmocka test binaries (appended)
#   fuzz-net         FUZZ_FRAMES (default 100000) random and mutated frames
#                    through netif+lwIP, then a check that no packet buffer
#                    leaked (AFL++ covers the rest: tests/fuzz/fuzz.mk);
#                    FUZZ_SEED (default 1) makes a run reproducible
#   net-kernel-check NET_SRCS compile with the kernel's flags and link with only
#                    the symbols the kernel provides
# Needs third_party/lwip (scripts/third-party.sh fetches it; make deps runs it).
# Honours HOST_CC, BUILD, FREESTANDING (the kernel's flags, top-level Makefile).

NET_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
HOST_CC ?= gcc
BUILD ?= build

LWIP_DIR := third_party/lwip
LWIP_SRCS := $(addprefix $(LWIP_DIR)/src/core/,init.c def.c inet_chksum.c ip.c mem.c memp.c \
	netif.c pbuf.c stats.c tcp.c tcp_in.c tcp_out.c timeouts.c udp.c) \
	$(addprefix $(LWIP_DIR)/src/core/ipv4/,etharp.c icmp.c ip4.c ip4_addr.c ip4_frag.c) \
	$(LWIP_DIR)/src/netif/ethernet.c

# Ours, kernel only: the device around the rings and the sandbox's network mode.
NET_KERNEL_SRCS := $(addprefix $(NET_DIR)/,e1000/e1000_dev.c net_sandbox.c recovery/nic_fault.c \
	recovery/nic_recovery.c recovery/rescue.c recovery/net_faults.c) lib/watchdog.c
# Ours, built for kernel and host alike.
NET_PORT_SRCS := $(addprefix $(NET_DIR)/,net_clock.c net_rand.c netif_glue.c net_loop.c \
	e1000/e1000_ring.c vnic_ring.c vnic.c vnic_hold.c vnic_switch.c httpd.c net_status.c)
# lib/spsc_ring.c unless LIB_SRCS already links it (issue 8 may add it there).
NET_SPSC_SRCS := $(filter-out $(LIB_SRCS),lib/spsc_ring.c)
NET_SRCS := $(NET_PORT_SRCS) $(NET_DIR)/clock_tsc.c $(NET_DIR)/assert_kernel.c $(NET_DIR)/atoi.c \
	$(NET_SPSC_SRCS) $(LWIP_SRCS)

NET_CPPFLAGS := -I$(NET_DIR) -I$(LWIP_DIR)/src/include
# lwIP is not ours to fix: a new compiler warning in it must not break the build.
LWIP_WARN_FLAGS := -Wno-error

# Kernel objects (the top-level pattern rule builds them with FREESTANDING).
$(BUILD)/obj/$(NET_DIR)/%.o: FREESTANDING += $(NET_CPPFLAGS)
# freestanding/: lwIP's <string.h> and <stdlib.h> are the kernel's, not libc's.
$(BUILD)/obj/$(LWIP_DIR)/%.o: FREESTANDING += $(NET_CPPFLAGS) -I$(NET_DIR)/freestanding $(LWIP_WARN_FLAGS)
$(addprefix $(BUILD)/obj/,$(LWIP_SRCS:.c=.o)): $(LWIP_DIR)/VERSION
# The sources appear when the fetch runs: say so, or on a fresh clone make
# finds no rule for their objects before it has fetched them.
$(LWIP_SRCS): | $(LWIP_DIR)/VERSION ;
$(LWIP_DIR)/VERSION:
	scripts/third-party.sh

# --- host library -------------------------------------------------------------
NET_HOST_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -fsanitize=address,undefined \
	-fno-sanitize-recover -fno-omit-frame-pointer -I. $(NET_CPPFLAGS) $(HOST_CFLAGS)
NET_HOST_SRCS := $(NET_PORT_SRCS) $(NET_DIR)/host/assert_host.c lib/spsc_ring.c lib/record.c \
	$(LWIP_SRCS)
NET_HOST_OBJS := $(patsubst %.c,$(BUILD)/net-host/obj/%.o,$(NET_HOST_SRCS))
NET_HOST_LIB := $(BUILD)/net-host/libnet.a

$(BUILD)/net-host/obj/$(LWIP_DIR)/%.o: NET_HOST_CFLAGS += $(LWIP_WARN_FLAGS)
$(BUILD)/net-host/obj/%.o: %.c | $(LWIP_DIR)/VERSION
	@mkdir -p $(@D)
	@$(HOST_CC) $(NET_HOST_CFLAGS) -MMD -MP -c $< -o $@
$(NET_HOST_LIB): $(NET_HOST_OBJS)
	@rm -f $@
	@ar rcs $@ $^

# --- unit tests ---------------------------------------------------------------
# The stack tests link the host library (the archive gives each only what it
# uses) and test_net_peer.c, the scripted ARP/TCP peer they talk to.
NET_TESTS := $(addprefix $(BUILD)/tests/,test_net_e1000_ring test_net_vnic test_net_netif test_net_httpd)
NET_TEST_HELPERS := tests/unit/test_net_peer.c tests/unit/test_net_peer.h
UNIT_TESTS += $(BUILD)/tests/test_spsc_ring $(NET_TESTS)

$(NET_TESTS): $(BUILD)/tests/%: tests/unit/%.c $(NET_TEST_HELPERS) $(NET_HOST_LIB)
	@mkdir -p $(@D)
	$(HOST_CC) $(NET_HOST_CFLAGS) -Itests/unit -o $@ $(filter %.c,$^) $(NET_HOST_LIB) -lcmocka
$(BUILD)/tests/test_spsc_ring: tests/unit/test_spsc_ring.c lib/spsc_ring.c lib/spsc_ring.h
	@mkdir -p $(@D)
	$(HOST_CC) $(NET_HOST_CFLAGS) -o $@ $(filter %.c,$^) -lcmocka -lpthread

# --- fuzzing --------------------------------------------------------------------
FUZZ_FRAMES ?= 100000
FUZZ_SEED ?= 1
NET_FUZZERS := $(BUILD)/fuzz/fuzz_net
$(NET_FUZZERS): $(BUILD)/fuzz/%: tests/fuzz/%.c $(NET_TEST_HELPERS) $(NET_HOST_LIB)
	@mkdir -p $(@D)
	$(HOST_CC) $(NET_HOST_CFLAGS) -Itests/unit -o $@ $(filter %.c,$^) $(NET_HOST_LIB)

.PHONY: fuzz-net net-kernel-check
fuzz-net: $(NET_FUZZERS)
	$(BUILD)/fuzz/fuzz_net $(FUZZ_FRAMES) $(FUZZ_SEED)

# The kernel side links: NET_SRCS plus lib/string.c and lib/record.c may leave
# undefined only what kernel/ defines (kinfo, kernel_end_run).
NET_KERNEL_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(NET_SRCS) lib/string.c lib/record.c)
net-kernel-check: $(NET_KERNEL_OBJS)
	@$(LD) -r -o $(BUILD)/net-kernel.o $^
	@undef=$$(nm -u $(BUILD)/net-kernel.o | awk '{print $$2}' | grep -vxE 'kinfo|kernel_end_run' || true); \
	if [ -n "$$undef" ]; then echo "net: undefined in the kernel build: $$undef"; exit 1; fi
	@echo "net: NET_SRCS compile freestanding and link against the kernel's symbols only"

-include $(NET_HOST_OBJS:.o=.d)
