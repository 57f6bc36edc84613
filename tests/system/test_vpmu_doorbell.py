"""build/vpmu-doorbell, the ivshmem server of the vPMU's interrupt line, against
two fake peers on its socket: QEMU (peer 0), which reads its setup late, as its
main loop does under load, and a plugin that leaves early.

Why: QEMU reads its own eventfds from its main loop after the device's
start, and drops what it has not read once the server goes away; a server
that quit when the plugin closed early left QEMU without some of its
vectors, so those vCPUs' overflow interrupts never came (seen under load:
three of four sandboxes without a single budget interrupt)."""

import array
import os
import socket
import struct
import subprocess
import time

import pytest

from conftest import ROOT

SERVER = ROOT / "build/vpmu-doorbell"
VECTORS = 4


def recv_msg(sock):
    """One server message: (its int64 value, its file descriptor or None)."""
    fds = array.array("i")
    data, anc, _, _ = sock.recvmsg(8, socket.CMSG_SPACE(fds.itemsize))
    assert len(data) == 8, f"short message: {data!r}"
    fd = None
    for level, kind, payload in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(payload[:fds.itemsize])
            fd = fds[0]
    return struct.unpack("<q", data)[0], fd


def connect(path, deadline_s=10):
    end = time.monotonic() + deadline_s
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(str(path))
            return s
        except (FileNotFoundError, ConnectionRefusedError):
            s.close()
            if time.monotonic() > end:
                raise
            time.sleep(0.05)


@pytest.fixture
def server(tmp_path):
    if not SERVER.exists():
        pytest.skip(f"{SERVER} not built: run `make iso`")
    sock = tmp_path / "db.sock"
    proc = subprocess.Popen([str(SERVER), str(sock), str(tmp_path / "shm"), str(VECTORS)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    yield proc, sock
    if proc.poll() is None:
        proc.kill()
    proc.wait(timeout=10)


def test_qemu_gets_its_whole_setup_after_the_plugin_left_early(server):
    proc, path = server
    qemu = connect(path)
    time.sleep(0.2)                 # accepted first: QEMU is peer 0
    plugin = connect(path)
    # An early-leaving plugin: its id and QEMU's vectors, not its own.
    assert recv_msg(plugin)[0] == 0 and recv_msg(plugin)[0] == 1
    assert recv_msg(plugin)[0] == -1
    for _ in range(VECTORS):
        value, fd = recv_msg(plugin)
        os.close(fd)
        assert value == 0
    plugin.close()
    time.sleep(0.5)
    assert proc.poll() is None, f"the server quit while QEMU was connected: {proc.stdout.read()}"
    # QEMU, late: version, id 0, the memory, then both peers' vectors, each an eventfd.
    got = [recv_msg(qemu) for _ in range(3 + 2 * VECTORS)]
    assert [v for v, _ in got[:3]] == [0, 0, -1]
    assert [v for v, _ in got[3:]] == [0] * VECTORS + [1] * VECTORS
    assert all(fd is not None for _, fd in got[2:])
    for _, fd in got[2:]:
        os.close(fd)
    qemu.close()
    assert proc.wait(timeout=10) == 0


def test_a_plugin_that_takes_everything_leaves_the_server_quiet(server):
    proc, path = server
    qemu = connect(path)
    time.sleep(0.2)
    plugin = connect(path)
    for peer in (plugin, qemu):
        for _ in range(3 + 2 * VECTORS):
            _, fd = recv_msg(peer)
            if fd is not None:
                os.close(fd)
        peer.close()
    assert proc.wait(timeout=10) == 0
    assert proc.stdout.read() == ""
