"""Booting an ISO in QEMU TCG with every console captured to a file."""
import shutil
import subprocess
import time
from pathlib import Path

DEFAULT_CPU = "qemu64,+svm,+npt"   # TCG emulates SVM with nested paging
DEFAULT_MEM = "512M"


def qemu_command(iso, run_dir, cpu=DEFAULT_CPU, smp=4, mem=DEFAULT_MEM,
                 icount=True, gdb=False):
    """The QEMU command line for one run; consoles go to run_dir."""
    run_dir = Path(run_dir)
    cmd = ["qemu-system-x86_64", "-machine", "pc", "-cpu", cpu,
           "-smp", str(smp), "-m", mem, "-cdrom", str(iso), "-boot", "d",
           "-display", "none", "-vga", "none", "-net", "none",
           "-monitor", "none", "-no-reboot",
           "-debugcon", f"file:{run_dir / 'monitor.log'}",
           "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
    for i in range(1, 5):
        cmd += ["-serial", f"file:{run_dir / f'com{i}.log'}"]
    if icount:
        # One TSC tick per instruction: deterministic, comparable runs.
        cmd += ["-icount", "shift=0,sleep=off"]
    if gdb:
        cmd += ["-gdb", "tcp:127.0.0.1:1234", "-S"]   # loopback only
    return cmd


def decode_exit(returncode):
    """isa-debug-exit makes QEMU exit with 2*status+1; None if it did not."""
    if returncode is not None and returncode > 0 and returncode % 2 == 1:
        return (returncode - 1) // 2
    return None


def run(cmd, timeout, on_poll=None, poll_s=0.05):
    """Run QEMU until it exits or timeout seconds pass (then kill it).

    on_poll(elapsed) is called while it runs. Returns (returncode or None,
    timed_out, wall seconds, QEMU's own output).
    """
    if shutil.which(cmd[0]) is None:
        raise FileNotFoundError(f"{cmd[0]} not found: run `make deps` (Debian qemu-system-x86)")
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    timed_out = False
    while proc.poll() is None:
        elapsed = time.monotonic() - start
        if elapsed > timeout:
            proc.kill()
            timed_out = True
            break
        if on_poll:
            on_poll(elapsed)
        time.sleep(poll_s)
    out, _ = proc.communicate()
    wall = time.monotonic() - start
    return (None if timed_out else proc.returncode), timed_out, wall, out.decode(errors="replace")
