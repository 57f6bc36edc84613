"""What the host's scheduler gave an emulator: from /proc/<pid>/task/*/schedstat, the
time each of its threads spent on a core and the time it spent runnable, waiting for one
(Linux's run-queue delay), over a window of a run. A guest on a loaded host loses the
second: its wall-time figures are to be read against it.

    host_sched {threads, run_s, wait_s, wall_s, wait_pct_max, load_1m}   (src harness)

threads: those that ran in the window (QEMU's vCPU threads, its main loop, its workers);
run_s, wait_s: their sums; wait_pct_max: the most any one of them waited, in % of wall_s.
"""
import os
import time
from pathlib import Path

PROC = Path("/proc")


def find_pid(console, proc=PROC):
    """The pid of the emulator writing to console (its `-serial file:<path>`), or None."""
    want = Path(console).resolve()
    for d in proc.iterdir():
        if not d.name.isdigit():
            continue
        try:
            args = (d / "cmdline").read_bytes().split(b"\0")
        except OSError:               # gone meanwhile, or not ours to read
            continue
        for a in args:
            if a.startswith(b"file:") and Path(a[5:].decode(errors="replace")).resolve() == want:
                return int(d.name)
    return None


def snapshot(pid, proc=PROC):
    """{tid: (ns on a core, ns waiting for one)} of pid's threads, with the time taken;
    None when pid is gone."""
    out = {}
    try:
        tasks = list((proc / str(pid) / "task").iterdir())
    except OSError:
        return None
    for t in tasks:
        try:
            run, wait, _ = (int(x) for x in (t / "schedstat").read_text().split())
        except (OSError, ValueError):
            continue
        out[t.name] = (run, wait)
    return {"at": time.monotonic(), "threads": out}


def record(before, after):
    """The host_sched record of the window between two snapshots, or None."""
    if not before or not after or after["at"] <= before["at"]:
        return None
    wall = after["at"] - before["at"]
    runs, waits = [], []
    for tid, (run, wait) in after["threads"].items():
        run0, wait0 = before["threads"].get(tid, (0, 0))
        if run > run0:
            runs.append((run - run0) / 1e9)
            waits.append((wait - wait0) / 1e9)
    return {"ev": "host_sched", "src": "harness", "threads": len(runs),
            "run_s": round(sum(runs), 3), "wait_s": round(sum(waits), 3), "wall_s": round(wall, 3),
            "wait_pct_max": round(100 * max(waits, default=0) / wall, 1),
            "load_1m": round(os.getloadavg()[0], 2)}
