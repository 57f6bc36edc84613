"""The emulator supervisor: exit status, timeout, early stop, the CPU time it reports, and
no emulator left behind when the harness is stopped."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from experiments.emulator import supervise

ROOT = Path(__file__).resolve().parents[2]

SPIN = [sys.executable, "-c", "import time\nt = time.process_time()\n"
        "while time.process_time() - t < 0.3: pass\nraise SystemExit(5)"]


def test_exit_status_wall_and_cpu_seconds_of_a_finished_process():
    proc, timed_out, wall, cpu = supervise(SPIN, timeout=30, poll_s=0.01)
    assert proc.returncode == 5 and not timed_out
    assert 0.3 <= cpu <= wall + 0.5          # it spun 0.3 s of CPU; CPU never exceeds wall by much


def test_timeout_and_on_poll_kill_it_and_still_report_its_cpu():
    sleep = [sys.executable, "-c", "import time; time.sleep(30)"]
    proc, timed_out, wall, cpu = supervise(sleep, timeout=0.3, poll_s=0.01)
    assert timed_out and proc.returncode < 0 and wall < 10 and cpu is not None
    proc, timed_out, wall, cpu = supervise(sleep, timeout=30, poll_s=0.01,
                                           on_poll=lambda elapsed: elapsed > 0.2)
    assert not timed_out and proc.returncode < 0 and wall < 10 and cpu < 5


# A stand-in emulator that starts a child of its own (as the vPMU doorbell server does)
# and notes both process ids.
FAKE_EMULATOR = """#!/bin/sh
sleep 300 &
echo $$ $! > "$PIDS.tmp" && mv "$PIDS.tmp" "$PIDS"
wait
"""

LANES = """
import sys, types
from experiments import emulator, runner
run = types.SimpleNamespace(alone=False, wall_s=1)
runner._Lanes([], [run], 1).run(lambda run: emulator.supervise(["qemu-system-x86_64"], 300))
"""


def _alive(pid):
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.parametrize("how", ["boot", "lanes"])
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_to_the_harness_kills_its_emulators_process_group(tmp_path, how, sig):
    """`python3 -m experiments.boot` (emulator on the main thread) and the experiment
    runner's lanes (emulators on worker threads) stopped by SIGTERM or SIGINT leave
    neither the emulator nor what it started behind."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "qemu-system-x86_64"
    fake.write_text(FAKE_EMULATOR)
    fake.chmod(0o755)
    pids = tmp_path / "pids"
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "PIDS": str(pids)}
    argv = ([sys.executable, "-m", "experiments.boot", "--iso", str(tmp_path / "none.iso"),
             "--no-vpmu", "--results", str(tmp_path / "results"), "--timeout", "300"]
            if how == "boot" else [sys.executable, "-c", LANES])
    harness = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while not pids.exists():
            assert harness.poll() is None and time.monotonic() < deadline, "no emulator started"
            time.sleep(0.05)
        emu, child = (int(p) for p in pids.read_text().split())
        assert _alive(emu) and _alive(child)
        harness.send_signal(sig)
        status = harness.wait(30)
    finally:
        harness.kill()
    assert status != 0
    deadline = time.monotonic() + 10
    while (_alive(emu) or _alive(child)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(emu) and not _alive(child)
