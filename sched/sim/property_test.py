#!/usr/bin/python3
"""Property test: random task sets through sched-sim, every trace checked.

usage: property_test.py SCHED_SIM [--sets N] [--seed S] [--jobs J]
First self-tests: sched-sim refuses bad input with status 2, and the checker
accepts a genuine trace but flags tampered copies of it.  Then, for every
policy, N random task sets (fixed seed) are simulated; every trace must pass
check_trace (which includes: threads that fit their admitted VCPU never miss
a deadline).  Exit 1 on any failure."""
import argparse
import json
import multiprocessing
import os
import random
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_trace  # noqa: E402

POLICIES = ("rm", "edf", "memguard", "cache-aware")
PERIODS_US = (1000, 2000, 2500, 4000, 5000, 8000, 10000)
UNTIL_US = 40000


def gen(rng):
    """A random task set: some VCPU sets fit under the bounds, some do not;
    most Main VCPUs get threads that fit, some get threads that cannot."""
    lines, n = [], 0
    for i in range(rng.randint(1, 5)):
        T = rng.choice(PERIODS_US)
        C = rng.randint(1, max(1, int(T * rng.uniform(0.02, 0.6))))
        lines.append("vcpu m%d main %d %d" % (i, C, T))
        left = C if rng.random() < 0.3 else rng.randint(1, C)
        for _ in range(rng.randint(0, 2)):
            if left == 0:
                break
            c = rng.randint(1, left)
            left -= c
            lines.append("thread t%d m%d periodic %d %d" % (n, i, c, T * rng.choice((1, 1, 2, 3))))
            n += 1
        if rng.random() < 0.1:   # does not fit: misses allowed, must be reported
            lines.append("thread t%d m%d periodic %d %d" % (n, i, C + rng.randint(1, T), T))
            n += 1
        if rng.random() < 0.25:  # out of phase with T: splits activations
            lines.append("thread t%d m%d periodic %d %d" % (n, i, rng.randint(1, C),
                                                           rng.randint(T // 3, 2 * T)))
            n += 1
        if rng.random() < 0.4:
            lines.append("thread t%d m%d busy" % (n, i))
            n += 1
    for j in range(rng.choice((0, 0, 1, 1, 2))):
        lines.append("vcpu io%d io 0.%02d" % (j, rng.randint(1, 30)))
        if rng.random() < 0.2:
            lines.append("thread t%d io%d busy" % (n, j))
        else:
            lines.append("thread t%d io%d io-burst %d %d" % (n, j, rng.randint(10, 800),
                                                            rng.randint(100, 5000)))
        n += 1
    for k in range(rng.choice((0, 0, 1, 2))):   # best effort: never refused, never in the way
        lines.append("vcpu b%d be" % k)
        if rng.random() < 0.5:
            lines.append("thread t%d b%d busy" % (n, k))
        else:
            lines.append("thread t%d b%d periodic %d %d" % (n, k, rng.randint(1, 3000),
                                                           rng.choice(PERIODS_US)))
        n += 1
    return "\n".join(lines) + "\n"


def one(job):
    sim, policy, seed = job
    taskset = gen(random.Random(seed))
    out = subprocess.run([sim, "--policy", policy, "--taskset", "-", "--until", str(UNTIL_US),
                          "--seed", str(seed)], input=taskset, capture_output=True, text=True)
    if out.returncode != 0:
        return policy, seed, taskset, ["sched-sim exit %d: %s" % (out.returncode, out.stderr)], None
    lines = out.stdout.splitlines()
    errors = check_trace.check(lines, taskset)
    return policy, seed, taskset, errors, check_trace.load(lines[-1:])[0]


SELF_TEST_SET = """vcpu A main 2000 10000
vcpu B main 2000 5000
vcpu N io 0.1
thread a A periodic 1500 10000
thread s A busy
thread b B periodic 1000 5000
thread late B periodic 1500 5000
thread n N io-burst 300 2000
"""


def us(ns):
    return "%d.%03d" % divmod(ns, 1000)


def dump(rec):
    return "{%s}" % ",".join('"%s":%s' % (k, us(v) if isinstance(v, int) and k not in
                                           ("admitted", "rejected", "deadline_misses") else
                                           json.dumps(v)) for k, v in rec.items())


def checker_self_test(sim):
    """The checker must accept a real trace and flag tampered copies of it."""
    out = subprocess.run([sim, "--policy", "rm", "--taskset", "-", "--until", "30000"],
                         input=SELF_TEST_SET, capture_output=True, text=True, check=True)
    recs = check_trace.load(out.stdout.splitlines())
    problems = check_trace.Checker(SELF_TEST_SET).run(recs)
    if problems:
        return ["checker rejects a valid trace: %s" % problems]

    def first(ev, vcpu):
        return next(i for i, r in enumerate(recs) if r["ev"] == ev and r.get("vcpu") == vcpu)

    def tampered(index, change):
        copy = [dict(r) for r in recs]
        change(copy[index]) if index is not None else change(copy)
        return check_trace.Checker(SELF_TEST_SET).run(check_trace.load(map(dump, copy)))

    cases = {
        "run past budget": tampered(first("run", "A"), lambda r: r.update(to=r["to"] + 600000)),
        "premature replenishment": tampered(first("replenish", "B"),
                                            lambda r: r.update(t=r["t"] - 1)),
        "amplified replenishment": tampered(first("replenish", "A"),
                                            lambda r: r.update(amount=r["amount"] + 1)),
        "PIBS eligibility too early": tampered(first("replenish", "N"),
                                               lambda r: r.update(t=r["t"] - 1)),
        "unreported deadline miss": tampered(None, lambda rs: rs.remove(
            next(r for r in rs if r["ev"] == "deadline_miss"))),
    }
    return ["checker missed: %s" % name for name, found in cases.items() if not found]


def cli_self_test(sim):
    """Bad task sets and policies exit 2 naming the problem, simulating nothing."""
    broken = []
    for args, text, needle in (
            (["--policy", "rm"], "vcpu A main 5 10\nvcpu B main 0 10\n", "line 2:"),
            (["--policy", "rm"], "# ok\nthread t X busy\n", "line 2:"),
            (["--policy", "nope"], "vcpu A main 5 10\n", "policies: rm edf")):
        out = subprocess.run([sim] + args + ["--taskset", "-", "--until", "100"], input=text,
                             capture_output=True, text=True)
        if out.returncode != 2 or out.stdout or needle not in out.stderr:
            broken.append("sched-sim %s on %r: status %d, stdout %r, stderr %r"
                          % (args, text, out.returncode, out.stdout[:80], out.stderr))
    return broken


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("sim")
    ap.add_argument("--sets", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = ap.parse_args()
    broken = cli_self_test(args.sim) + checker_self_test(args.sim)
    for b in broken:
        print(b)
    if broken:
        return 1
    print("self-tests: bad input exits 2; checker accepts a valid trace and "
          "detects 5 kinds of tampering")
    jobs = [(args.sim, p, args.seed + i) for p in POLICIES for i in range(args.sets)]
    stats = {p: {"sets": 0, "all_admitted": 0, "some_rejected": 0, "misses": 0} for p in POLICIES}
    failed = 0
    with multiprocessing.Pool(args.jobs) as pool:
        for policy, seed, taskset, errors, summary in pool.imap_unordered(one, jobs, chunksize=64):
            s = stats[policy]
            s["sets"] += 1
            if summary:
                s["all_admitted" if summary["rejected"] == 0 else "some_rejected"] += 1
                s["misses"] += summary["deadline_misses"]
            if errors:
                failed += 1
                if failed <= 3:
                    print("FAIL policy=%s seed=%d\n%s%s" % (policy, seed, taskset,
                                                            "\n".join(errors[:10])))
    for p, s in stats.items():
        print("%s: %d task sets, %d fully admitted, %d with rejections, "
              "%d deadline misses (all by threads that do not fit)" % (
                  p, s["sets"], s["all_admitted"], s["some_rejected"], s["misses"]))
    print("property test: %s (%d failing sets)" % ("FAIL" if failed else "PASS", failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
