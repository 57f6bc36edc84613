/*
 * System configuration: what the monitor partitions the machine into.
 *
 * Portable C (no monitor headers): the same parser runs in the monitor and
 * in the host unit tests. The text format is documented in README.md
 * ("System config"); every field below says what it means where it is
 * declared.
 */
#ifndef QUESTV_MONITOR_CONFIG_H
#define QUESTV_MONITOR_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include "monitor/llc.h"

#define CFG_MAX_SANDBOXES   8   /* Quest-V's own limit; also bounds ASIDs */
#define CFG_MAX_PORT_RANGES 8   /* per sandbox */
#define CFG_MAX_SHARED      8   /* shared regions in the whole system */
#define CFG_MAX_PCI         4   /* PCI functions assigned to one sandbox */
#define CFG_MAX_CORES       16  /* APIC IDs 0..15 */
#define CFG_NAME_MAX        16  /* shared region names, with the NUL */
#define CFG_ARGS_MAX        128 /* sandbox kernel arguments, with the NUL */
#define CFG_TASKSET_MAX     1024 /* VCPU and thread lines of a sandbox, with the NUL */
#define CFG_MSG_MAX         112 /* error message, with the NUL */
#define CFG_LINE_MAX        256 /* longest accepted line, without newline */

#define CFG_MIB             (1024ull * 1024ull)
#define CFG_MEM_ALIGN       (2 * CFG_MIB) /* sandboxes map with 2 MiB pages */
#define CFG_MEM_MIN         (4 * CFG_MIB) /* kernel image + page tables + heap */
#define CFG_SHARED_ALIGN    4096ull
#define CFG_SHARED_MAX      (1024 * CFG_MIB) /* largest shared region */
#define CFG_PAGE            ((uint64_t)LLC_PAGE)  /* colouring works in 4 KiB pages */
#define CFG_MAX_COLOURS     256 /* LLC page colours the monitor tells apart */

/* A half-open range of host-physical memory [base, end). */
struct mem_range {
	uint64_t base;
	uint64_t end;
};

struct port_range {
	uint16_t first; /* inclusive */
	uint16_t last;  /* inclusive */
};

struct sandbox_config {
	unsigned line;        /* line of its [sandbox N] header, for errors */
	unsigned core;        /* APIC ID of the core the sandbox runs on */
	uint64_t mem_bytes;   /* guest RAM, guest-physical 0..mem_bytes */
	uint64_t base;        /* host-physical base; 0 = carved by config_place */
	uint16_t console;     /* UART base port its records go to (0 = none) */
	unsigned nports;
	struct port_range ports[CFG_MAX_PORT_RANGES]; /* granted I/O ports,
	                        including the console UART's 8 ports */
	unsigned npci;
	/* PCI functions it owns, bus << 8 | device << 3 | function: their
	 * memory BARs are mapped into it, their interrupt goes to its core
	 * (monitor/devices.c). One owner per function. */
	uint16_t pci[CFG_MAX_PCI];
	char args[CFG_ARGS_MAX]; /* handed to the sandbox kernel verbatim */
	/* Its VCPUs and threads: one `vcpu ...` / `thread ...` line per key,
	 * in sched/taskset.h's format (microseconds), checked while parsing. */
	char taskset[CFG_TASKSET_MAX];
	/* LLC page colours (monitor/colour.h): with ncolours > 0 the sandbox
	 * gets only host pages of colours colour[0..ncolours), ascending, and
	 * no contiguous region (base stays 0); 0 = not coloured. */
	unsigned ncolours;
	uint8_t colour[CFG_MAX_COLOURS];
	unsigned colours_line;  /* line of its `colours` key, for errors */
	/* `share_colours = yes`: it may share colours with sandboxes that say
	 * so too; otherwise a colour belongs to one sandbox. */
	int share_colours;
	/* Set by config_place: the first pool slot it has in colour[j]. */
	uint32_t colour_first[CFG_MAX_COLOURS];
};

struct shared_config {
	unsigned line;
	char name[CFG_NAME_MAX];
	uint64_t size;        /* bytes, multiple of 4 KiB */
	unsigned nmembers;    /* sandboxes it is mapped into (2..8) */
	unsigned members[CFG_MAX_SANDBOXES];
	uint64_t base;        /* host-physical base, set by config_place */
};

/* The vPMU plugin's default LLC (pmc/qemu-plugin/vpmu_args.c): 128 colours. */
#define CFG_LLC_DEFAULT     { 8 * CFG_MIB, 16, 64 }

/* [system] iommu: whether assigned devices' DMA must be confined by an
 * IOMMU (monitor/iommu.h). auto, the default, uses one if the platform
 * has it; required refuses to boot without one. */
enum cfg_iommu { CFG_IOMMU_AUTO = 0, CFG_IOMMU_OFF, CFG_IOMMU_REQUIRED };

struct system_config {
	enum cfg_iommu iommu;
	unsigned system_line; /* line of the [system] header, 0 if none */
	unsigned nsandboxes;  /* sandboxes are numbered 0..nsandboxes-1 */
	struct sandbox_config sandbox[CFG_MAX_SANDBOXES];
	unsigned nshared;
	struct shared_config shared[CFG_MAX_SHARED];
	struct llc_geometry llc; /* [system] llc, or CFG_LLC_DEFAULT */
	unsigned llc_line;       /* line of [system] llc (0: the default) */
	/* Host memory the coloured sandboxes' pages come from, set by
	 * config_place ({0, 0} when no sandbox is coloured). */
	struct mem_range colour_pool;
};

struct config_error {
	unsigned line;        /* 1-based; 0 when the problem has no line */
	char msg[CFG_MSG_MAX];
};

#define MACHINE_MAX_RANGES 32

/* What the monitor found on the machine, checked against the config. */
struct machine {
	unsigned ncores;
	uint32_t apic_ids[CFG_MAX_CORES];  /* cores that answered at boot */
	unsigned nfree;
	struct mem_range free[MACHINE_MAX_RANGES];     /* usable RAM */
	unsigned nreserved;
	struct mem_range reserved[MACHINE_MAX_RANGES]; /* monitor, modules */
	uint64_t floor;       /* no sandbox memory below this address */
};

/*
 * Parse the text of a system config. Returns 0 and fills *cfg, or -1 and
 * fills *err with the first problem and its line. Never reads past len;
 * any byte sequence is safe input.
 */
int config_parse(const char *text, size_t len, struct system_config *cfg,
		 struct config_error *err);

/*
 * Check a parsed config against the machine and give every sandbox and
 * shared region a host-physical base. Returns 0, or -1 with *err set
 * (line of the offending section). On error *cfg keeps no partial bases.
 */
int config_place(struct system_config *cfg, const struct machine *m,
		 struct config_error *err);

/*
 * Building err->msg without libc, shared by config.c and config_place.c.
 * config_error_begin sets err->line and starts the message with
 * "line N: " (nothing when line is 0); the others append. The message is
 * always NUL-terminated and silently truncated to CFG_MSG_MAX - 1 chars.
 */
void config_error_begin(struct config_error *err, unsigned line);
void config_error_str(struct config_error *err, const char *s);
void config_error_dec(struct config_error *err, uint64_t v);
void config_error_hex(struct config_error *err, uint64_t v); /* "0x1f" */

/*
 * Append the line "kind value" to a sandbox's task set (CFG_TASKSET_MAX
 * bytes) and check that the whole set still parses. Returns 0, or -1 with
 * a message about the new line in msg; the task set is then unchanged.
 * (monitor/config_taskset.c)
 */
int config_taskset_append(char *taskset, const char *kind, const char *value,
			  size_t vlen, char *msg, size_t msglen);

#endif
