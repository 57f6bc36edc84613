"""What QEMU and Bochs runs share: starting an emulator and bounding it in time."""
import os
import shutil
import subprocess
import time


def supervise(cmd, timeout, on_poll=None, poll_s=0.05, package="", **popen):
    """Start cmd and wait until it exits or timeout seconds pass (then kill it).

    on_poll(elapsed) is called while it runs; a true answer kills the
    emulator (not counted as a timeout: the caller says why it stopped it).
    popen goes to subprocess.Popen. Any exception while waiting (Ctrl-C
    included) kills the emulator before it propagates, so none outlives
    its supervisor. Returns (the finished Popen, timed_out, wall seconds,
    CPU seconds it used: on a busy host wall time grows, its CPU time hardly).
    """
    if shutil.which(cmd[0]) is None:
        raise FileNotFoundError(f"{cmd[0]} not found: run `make deps` (Debian {package})")
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, **popen)
    timed_out, cpu = False, None
    try:
        while (cpu := _reap(proc, os.WNOHANG)) is None:
            elapsed = time.monotonic() - start
            if elapsed > timeout:
                timed_out = True
                break
            if on_poll and on_poll(elapsed):
                break
            time.sleep(poll_s)
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    if cpu is None:
        proc.kill()
        cpu = _reap(proc, 0)
    return proc, timed_out, time.monotonic() - start, cpu


def _reap(proc, flags):
    """proc's CPU seconds (user + system) once it exited, its exit status set on proc;
    None while it runs (flags os.WNOHANG). os.wait4 gives the rusage Popen does not."""
    pid, status, usage = os.wait4(proc.pid, flags)
    if pid == 0:
        return None
    proc.returncode = os.waitstatus_to_exitcode(status)
    return round(usage.ru_utime + usage.ru_stime, 2)
