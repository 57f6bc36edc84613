"""summary.csv: one row per run with its parameters and the figures every run has.

Experiment-specific figures (hcall cycles, TLB points) stay in
records.jsonl for analysis/; this row is what a batch overview and the
resumability check need.
"""
import csv
import json
import os
import time
from pathlib import Path

from .boot import boot_cycles

WINDOWS = ("boot", "probe", "steady", "end")


def row(run, b, outcome, run_dir):
    """The summary of one run as an ordered dict."""
    meta = json.loads((Path(run_dir) / "run.json").read_text())
    ready = b.ev("monitor_ready")
    r = {"experiment": run.experiment, "run": run.key, "rep": run.rep, **run.params,
         "ok": outcome["ok"], "reason": outcome["reason"] or "", "status": outcome["status"],
         "native": run.native, "icount": run.qemu.get("icount", True),
         "emulator": run.emulator, "sched": run.sched, "pmc": run.pmc,
         "wall_s": meta["wall_s"], "cpu_s": meta.get("cpu_s"), "ready_wall_s": meta["ready_wall_s"],
         "sandboxes_ready": len(b.ev("sandbox_ready")),
         "boot_cycles": boot_cycles(b),
         "monitor_cycles": ready[0]["cycles"] if ready else None,
         "tsc_hz": ready[0]["tsc_hz"] if ready else None}
    for w in WINDOWS:
        counts = [e["count"] for e in b.ev("vm_exits") if e.get("window") == w]
        r[f"exits_{w}"] = sum(counts) if counts else None
    # When it ended and how busy the host was then: wall-time figures depend on both.
    r.update({"ended_at": round(time.time(), 1), "host_load_1m": round(os.getloadavg()[0], 2),
              "git_revision": meta["git_revision"], "git_dirty": meta["git_dirty"],
              "run_dir": str(run_dir)})
    return r


def write(rows, path):
    """rows (dicts) as CSV, columns in first-seen order."""
    cols = []
    for r in rows:
        cols += [k for k in r if k not in cols]
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=cols)
        w.writeheader()
        for r in rows:
            w.writerow(r)


def read(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))
