"""What QEMU and Bochs runs share: starting an emulator and bounding it in time.

Every emulator runs in its own process group (with whatever it starts, such
as the vPMU doorbell server's child), so that the terminal's Ctrl-C reaches
the harness only and the harness decides when it dies. Live groups are
registered here: SIGTERM, an exception (Ctrl-C included) or the
interpreter's exit kills them, so none outlives its supervisor."""
import atexit
import os
import shutil
import signal
import subprocess
import threading
import time

_live = set()   # process group ids of the emulators running now


def stop_all():
    """Kill every emulator process group still running (from a signal handler too:
    no lock, no waiting; each supervisor reaps its own)."""
    for pgid in list(_live):
        try:
            os.killpg(pgid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _on_sigterm(signum, frame):
    stop_all()
    raise SystemExit(128 + signum)


def stop_children_on_signals():
    """From the main thread: SIGTERM kills the emulators, then exits with status 143
    (unless someone else handles SIGTERM already). Ctrl-C needs nothing more: its
    KeyboardInterrupt passes through supervise(), and a harness that runs emulators on
    worker threads calls stop_all() when it catches it."""
    if threading.current_thread() is threading.main_thread() \
            and signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _on_sigterm)


atexit.register(stop_all)


def supervise(cmd, timeout, on_poll=None, poll_s=0.05, package="", **popen):
    """Start cmd and wait until it exits or timeout seconds pass (then kill it).

    on_poll(elapsed) is called while it runs; a true answer kills the
    emulator (not counted as a timeout: the caller says why it stopped it).
    popen goes to subprocess.Popen. Any exception while waiting (Ctrl-C
    included) kills the emulator's process group before it propagates.
    Returns (the finished Popen, timed_out, wall seconds, CPU seconds it
    used: on a busy host wall time grows, its CPU time hardly).
    """
    if shutil.which(cmd[0]) is None:
        raise FileNotFoundError(f"{cmd[0]} not found: run `make deps` (Debian {package})")
    stop_children_on_signals()
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, start_new_session=True, **popen)
    _live.add(proc.pid)
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
        if cpu is None:
            _kill(proc)
            cpu = _reap(proc, 0)
    except BaseException:
        if proc.returncode is None:
            _kill(proc)
            proc.wait()
        raise
    finally:
        _live.discard(proc.pid)
    return proc, timed_out, time.monotonic() - start, cpu


def _kill(proc):
    """SIGKILL to proc's process group (it is not reaped yet, so the id is still its)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _reap(proc, flags):
    """proc's CPU seconds (user + system) once it exited, its exit status set on proc;
    None while it runs (flags os.WNOHANG). os.wait4 gives the rusage Popen does not."""
    pid, status, usage = os.wait4(proc.pid, flags)
    if pid == 0:
        return None
    proc.returncode = os.waitstatus_to_exitcode(status)
    return round(usage.ru_utime + usage.ru_stime, 2)
