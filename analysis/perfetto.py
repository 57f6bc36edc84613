"""Export a schedule to the Chrome / Perfetto JSON trace format.

    /usr/bin/python3 -m analysis.perfetto TRACE [--out FILE] [--sandbox N]

TRACE is either a simulator trace (build/sched-sim output) or a run's
records.jsonl with guest schedule traces (kernel arg "trace"). Open the
output in https://ui.perfetto.dev or chrome://tracing: one process per
sandbox, one track per VCPU, a slice per run named after its thread,
instant markers for replenishments and deadline misses.
"""
import argparse
import json
import sys
from pathlib import Path

GUEST = {"trace_run": "run", "trace_replenish": "replenish", "trace_miss": "deadline_miss"}


def normalise(records):
    """(sandbox, record) pairs in the simulator's vocabulary."""
    for r in records:
        ev = GUEST.get(r.get("ev"), r.get("ev"))
        if ev in ("run", "replenish", "deadline_miss"):
            yield r.get("sandbox", 0), dict(r, ev=ev)


def chrome_trace(records, sandbox=None):
    """The trace as a dict with "traceEvents" (times in microseconds)."""
    events, tracks = [], {}

    def tid(pid, vcpu):
        key = (pid, vcpu)
        if key not in tracks:
            tracks[key] = len([k for k in tracks if k[0] == pid]) + 1
            events.append({"ph": "M", "name": "thread_name", "pid": pid, "tid": tracks[key],
                           "args": {"name": f"VCPU {vcpu}"}})
        return tracks[key]

    pids = set()
    for pid, r in normalise(records):
        if sandbox is not None and pid != sandbox:
            continue
        if pid not in pids:
            pids.add(pid)
            events.append({"ph": "M", "name": "process_name", "pid": pid,
                           "args": {"name": f"sandbox {pid}"}})
        t = tid(pid, r["vcpu"])
        if r["ev"] == "run":
            events.append({"ph": "X", "name": r["thread"], "cat": "run", "pid": pid, "tid": t,
                           "ts": r["from"], "dur": r["to"] - r["from"], "args": {"act": r["act"]}})
        elif r["ev"] == "replenish":
            events.append({"ph": "i", "s": "t", "name": "replenish", "cat": "budget", "pid": pid,
                           "tid": t, "ts": r["t"], "args": {"amount_us": r["amount"]}})
        else:
            events.append({"ph": "i", "s": "t", "name": f"deadline miss {r['thread']}",
                           "cat": "miss", "pid": pid, "tid": t, "ts": r.get("deadline", r["t"]),
                           "args": {"release": r["release"]}})
    return {"traceEvents": events, "displayTimeUnit": "ms"}


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m analysis.perfetto", description=__doc__.splitlines()[0])
    ap.add_argument("trace")
    ap.add_argument("--out", help="default: TRACE with .perfetto.json")
    ap.add_argument("--sandbox", type=int)
    a = ap.parse_args(argv)
    src = Path(a.trace)
    records = [json.loads(line) for line in src.read_text().splitlines() if line.strip().startswith("{")]
    trace = chrome_trace(records, a.sandbox)
    slices = sum(e["ph"] == "X" for e in trace["traceEvents"])
    if not slices:
        print(f"{src}: no schedule in it (guest runs need args = \"trace\")", file=sys.stderr)
        return 1
    out = Path(a.out) if a.out else src.with_suffix(".perfetto.json")
    out.write_text(json.dumps(trace))
    print(f"wrote {out}: {slices} runs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
