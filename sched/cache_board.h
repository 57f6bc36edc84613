/*
 * The cache board: one entry per core in memory shared by the sandboxes
 * (a shared region of the system config), where each core's scheduler
 * publishes what it is running, so that cache-aware policies on the other
 * cores can avoid colliding with it in the LLC. Single writer per entry;
 * readers tolerate a torn read (a hint, never a guarantee).
 */
#ifndef SCHED_CACHE_BOARD_H
#define SCHED_CACHE_BOARD_H

#include <stdint.h>

#define CACHE_BOARD_MAX_CORES 16

enum cache_board_kind { CACHE_BOARD_IDLE, CACHE_BOARD_RESERVED, CACHE_BOARD_BEST_EFFORT };

struct cache_board_entry {
	uint32_t kind;              /* enum cache_board_kind */
	uint32_t pad;
	uint64_t mpki_milli;        /* of the VCPU it runs */
	uint64_t occupancy_lines;   /* its LLC occupancy estimate */
	/* The core's cache-sensitive reserved VCPU, running or not, so that
	 * other cores can protect its lines between its jobs too: */
	uint64_t guard_lines;       /* its peak occupancy over its last job (0: none) */
	uint64_t guard_release;     /* its next release (TSC): last activation + T */
	uint64_t guard_running;     /* 1 while a job of it is in progress */
	uint64_t pad2[2];           /* one 64-byte line per core: no false sharing */
};

struct cache_board {
	uint32_t ncores;
	uint32_t pad[15];
	volatile struct cache_board_entry core[CACHE_BOARD_MAX_CORES];
};

#endif
