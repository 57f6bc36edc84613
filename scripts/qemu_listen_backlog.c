/*
 * qemu_listen_backlog.c: an LD_PRELOAD shim for QEMU that gives every
 * listening socket the system's full accept queue.
 *
 * QEMU's user network (libslirp 4.7, tcp_listen) listens on each host
 * forward with a backlog of 1 and accepts one connection per main-loop
 * pass. Under many concurrent clients the host kernel then finds the queue
 * full and drops the client's handshake ACK and its request (counted in
 * TcpExtListenOverflows); the client waits in retransmission backoff, past
 * ab's 10 s timeout for some. With a deep queue they wait their turn in
 * the kernel instead. experiments/qemu.py starts networked QEMU with this
 * library preloaded.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <sys/socket.h>

int listen(int fd, int backlog)
{
    static int (*next_listen)(int, int);

    if (!next_listen)
        next_listen = (int (*)(int, int))dlsym(RTLD_NEXT, "listen");
    if (!next_listen) {
        errno = ENOSYS;
        return -1;
    }
    /* Raised only: the kernel caps it at net.core.somaxconn. */
    return next_listen(fd, backlog < SOMAXCONN ? SOMAXCONN : backlog);
}
