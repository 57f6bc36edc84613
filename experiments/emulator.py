"""What QEMU and Bochs runs share: starting an emulator and bounding it in time."""
import shutil
import subprocess
import time


def supervise(cmd, timeout, on_poll=None, poll_s=0.05, package="", **popen):
    """Start cmd and wait until it exits or timeout seconds pass (then kill it).

    on_poll(elapsed) is called while it runs; a true answer kills the
    emulator (not counted as a timeout: the caller says why it stopped it).
    popen goes to subprocess.Popen. Any exception while waiting (Ctrl-C
    included) kills the emulator before it propagates, so none outlives
    its supervisor. Returns (the finished Popen, timed_out, wall seconds).
    """
    if shutil.which(cmd[0]) is None:
        raise FileNotFoundError(f"{cmd[0]} not found: run `make deps` (Debian {package})")
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, **popen)
    timed_out = False
    try:
        while proc.poll() is None:
            elapsed = time.monotonic() - start
            if elapsed > timeout:
                proc.kill()
                timed_out = True
                break
            if on_poll and on_poll(elapsed):
                proc.kill()
                break
            time.sleep(poll_s)
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    return proc, timed_out, time.monotonic() - start
