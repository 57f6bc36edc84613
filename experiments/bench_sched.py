"""Scheduling-decision cost inside a sandbox (make bench).

Boots one sandbox that runs the kernel's "schedbench" experiment (the same
sched/bench.c as the host's build/sched-bench) and prints its figures.
Under -icount the guest TSC counts instructions, so these are path lengths
of the scheduler code in the sandbox kernel, not hardware cycles.
"""
import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from .boot import ROOT, boot

CONFIG = """[sandbox 0]
core = 0
memory = 32M
console = com1
args = "exp=schedbench steady_ms=0 decisions={decisions}"
"""


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m experiments.bench_sched", description=__doc__.splitlines()[0])
    ap.add_argument("--build", default=str(ROOT / "build"), help="build directory with monitor.elf and kernel.elf")
    ap.add_argument("--decisions", type=int, default=20000, help="decisions per measurement (default 20000)")
    a = ap.parse_args(argv)
    if a.decisions < 1:
        ap.error("--decisions must be at least 1")
    with tempfile.TemporaryDirectory() as tmp:
        conf, iso = Path(tmp) / "bench.conf", Path(tmp) / "bench.iso"
        conf.write_text(CONFIG.format(decisions=a.decisions))
        subprocess.run([str(ROOT / "scripts/mkiso.sh"), str(conf), str(iso)], check=True,
                       env={"BUILD": a.build, "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"})
        b = boot(iso, "bench-sched", config=str(conf), timeout=300, smp=1)
    rows = b.ev("schedbench")
    if not b.ok or len(rows) != 6:
        print(f"bench-sched: the guest run failed; see {b.run_dir}", file=sys.stderr)
        return 1
    print("in a sandbox, -icount shift=0 (TSC = instructions):")
    print(f"{'policy':6} {'periods':7} {'vcpus':>6} {'decisions':>10} {'mean_insns':>11} {'max_insns':>10} "
          f"{'median_batch':>13}")
    for r in rows:
        print(f"{r['policy']:6} {r['periods']:7} {r['vcpus']:>6} {r['decisions']:>10} "
              f"{r['mean_cycles']:>11} {r['max_cycles']:>10} {r['median_batch_cycles']:>13}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
