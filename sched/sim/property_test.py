#!/usr/bin/python3
"""Property test: random task sets through sched-sim, every trace checked.

usage: property_test.py SCHED_SIM [--sets N] [--seed S] [--jobs J]
For each policy linked into the simulator, N random task sets (fixed seed)
are simulated; every trace must pass check_trace (which includes: threads
that fit their admitted VCPU never miss a deadline).  Exit 1 on any failure."""
import argparse
import multiprocessing
import os
import random
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_trace  # noqa: E402

POLICIES = ("rm", "edf")
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("sim")
    ap.add_argument("--sets", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = ap.parse_args()
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
