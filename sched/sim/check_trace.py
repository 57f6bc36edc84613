#!/usr/bin/python3
"""Check a sched-sim (or guest) trace against the VCPU scheduling rules.

usage: check_trace.py --taskset FILE [--tolerance-us X] [TRACE]   (TRACE defaults to stdin)
Exit 0 if the trace is consistent, 1 listing violations, 2 on bad input.

--tolerance-us X is for guest traces (sched/sim/guest_trace.py): a real
timer interrupt arrives a little late, so a VCPU may run up to X past its
budget (an overrun, recorded and never repaid; for an I/O VCPU, past U*T),
an I/O replenishment may be applied up to X after it fell due, a job may run up to X more than its
cost before it notices it is done, and deadline misses are checked only
for threads that fit their VCPU (there must be none). The simulator's
timers are exact: its traces are checked with X = 0.

Checked, per the rules in sched/sporadic.c, sched/pibs.c and the policies:
  * runs do not overlap, belong to admitted VCPUs and their threads;
  * Main VCPUs (sporadic servers, budget C, period T): replaying the trace,
    budget never goes negative nor above C; each replenishment repays exactly
    what its activation consumed, at exactly activation + T (later only when
    marked merged), never before; an activation consumes only the budget it
    started with (no premature replenishment), budget never exceeds C (no
    amplification); activations do not overlap; and in every window
    [a, a+T) starting at an activation a the VCPU runs at most C;
  * I/O VCPUs (PIBS, utilization U): an activation consumes at most U*T for
    the largest period it can inherit; the next activation starts no earlier
    than act + used/U, and the replenishment is applied exactly then (or
    when the activation ended, if that is later);
  * deadlines, recomputed from the runs (independently of the simulator's
    deadline_miss records, which must match): a periodic thread on an
    admitted Main VCPU that "fits" (every periodic thread on that VCPU has a
    period that is a multiple of T, and their costs sum to at most C) never
    misses a deadline;
  * best-effort VCPUs (vcpu NAME be) have no budget: only their runs'
    place in the sequence is checked;
  * the summary agrees with the records.
Times are microseconds with three decimals; they are read exactly as integer
nanoseconds (cycles of the simulator)."""
import argparse
import bisect
import json
import sys
from collections import defaultdict

PPM = 1000000
IO_DEFAULT_PERIOD = 10000 * 1000  # ns; sched/sim/sim.h SIM_IO_DEFAULT_PERIOD_US


def to_ns(text):
    whole, _, frac = text.partition(".")
    return int(whole) * 1000 + int((frac + "000")[:3])


def parse_taskset(text):
    """Minimal reader of the task-set format (the simulator validated it)."""
    vcpus, threads = {}, []
    for line in text.splitlines():
        tok = line.split("#", 1)[0].split()
        if not tok:
            continue
        if tok[0] == "vcpu" and tok[2] == "main":
            vcpus[tok[1]] = {"kind": "main", "C": int(tok[3]) * 1000, "T": int(tok[4]) * 1000}
        elif tok[0] == "vcpu" and tok[2] == "be":
            vcpus[tok[1]] = {"kind": "be"}
        elif tok[0] == "vcpu":
            whole, _, frac = tok[3].partition(".")
            vcpus[tok[1]] = {"kind": "io", "u": int(whole) * PPM + int((frac + "000000")[:6])}
        else:
            th = {"name": tok[1], "vcpu": tok[2], "kind": tok[3]}
            if tok[3] != "busy":
                th["c"], th["p"] = int(tok[4]) * 1000, int(tok[5]) * 1000
            threads.append(th)
    return vcpus, threads


def fits(vcpu, threads):
    periodic = [t for t in threads if t["kind"] == "periodic"]
    return (vcpu["kind"] == "main" and all(t["p"] % vcpu["T"] == 0 for t in periodic)
            and sum(t["c"] for t in periodic) <= vcpu["C"])


def busy_before(runs, x):
    """Execution before instant x in time-ordered, disjoint runs, each
    carrying "cum", the execution up to its own end."""
    i = bisect.bisect_right(runs, x, key=lambda r: r["from"])
    if i == 0:
        return 0
    return runs[i - 1]["cum"] - max(0, runs[i - 1]["to"] - x)


def ceil_div(a, b):
    return -(-a // b)


class Checker:
    def __init__(self, taskset_text, tolerance=0):
        self.vcpus, self.threads = parse_taskset(taskset_text)
        self.tol = tolerance   # ns
        self.errors = []

    def err(self, msg):
        self.errors.append(msg)

    def run(self, records):
        admitted = {r["vcpu"] for r in records if r["ev"] == "admit"}
        by_vcpu = defaultdict(list)
        runs = [r for r in records if r["ev"] == "run"]
        self.check_runs(runs, admitted)
        for r in records:
            if r["ev"] in ("run", "replenish"):
                by_vcpu[r["vcpu"]].append(r)
        for name in admitted:
            kind = self.vcpus[name]["kind"]
            if kind == "be":
                continue    # best effort: no budget to check
            check = self.check_main if kind == "main" else self.check_io
            check(name, by_vcpu[name], admitted)
        self.check_deadlines(records, runs, admitted)
        self.check_summary(records, admitted)
        return self.errors

    def check_runs(self, runs, admitted):
        owner = {t["name"]: t["vcpu"] for t in self.threads}
        end = 0
        for r in runs:
            if not r["from"] < r["to"] or r["from"] < end:
                self.err("run %s [%d,%d) empty or overlaps the previous run" % (r["vcpu"], r["from"], r["to"]))
            end = r["to"]
            if r["vcpu"] not in admitted or owner.get(r["thread"]) != r["vcpu"]:
                self.err("run of %s/%s: not an admitted VCPU and its thread" % (r["vcpu"], r["thread"]))

    def check_main(self, name, recs, admitted):
        C, T = self.vcpus[name]["C"], self.vcpus[name]["T"]
        budget, used = C, defaultdict(int)
        last_end = {}   # activation -> end of its last run
        start_budget = {}  # activation -> budget available when it began
        acts = []
        repaid = 0
        for r in recs:
            if r["ev"] == "replenish":
                a = r["act"]
                if r["merged"]:
                    if r["t"] < a + T:
                        self.err("%s: merged replenishment at %d before act %d + T" % (name, r["t"], a))
                elif r["t"] != a + T or abs(r["amount"] - used[a]) > self.tol:
                    self.err("%s: replenishment of %d at %d, expected %d at act %d + T = %d"
                             % (name, r["amount"], r["t"], used[a], a, a + T))
                repaid += r["amount"]
                due = sum(used[x] for x in acts if x + T <= r["t"])
                if repaid > due:
                    self.err("%s: %d repaid by %d but only %d consumed a period earlier (premature)"
                             % (name, repaid, r["t"], due))
                budget += r["amount"]
                if budget > C:
                    self.err("%s: budget %d above C=%d at %d (amplification)" % (name, budget, C, r["t"]))
                continue
            a, length = r["act"], r["to"] - r["from"]
            if not acts or acts[-1] != a:
                if acts and (a < acts[-1] or last_end[acts[-1]] > a):
                    self.err("%s: activation %d overlaps activation %d" % (name, a, acts[-1]))
                acts.append(a)
                start_budget[a] = budget
            if used[a] + length > start_budget[a] + self.tol:
                self.err("%s: activation %d consumed budget that arrived after it started "
                         "(premature replenishment)" % (name, a))
            if a > r["from"]:
                self.err("%s: run at %d before its activation %d" % (name, r["from"], a))
            budget -= length
            if budget < 0:
                if -budget > self.tol:
                    self.err("%s: ran %d beyond its budget at %d" % (name, -budget, r["to"]))
                budget = 0
            used[a] += length
            last_end[a] = r["to"]
        runs, cum = [r for r in recs if r["ev"] == "run"], 0
        for r in runs:
            cum += r["to"] - r["from"]
            r["cum"] = cum
        for a in acts:
            got = busy_before(runs, a + T) - busy_before(runs, a)
            if got > C + self.tol:
                self.err("%s: ran %d > C=%d in window [%d, %d)" % (name, got, C, a, a + T))

    def check_io(self, name, recs, admitted):
        u = self.vcpus[name]["u"]
        periods = [self.vcpus[v]["T"] for v in admitted if self.vcpus[v]["kind"] == "main"]
        cap = max(periods, default=IO_DEFAULT_PERIOD) * u // PPM
        used, order, end, charged = defaultdict(int), [], {}, {}
        for r in recs:
            if r["ev"] == "run":
                if not order or order[-1] != r["act"]:
                    order.append(r["act"])
                used[r["act"]] += r["to"] - r["from"]
                end[r["act"]] = r["to"]
                continue
            # Due at act + used/U (what was charged: a late timer's overrun
            # is not), or when the activation ended if that is later.
            due = max(r["act"] + ceil_div(r["used"] * PPM, u), end.get(r["act"], 0))
            if abs(r["used"] - used[r["act"]]) > self.tol or not due <= r["t"] <= due + self.tol:
                self.err("%s: replenishment at %d for act %d used %d (consumed %d): expected at %d"
                         % (name, r["t"], r["act"], r["used"], used[r["act"]], due))
            charged[r["act"]] = r["used"]
        for a in order:
            if used[a] > cap + self.tol:
                self.err("%s: activation %d consumed %d > U*T = %d" % (name, a, used[a], cap))
        for prev, nxt in zip(order, order[1:]):
            if nxt < prev + ceil_div(charged.get(prev, used[prev]) * PPM, u):
                self.err("%s: activation %d starts before %d + used/U" % (name, nxt, prev))

    def check_deadlines(self, records, runs, admitted):
        until = max([r["to"] for r in runs] + [r["t"] for r in records if "t" in r], default=0)
        reported = {(r["thread"], r["release"]) for r in records if r["ev"] == "deadline_miss"}
        found = set()
        for t in self.threads:
            if t["kind"] != "periodic" or t["vcpu"] not in admitted:
                continue
            mine = [r for r in runs if r["thread"] == t["name"]]
            done, jobs = 0, []   # cumulative execution at each run end
            for r in mine:
                done += r["to"] - r["from"]
                if done > (t["c"] + self.tol) * (r["from"] // t["p"] + 1):
                    self.err("%s ran %d, more than released by %d" % (t["name"], done, r["from"]))
                jobs.append((r["to"], done))
            k = 0
            while (k + 1) * t["p"] <= until:
                deadline = (k + 1) * t["p"]
                by = max([d for end, d in jobs if end <= deadline], default=0)
                if by < (k + 1) * t["c"]:
                    found.add((t["name"], k * t["p"]))
                k += 1
        if self.tol:
            found |= reported   # late timers blur the recount; fitting threads must have none
        elif found != {m for m in reported if m[1] + self.period_of(m[0]) <= until}:
            self.err("deadline misses recomputed from runs %s differ from reported %s"
                     % (sorted(found), sorted(reported)))
        for name, release in found:
            th = next(t for t in self.threads if t["name"] == name)
            mine = [t for t in self.threads if t["vcpu"] == th["vcpu"]]
            if fits(self.vcpus[th["vcpu"]], mine):
                self.err("%s missed the deadline of its job released at %d although it fits "
                         "its admitted VCPU %s" % (name, release, th["vcpu"]))

    def period_of(self, thread):
        return next(t["p"] for t in self.threads if t["name"] == thread)

    def check_summary(self, records, admitted):
        s = records[-1] if records else {}
        if s.get("ev") != "summary":
            self.err("trace does not end with a summary")
            return
        want = {"admitted": len(admitted),
                "rejected": sum(r["ev"] == "reject" for r in records),
                "deadline_misses": sum(r["ev"] == "deadline_miss" for r in records)}
        for key, value in want.items():
            if s.get(key) != value:
                self.err("summary %s = %r, trace says %r" % (key, s.get(key), value))
        if s.get("max_budget_overrun_us", 0) > self.tol:
            self.err("summary max_budget_overrun_us = %r, beyond the tolerance %r"
                     % (s.get("max_budget_overrun_us"), self.tol))


def load(lines):
    """Records of a JSON-lines trace, times as integer nanoseconds."""
    return json.loads("[%s]" % ",".join(line for line in lines if line.strip()),
                      parse_float=to_ns)


def check(trace_lines, taskset_text, tolerance_ns=0):
    """Violations (a list of strings; empty if none) of a trace."""
    return Checker(taskset_text, tolerance_ns).run(load(trace_lines))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--taskset", required=True)
    ap.add_argument("--tolerance-us", default="0", help="timer lateness allowed (guest traces)")
    ap.add_argument("trace", nargs="?", default="-")
    args = ap.parse_args()
    try:
        with open(args.taskset) as f:
            taskset = f.read()
        lines = sys.stdin if args.trace == "-" else open(args.trace)
        errors = check(lines, taskset, to_ns(args.tolerance_us))
    except (OSError, ValueError, KeyError, IndexError) as e:
        print("check_trace: cannot read input: %s" % e, file=sys.stderr)
        return 2
    for e in errors:
        print(e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
