/* build/vpmu-doorbell SOCK FILE N [QEMU ARGS...]: the ivshmem server of
 * the vPMU's interrupt line (see vpmu_doorbell.h). Serves two peers on the
 * UNIX socket SOCK, in the order QEMU starts them: QEMU's ivshmem-doorbell
 * (peer 0), then the vPMU plugin (peer 1). Both get the protocol version,
 * their id, FILE (the vPMU's shared file, created at VPMU_SHM_SIZE if
 * absent) and every peer's N eventfds; QEMU listens on its own N.
 *
 * Given a command, it listens, then becomes that command (QEMU) and serves
 * from a child, so whoever started it supervises QEMU's own process (its
 * exit status, its CPU time, a kill). The server ends when QEMU closes its
 * connection or goes away; with status 1 and a message on a bad argument or
 * when QEMU does not come within 60 s. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "include/questv/vpmu.h"
#include "pmc/qemu-plugin/vpmu_doorbell.h"

static int send_msg(int sock, int64_t value, int fd)
{
	struct iovec iov = { &value, sizeof value };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	if (fd >= 0) {
		memset(&u, 0, sizeof u);
		msg.msg_control = u.buf;
		msg.msg_controllen = sizeof u.buf;
		struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof fd);
	}
	return sendmsg(sock, &msg, MSG_NOSIGNAL) == (ssize_t)sizeof value ? 0 : -1;
}

static int die(const char *what, const char *detail)
{
	fprintf(stderr, "vpmu-doorbell: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
	return 1;
}

/* The next peer, or -1 after 60 s or once the process that started us
 * (QEMU, when we serve it from a child) is gone. */
static int next_peer(int listen_fd, pid_t parent)
{
	for (int s = 0; s < 60; s++) {
		struct pollfd p = { listen_fd, POLLIN, 0 };
		if (poll(&p, 1, 1000) == 1)
			return accept(listen_fd, NULL, NULL);
		if (getppid() != parent)
			break;
	}
	return -1;
}

/* Version, ID, the memory, then per peer its vectors (eventfds ev[peer][]). */
static int serve(int sock, int64_t id, int shm, int ev[2][VPMU_DOORBELL_MAX_VECTORS], uint32_t n)
{
	if (send_msg(sock, VPMU_DOORBELL_PROTOCOL, -1) || send_msg(sock, id, -1) || send_msg(sock, -1, shm))
		return -1;
	for (int64_t peer = 0; peer < 2; peer++)
		for (uint32_t v = 0; v < n; v++)
			if (send_msg(sock, peer, ev[peer][v]))
				return -1;
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int ev[2][VPMU_DOORBELL_MAX_VECTORS];
	char *end;

	if (argc < 4)
		return die("usage: vpmu-doorbell SOCK FILE N [QEMU ARGS...] (N vectors, one per vCPU)", NULL);
	unsigned long n = strtoul(argv[3], &end, 10);
	if (*end || n == 0 || n > VPMU_DOORBELL_MAX_VECTORS)
		return die("N must be 1..32", argv[3]);
	if (strlen(argv[1]) >= sizeof a.sun_path)
		return die("socket path too long", argv[1]);
	int shm = open(argv[2], O_RDWR | O_CREAT, 0644);
	if (shm < 0 || ftruncate(shm, VPMU_SHM_SIZE))
		return die(argv[2], strerror(errno));
	for (int peer = 0; peer < 2; peer++)
		for (unsigned long v = 0; v < n; v++)
			if ((ev[peer][v] = eventfd(0, 0)) < 0)
				return die("eventfd", strerror(errno));
	strcpy(a.sun_path, argv[1]);
	unlink(argv[1]);
	int l = socket(AF_UNIX, SOCK_STREAM, 0);
	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof a) || listen(l, 2))
		return die(argv[1], strerror(errno));
	pid_t parent = getpid();
	if (argc > 4) {
		pid_t child = fork();
		if (child < 0)
			return die("fork", strerror(errno));
		if (child > 0) {
			execvp(argv[4], argv + 4);
			return die(argv[4], strerror(errno));
		}
	} else {
		parent = getppid();
	}
	int qemu = next_peer(l, parent);
	if (qemu < 0 || serve(qemu, 0, shm, ev, (uint32_t)n))
		return die("QEMU did not connect and take its setup", NULL);
	int plugin = next_peer(l, parent);
	/* Whatever the plugin does, stay: QEMU reads its own setup from its main
	 * loop, message by message, and a server that goes away first makes it
	 * drop the unread rest, so its vectors would never ring (a plugin that
	 * failed fails QEMU's start by itself). */
	if (plugin < 0 || serve(plugin, 1, shm, ev, (uint32_t)n))
		die("the plugin did not connect and take its setup", NULL);
	if (plugin >= 0)
		close(plugin);
	unlink(argv[1]);
	/* QEMU drops a device whose server goes away: stay until it ends. */
	char c;
	while (read(qemu, &c, 1) > 0)
		;
	return 0;
}
