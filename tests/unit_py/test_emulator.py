"""The emulator supervisor: exit status, timeout, early stop, and the CPU time it reports."""
import sys

from experiments.emulator import supervise

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
