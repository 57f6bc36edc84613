/* The plugin's side of the vPMU interrupt line: an ivshmem peer that only
 * rings QEMU's doorbells (see vpmu_doorbell.h).
 *
 * The server's messages are little-endian int64 values, some carrying one
 * file descriptor (SCM_RIGHTS): the protocol version; our peer id; -1 with
 * the shared memory (ours is the shm= file already, so it is closed); then
 * each other peer's id with one eventfd per vector, in vector order. QEMU
 * is peer 0: its eventfds are the ones that raise its MSI-X vectors. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include "pmc/qemu-plugin/vpmu_doorbell.h"

/* One message: its value, and its descriptor in *FD (-1 if none). */
static int recv_msg(int sock, int64_t *value, int *fd)
{
	struct iovec iov = { value, sizeof *value };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			      .msg_controllen = sizeof u.buf };
	*fd = -1;
	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != (ssize_t)sizeof *value)
		return -1;
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
		memcpy(fd, CMSG_DATA(c), sizeof *fd);
	return 0;
}

/* Read the server's whole setup: QEMU's N eventfds, kept, and our own N,
 * closed (nobody rings us). All of it, so the server never writes to a
 * closed socket. NULL or why not. */
static const char *take_fds(struct vpmu_doorbell *d, int sock, uint32_t n)
{
	int64_t v, id;
	uint32_t own = 0;
	int fd;
	if (recv_msg(sock, &v, &fd) || v != VPMU_DOORBELL_PROTOCOL)
		return "no ivshmem protocol version 0 from the server";
	if (recv_msg(sock, &id, &fd) || id <= 0)
		return "the server gave no peer id, or id 0 (QEMU must connect first)";
	if (recv_msg(sock, &v, &fd) || v != -1 || fd < 0)
		return "the server sent no shared memory";
	close(fd);
	while (d->n_vectors < n || own < n) {
		if (recv_msg(sock, &v, &fd) || fd < 0)
			return "the server sent fewer eventfds than two peers' vectors, one per vCPU";
		if (v == 0 && d->n_vectors < n)
			d->event_fd[d->n_vectors++] = fd;
		else if (v == id && own < n) {
			own++;
			close(fd);
		} else {
			close(fd);
			return "the server sent an eventfd of an unknown peer or too many";
		}
	}
	return NULL;
}

const char *vpmu_doorbell_open(struct vpmu_doorbell *d, const char *path, uint32_t n_vectors,
			       char *err, size_t errlen)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct timeval limit = { 10, 0 };
	const char *why;
	char task[64];

	memset(d, 0, sizeof *d);
	snprintf(task, sizeof task, "/proc/self/task/%d/syscall", (int)getpid());
	d->main_syscall_fd = open(task, O_RDONLY | O_CLOEXEC);
	if (n_vectors > VPMU_DOORBELL_MAX_VECTORS) {
		snprintf(err, errlen, "vpmu: doorbell: %u vCPUs, at most %u vectors", n_vectors,
			 VPMU_DOORBELL_MAX_VECTORS);
		return err;
	}
	if (strlen(path) >= sizeof a.sun_path) {
		snprintf(err, errlen, "vpmu: doorbell=%s: path longer than %zu bytes", path,
			 sizeof a.sun_path - 1);
		return err;
	}
	strcpy(a.sun_path, path);
	int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0 || connect(sock, (struct sockaddr *)&a, sizeof a)) {
		snprintf(err, errlen, "vpmu: doorbell=%s: %s (is build/vpmu-doorbell serving it?)", path,
			 strerror(errno));
		return err;
	}
	/* A server that stalls fails the start instead of hanging QEMU. */
	setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
	why = take_fds(d, sock, n_vectors);
	close(sock);
	if (why) {
		for (uint32_t v = 0; v < d->n_vectors; v++)
			close(d->event_fd[v]);
		d->n_vectors = 0;
		snprintf(err, errlen, "vpmu: doorbell=%s: %s", path, why);
		return err;
	}
	return NULL;
}

/* Is QEMU's main loop (the process's first thread) blocked in ppoll, that
 * is, done with every handler it woke for? Its current system call is the
 * first field of /proc/self/task/PID/syscall ("running" while it runs). */
static int main_loop_idle(const struct vpmu_doorbell *d)
{
	char buf[32];
	ssize_t n;
	if (d->main_syscall_fd < 0)
		return 1;	/* cannot tell: consumption alone must do */
	n = pread(d->main_syscall_fd, buf, sizeof buf - 1, 0);
	if (n <= 0)
		return 1;
	buf[n] = 0;
	return !strncmp(buf, VPMU_DOORBELL_PPOLL " ", sizeof VPMU_DOORBELL_PPOLL);
}

/* QEMU's main loop consumes the eventfd, then raises the MSI and kicks the
 * vCPU out of its translated code. This vCPU thread would meanwhile run on
 * for an unbounded host time; waiting until the eventfd reads empty again
 * and the main loop is back in ppoll (so the MSI that follows the read in
 * the same handler has been raised, however long the host kept that thread
 * from a CPU) bounds the guest-side delay to the block this thread is in.
 * Bounded: a QEMU that never gets there costs at most 100 ms per ring. */
void vpmu_doorbell_ring(struct vpmu_doorbell *d, uint32_t v)
{
	uint64_t one = 1;
	struct timespec pause = { 0, 20000 };
	if (v >= d->n_vectors || write(d->event_fd[v], &one, sizeof one) != sizeof one)
		return;
	for (int i = 0; i < 5000; i++) {
		struct pollfd p = { d->event_fd[v], POLLIN, 0 };
		if (poll(&p, 1, 0) == 0 && main_loop_idle(d))
			return;
		nanosleep(&pause, NULL);
	}
}
