/* Host driver of the validation workloads (pmc/workloads/):
 *
 *   pmc-workload NAME BYTES PASSES [STRIDE [SEED]] [--vpmu SHMFILE]
 *
 * Prepares the workload in a 2 MiB-aligned buffer, runs it and prints one
 * JSON line with the checksum. Under cachegrind, the counts of wl_*_run are
 * the measured region. With --vpmu it also acts as a vPMU guest - under
 * qemu-x86_64 with the vPMU plugin publishing to SHMFILE - through the very
 * backend the kernel uses (pmc_vpmu.c): it maps SHMFILE as its "BAR2",
 * delimits run() as the measured region and prints the region's counts. */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "pmc/pmc.h"
#include "pmc/pmc_vpmu.h"
#include "include/questv/vpmu.h"
#include "pmc/workloads/workload.h"

#define ALIGN (2u << 20)

static const char *const vpmu_events[] = {"INSTRUCTION_RETIRED", "L1D_ACCESSES", "L1D_MISSES",
					  "LLC_REFERENCES", "LLC_MISSES", "DTLB_MISSES"};
#define N_VPMU_EVENTS (sizeof vpmu_events / sizeof vpmu_events[0])

static void usage(void)
{
	fprintf(stderr, "usage: pmc-workload NAME BYTES PASSES [STRIDE [SEED]] [--vpmu SHMFILE]\nworkloads:");
	for (unsigned i = 0; workload_at(i); i++)
		fprintf(stderr, " %s", workload_at(i)->name);
	fprintf(stderr, "\n");
	exit(2);
}

/* Map SHMFILE and open the validation events on vCPU 0; exits on failure. */
static void vpmu_attach(struct pmc *p, const char *path, int *h)
{
	int fd = open(path, O_RDWR);
	void *bar2 = fd < 0 ? MAP_FAILED : mmap(NULL, VPMU_SHM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (bar2 == MAP_FAILED) {
		perror(path);
		exit(1);
	}
	close(fd);
	if (pmc_init_vpmu(p, bar2, 0) != PMC_OK) {
		fprintf(stderr, "pmc-workload: %s\n", pmc_why(p));
		exit(1);
	}
	for (unsigned i = 0; i < N_VPMU_EVENTS; i++) {
		h[i] = pmc_open(p, vpmu_events[i]);
		if (h[i] < 0) {
			fprintf(stderr, "pmc-workload: %s: %s\n", vpmu_events[i], pmc_why(p));
			exit(1);
		}
	}
}

int main(int argc, char **argv)
{
	const char *shm = NULL;
	if (argc >= 3 && !strcmp(argv[argc - 2], "--vpmu")) {
		shm = argv[argc - 1];
		argc -= 2;
	}
	if (argc < 4 || argc > 6)
		usage();
	const struct workload *w = workload_find(argv[1]);
	if (!w)
		usage();
	struct wl_params p = {
		.bytes = strtoull(argv[2], NULL, 0),
		.passes = (uint32_t)strtoul(argv[3], NULL, 0),
		.stride = argc > 4 ? (uint32_t)strtoul(argv[4], NULL, 0) : 64,
		.seed = argc > 5 ? strtoull(argv[5], NULL, 0) : 12345,
	};
	uint8_t *mem = aligned_alloc(ALIGN, (p.bytes + ALIGN - 1) / ALIGN * ALIGN);
	if (!mem || p.bytes < 4096) {
		fprintf(stderr, "pmc-workload: need BYTES >= 4096 and that much memory\n");
		return 1;
	}
	struct pmc pmc;
	int h[N_VPMU_EVENTS];
	if (shm)
		vpmu_attach(&pmc, shm, h);
	w->prepare(mem, &p);
	if (shm)
		pmc_vpmu_region_begin(&pmc);
	uint64_t sum = w->run(mem, &p);
	if (shm)
		pmc_vpmu_region_end(&pmc);
	printf("{\"workload\":\"%s\",\"bytes\":%" PRIu64 ",\"passes\":%u,\"stride\":%u,\"checksum\":%" PRIu64,
	       w->name, p.bytes, p.passes, p.stride, sum);
	if (shm) {
		for (unsigned i = 0; i < N_VPMU_EVENTS; i++)
			printf(",\"%s\":%" PRIu64, vpmu_events[i], pmc_vpmu_region(&pmc, h[i]));
	}
	printf("}\n");
	free(mem);
	return 0;
}
