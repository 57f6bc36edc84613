#!/usr/bin/python3
"""Check a sandbox's schedule, recorded in the guest, with check_trace.py.

usage: guest_trace.py RECORDS.jsonl --sandbox N --config SYSTEM.conf [--tolerance-us X]

The sandbox must have run with kernel arg "trace" (kernel/vsched_trace.c).
Its task set comes from the vcpu/thread keys of its [sandbox N] section;
its trace_* records become the simulator's run/replenish/deadline_miss/
summary records; check_trace.py then checks them, allowing X microseconds
of timer lateness. By default X is the latest timer interrupt the guest
measured itself (trace_summary's timer_late_us) plus 20 us for the
interrupt and scheduling path: the checker allows what the (emulated)
hardware did, nothing more. Exit status as check_trace.py's.
"""
import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import check_trace  # noqa: E402

RENAME = {"trace_run": "run", "trace_replenish": "replenish", "trace_miss": "deadline_miss",
          "trace_summary": "summary"}


def taskset_of(config_text, sandbox):
    """The vcpu/thread lines of [sandbox N] in a system config."""
    lines, inside = [], False
    for raw in config_text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if line.startswith("["):
            inside = line.replace(" ", "") == f"[sandbox{sandbox}]"
            continue
        key, _, value = line.partition("=")
        if inside and key.strip() in ("vcpu", "thread"):
            lines.append(f"{key.strip()} {value.strip()}")
    return "\n".join(lines) + "\n"


def simulator_lines(records, sandbox):
    """The guest's records of one sandbox, in the simulator's trace format."""
    out = []
    for r in records:
        if r.get("sandbox") != sandbox:
            continue
        if r["ev"] == "admit":
            kind = "admit" if r["result"] == "admitted" else "reject"
            out.append({"ev": kind, "t": 0, "vcpu": r["vcpu"]})
        elif r["ev"] in RENAME:
            rec = {k: v for k, v in r.items() if k not in ("sandbox", "src")}
            rec["ev"] = RENAME[r["ev"]]
            out.append(rec)
    # json.dumps keeps the three decimals the checker reads as nanoseconds.
    return [json.dumps(r) for r in out]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("records")
    ap.add_argument("--sandbox", type=int, required=True)
    ap.add_argument("--config", required=True)
    ap.add_argument("--tolerance-us", help="default: measured timer lateness + 20 us")
    a = ap.parse_args(argv)
    records = [json.loads(line) for line in open(a.records) if line.strip()]
    lines = simulator_lines(records, a.sandbox)
    if not any('"summary"' in line for line in lines):
        print("guest_trace: no trace_summary for sandbox %d (run it with args = \"trace\")"
              % a.sandbox, file=sys.stderr)
        return 2
    summary = [r for r in records if r.get("ev") == "trace_summary" and r.get("sandbox") == a.sandbox]
    if summary[0].get("dropped"):
        print("guest_trace: the guest dropped %d trace entries" % summary[0]["dropped"], file=sys.stderr)
        return 2
    if a.tolerance_us is not None:
        tolerance = check_trace.to_ns(a.tolerance_us)
    else:
        tolerance = check_trace.to_ns("%.3f" % summary[0]["timer_late_us"]) + 20_000
    errors = check_trace.check(lines, taskset_of(Path(a.config).read_text(), a.sandbox), tolerance)
    for e in errors:
        print(e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
