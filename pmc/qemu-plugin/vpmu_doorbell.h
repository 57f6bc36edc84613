/* The vPMU's interrupt line. QEMU's ivshmem-doorbell device (1af4:1110
 * like ivshmem-plain, plus MSI-X) gets its memory and one eventfd per
 * MSI-X vector from an ivshmem server over a UNIX socket, and raises vector
 * k whenever eventfd k is written. build/vpmu-doorbell
 * (vpmu_doorbell_server.c) is that server, handing out the vPMU's shared
 * file; the plugin connects to it as a second peer, receives QEMU's
 * eventfds and writes eventfd i to raise vCPU i's overflow interrupt (the
 * monitor programs MSI-X entry i to vCPU i's local APIC).
 *
 *   build/vpmu-doorbell SOCK FILE N &
 *   qemu-system-x86_64 ... -chardev socket,path=SOCK,id=vpmudb
 *     -device ivshmem-doorbell,chardev=vpmudb,vectors=N
 *     -plugin build/vpmu.so,shm=FILE,doorbell=SOCK
 *
 * QEMU creates its chardevs before it installs plugins, so the plugin
 * cannot be the server itself: QEMU's connection would find no socket. */
#ifndef PMC_VPMU_DOORBELL_H
#define PMC_VPMU_DOORBELL_H

#include <stddef.h>
#include <stdint.h>

/* The protocol's fixed points (QEMU docs/specs/ivshmem-spec.rst). */
#define VPMU_DOORBELL_PROTOCOL 0
#define VPMU_DOORBELL_MAX_VECTORS 32

/* x86-64 Linux's number of ppoll, where QEMU's main loop waits. */
#define VPMU_DOORBELL_PPOLL "271"

struct vpmu_doorbell {
	uint32_t n_vectors;	/* 0: no doorbell (ring does nothing) */
	int event_fd[VPMU_DOORBELL_MAX_VECTORS]; /* QEMU's, one per vector (= vCPU) */
	int main_syscall_fd;	/* /proc/self/task/<main>/syscall, or -1 */
};

/* Connect to the server at PATH as a peer and take QEMU's (peer 0's)
 * N_VECTORS eventfds. Returns NULL or a message (written into ERR). */
const char *vpmu_doorbell_open(struct vpmu_doorbell *d, const char *path, uint32_t n_vectors,
			       char *err, size_t errlen);

/* Raise vector V, and wait until QEMU's main loop has consumed it and gone
 * back to waiting (so the interrupt reaches the vCPU at its next translated
 * block, not after an unbounded host delay; see vpmu_doorbell.c). */
void vpmu_doorbell_ring(struct vpmu_doorbell *d, uint32_t v);

#endif
