"""Fuzzed hypercalls from all four sandboxes at once (make fuzz-hypercalls N=...).

    /usr/bin/python3 -m experiments.hcfuzz -n 1000000 [--seed 1]

Boots four 32 MiB sandboxes, each throwing its share of N random hypercalls
at the monitor in the same boot window (kernel/isolation/hcfuzz.c), then
running its isolation probe and a steady window. The run passes when:
  - the monitor survives: the run ends with status 0 within its timeout;
  - every call got a result the ABI allows, every pointer call left the
    caller's scratch arena as due;
  - every checksum is unchanged: the monitor's static state from before
    the first entry to the end (monitor_integrity), every sandbox's kernel
    code (integrity), every sandbox's witness memory after its own fuzzing
    and after everyone's (hcfuzz_witness), and the probe's checksums of the
    monitor and of every other sandbox (isolation_checksum);
  - the steady windows after the fuzzing are undisturbed: no VM exit in
    any of them, and each one's timer ticked and received IPIs;
  - the monitor's log took at most its cap of lines per sandbox.
Writes results/fuzz-hypercalls/<run>/ (consoles, records.jsonl, run.json)
and appends one summary line to results/fuzz-hypercalls/summary.jsonl,
printed too; exit status 1 when a check failed.
"""
import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .boot import boot
from .records import parse_console

ROOT = Path(__file__).resolve().parent.parent
NAME = "fuzz-hypercalls"
SANDBOXES = 4
STEADY_MS = 200
LOG_LINES = 256          # HC_LOG_LINES
PATH = "/usr/sbin:/usr/bin:/sbin:/bin"


def timeout_s(n, icount=False):
    """Boot and probe take up to ~60 s at load 15; the calls up to ~0.5 ms each
    running free, ~1 ms in virtual time (one host thread): twice that allowed."""
    return 180 + n / (400 if icount else 1000)


def shares(n, k=SANDBOXES):
    """n calls split over k sandboxes, the remainder to the first ones."""
    return [n // k + (1 if i < n % k else 0) for i in range(k)]


def config_text(n, seed):
    """Four fuzzing sandboxes, and the region where they wait for each other
    before the probe (its arrival deadline is 3 s; shares end seconds apart)."""
    return "".join(f"[sandbox {i}]\ncore = {i}\nmemory = 32M\nconsole = com{i + 1}\n"
                   f'args = "hcfuzz={c} hcfuzz_seed={seed} steady_ms={STEADY_MS}"\n\n'
                   for i, c in enumerate(shares(n))) + (
        "[shared hcfuzz]\nsize = 8K\nsandboxes = " + " ".join(map(str, range(SANDBOXES))) + "\n")


class WallClock:
    """A session beside the emulator: the host time each sandbox was ready
    (its fuzzing starts right after) and printed its hcfuzz record. The
    guest's TSC is no clock here: QEMU runs free, and the monitor's PIT
    calibration of it is off on a loaded host."""
    POLL_S = 0.2

    def run(self, run_dir, alive):
        t0, seen = time.monotonic(), {}
        while alive():
            for i in range(SANDBOXES):
                for r in parse_console(Path(run_dir) / f"com{i + 1}.log", f"com{i + 1}"):
                    if r["ev"] in ("sandbox_ready", "hcfuzz"):
                        seen.setdefault((i, r["ev"]), round(time.monotonic() - t0, 1))
            time.sleep(self.POLL_S)
        return [{"ev": "hcfuzz_wall", "sandbox": i, "ready_s": seen.get((i, "sandbox_ready")),
                 "done_s": seen.get((i, "hcfuzz"))} for i in range(SANDBOXES)]

    def interrupt(self):
        pass


def wall_span(recs):
    """Host seconds from the first sandbox ready to the last fuzzer done, or None."""
    w = [r for r in recs if r.get("ev") == "hcfuzz_wall" and r.get("src") == "harness"]
    if len(w) < SANDBOXES or any(r["ready_s"] is None or r["done_s"] is None for r in w):
        return None
    return round(max(r["done_s"] for r in w) - min(r["ready_s"] for r in w), 1)


def summarize(recs, n, seed):
    """The summary record of one run's records, with "failed": the checks that did not hold."""
    def ev(name):       # a sandbox's own record, from its own console
        return [r for r in recs if r.get("ev") == name
                and r.get("src") == f"com{r.get('sandbox', -2) + 1}"]
    from_monitor = [r for r in recs if r.get("src") == "monitor"]

    def mon(name):
        return [r for r in from_monitor if r.get("ev") == name]
    fuzz = sorted(ev("hcfuzz"), key=lambda r: r["sandbox"])
    refused, accepted = {}, {}
    for r in fuzz:
        for total, part in ((refused, r["refused"]), (accepted, r["accepted"])):
            for k, v in part.items():
                total[k] = total.get(k, 0) + v
    calls = sum(r["calls"] for r in fuzz)
    fuzz_s = wall_span(recs)
    witness = ev("hcfuzz_witness")
    steady = sorted(ev("steady"), key=lambda r: r["sandbox"])
    steady_exits = sum(r["count"] for r in mon("vm_exits") if r["window"] == "steady")
    iso = mon("isolation_checksum")
    ends = mon("run_end")
    checks = {
        "run_end_ok": bool(ends) and ends[-1]["status"] == 0,
        "all_sandboxes_fuzzed": [r["sandbox"] for r in fuzz] == list(range(SANDBOXES)),
        "all_calls_made": calls == n,
        "abi_results": sum(r["abi_violations"] for r in fuzz) == 0,
        "arena_as_due": sum(r["arena_violations"] for r in fuzz) == 0,
        "monitor_unchanged": [r["unchanged"] for r in mon("monitor_integrity")] == [True],
        "kernel_code_unchanged": len(mon("integrity")) == SANDBOXES
        and all(r["unchanged"] for r in mon("integrity")),
        "witness_intact": len(witness) == 2 * SANDBOXES and all(r["intact"] for r in witness),
        "probe_checksums_unchanged": len(iso) == SANDBOXES * SANDBOXES
        and all(r["unchanged"] for r in iso),
        "steady_no_exits": len(steady) == SANDBOXES and steady_exits == 0,
        "steady_ticks_and_ipis": len(steady) == SANDBOXES
        and all(r["timer_ticks"] > 0 and r["ipis_received"] > 0 for r in steady),
        "log_capped": len(mon("sandbox_log")) <= LOG_LINES * SANDBOXES,
    }
    return {
        "ev": "hcfuzz_summary", "calls": calls, "seed": seed,
        "per_sandbox": {str(r["sandbox"]): r["calls"] for r in fuzz},
        "refused": refused, "accepted": accepted,
        "fuzz_wall_s": fuzz_s, "calls_per_s": round(calls / fuzz_s) if fuzz_s else None,
        "checksums": {
            "monitor": [r["unchanged"] for r in mon("monitor_integrity")],
            "kernel_code": [r["unchanged"] for r in mon("integrity")],
            "witness": {f"{r['sandbox']}:{r['after']}": r["intact"] for r in witness},
            "probe": f"{sum(r['unchanged'] for r in iso)}/{len(iso)}",
        },
        "steady": {"exits": steady_exits, "timer_ticks": [r["timer_ticks"] for r in steady],
                   "ipis_received": [r["ipis_received"] for r in steady]},
        "sandbox_log_lines": len(mon("sandbox_log")),
        "failed": [k for k, ok in checks.items() if not ok],
    }


def run(n, seed, results, timeout=None, icount=False, build=ROOT / "build"):
    """Boot the fuzzing system once; returns (summary, Boot)."""
    out = Path(results) / NAME
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="hcfuzz-") as tmp:   # runs side by side
        conf, iso = Path(tmp) / "system.conf", Path(tmp) / "hcfuzz.iso"
        conf.write_text(config_text(n, seed))
        subprocess.run([str(ROOT / "scripts/mkiso.sh"), str(conf), str(iso)], check=True,
                       cwd=ROOT, env={"BUILD": str(build), "PATH": PATH})
        b = boot(iso, NAME, results=str(results), config=str(conf), session=WallClock(),
                 timeout=timeout or timeout_s(n, icount), vpmu=False, icount=icount)
    s = summarize(b.records, n, seed)
    if b.timed_out:
        s["failed"].insert(0, "timed_out")
    s.update(wall_s=round(b.wall_s, 1), icount=icount, run_dir=str(b.run_dir))
    with open(out / "summary.jsonl", "a") as f:
        f.write(json.dumps(s) + "\n")
    return s, b


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m experiments.hcfuzz",
                                 description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=1000000, help="fuzzed hypercalls in all")
    ap.add_argument("--seed", type=int, default=1, help="the calls' random sequence")
    ap.add_argument("--timeout", type=float,
                    help="seconds (default: 180 + n/1000; with --icount 180 + n/400)")
    ap.add_argument("--icount", action="store_true",
                    help="deterministic virtual time (one host thread for all cores: slower)")
    ap.add_argument("--results", default=str(ROOT / "results"))
    a = ap.parse_args(argv)
    if a.n < SANDBOXES:
        ap.error(f"-n must be at least {SANDBOXES} (one call per sandbox)")
    print(f"{NAME}: {a.n} calls from {SANDBOXES} sandboxes, seed {a.seed}, "
          f"timeout {a.timeout or timeout_s(a.n, a.icount):.0f} s", file=sys.stderr)
    s, b = run(a.n, a.seed, a.results, a.timeout, a.icount)
    print(json.dumps(s))
    if s["failed"]:
        print(f"FAILED: {', '.join(s['failed'])} ({b.run_dir})\n"
              f"reproduce: make fuzz-hypercalls N={a.n} SEED={a.seed}", file=sys.stderr)
    return 1 if s["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
