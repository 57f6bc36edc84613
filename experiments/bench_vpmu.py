"""The vPMU's cost (make bench-vpmu): slowdown over plain TCG, wall time against cachegrind.

    /usr/bin/python3 -m experiments.bench_vpmu [--bytes N] [--walk-passes N] [--chase-passes N]
                     [--real-size N] [--programs a,b] [--no-guest] [--no-real]

Each workload (a streaming walk, seq_walk, and a pointer chase, over 2x the
default 8 MiB LLC; about 1e9 guest instructions each by default) runs as
the measured region of exp=vpmu-validate in one sandbox under the monitor,
twice: in plain TCG (no plugin, no ivshmem device) and with the vPMU
counting. QEMU runs without -icount here, so the guest TSC is host time and
the region's wall seconds are (tsc_end - tsc_begin) / tsc_hz, boot excluded.
The same workload then runs on the host under cachegrind (pmc/cachegrind.sh,
same L1D/LLC geometry as the plugin's defaults), timed as a whole process.

Then the real programs of experiments/vpmu_real.py (unmodified Debian
binaries on a generated input), each timed as a whole process four ways,
one after the other: natively, under plain qemu-x86_64, under qemu-x86_64
with the plugin counting everything (count=all), and under cachegrind with
the same geometry.

Prints two tables; figures depend on the host's load (2 shared cores here).
"""
import argparse
import subprocess
import sys
import time
from pathlib import Path

from . import vpmu_real
from .vpmu_validate import PATH, ROOT, guest_regions

L1D, LLC = "32K:8:64", "8M:16:64"   # the plugin's defaults (pmc/qemu-plugin/vpmu_args.c)


def region_seconds(rec):
    return (rec["tsc_end"] - rec["tsc_begin"]) / rec["tsc_hz"]


def guest(workload, nbytes, passes, vpmu, build, results):
    """The region record of one uninstrumented (vpmu=False) or counted run."""
    regions, b = guest_regions([workload], nbytes, passes, L1D, LLC, build, results, timeout=1800,
                               memory="64M", icount=False, vpmu=vpmu,
                               name=f"bench-vpmu/{workload}-{'vpmu' if vpmu else 'tcg'}")
    if workload not in regions:
        raise RuntimeError(f"no region for {workload} in {b.run_dir}")
    return regions[workload]


def cachegrind_seconds(workload, nbytes, passes, build):
    t0 = time.monotonic()
    subprocess.run([str(ROOT / "pmc/cachegrind.sh"), "--l1d", L1D, "--llc", LLC,
                    str(Path(build) / "pmc-workload"), workload, str(nbytes), str(passes)],
                   check=True, capture_output=True, env={"PATH": PATH})
    return time.monotonic() - t0


def real_rows(names, size, work, build):
    """(program, instructions, native_s, qemu_s, vpmu_s, cachegrind_s) per program."""
    progs = vpmu_real.programs(work, size)
    rows = []
    for name in names:
        argv, stdin = progs[name]
        native = vpmu_real.timed(argv, stdin)
        plain = vpmu_real.timed(["qemu-x86_64", "-cpu", vpmu_real.CPU] + argv, stdin)
        vp, vp_s = vpmu_real.plugin(argv, stdin, L1D, LLC, work / f"{name}.vpmu.jsonl",
                                    Path(build) / "vpmu.so")
        _, cg_s = vpmu_real.cachegrind(argv, stdin, L1D, LLC, work / f"{name}.cg")
        rows.append((name, vp["instructions"], native, plain, vp_s, cg_s))
    return rows


def print_guest(rows, nbytes):
    print(f"vPMU cost: {nbytes >> 20} MiB buffer, L1D {L1D}, LLC {LLC}; QEMU TCG without -icount, "
          "one sandbox under NPT; cachegrind = whole host process")
    print(f"{'workload':14} {'guest_instr':>12} {'tcg_s':>8} {'vpmu_s':>8} {'slowdown':>9} "
          f"{'cachegrind_s':>13} {'vpmu/cg':>8}")
    for w, instr, t_plain, t_vpmu, t_cg in rows:
        print(f"{w:14} {instr:>12} {t_plain:>8.2f} {t_vpmu:>8.2f} {t_vpmu / t_plain:>8.2f}x "
              f"{t_cg:>13.2f} {t_vpmu / t_cg:>7.2f}x")


def print_real(rows, size):
    print(f"\nreal programs: input {size} bytes, L1D {L1D}, LLC {LLC}; wall seconds of the whole process; "
          f"qemu-x86_64 -cpu {vpmu_real.CPU}, plugin count=all")
    print(f"{'program':8} {'instr':>12} {'native_s':>9} {'qemu_s':>7} {'vpmu_s':>7} {'cg_s':>7} "
          f"{'vpmu/qemu':>10} {'vpmu/cg':>8}")
    for name, instr, native, plain, vp, cg in rows:
        print(f"{name:8} {instr:>12} {native:>9.2f} {plain:>7.2f} {vp:>7.2f} {cg:>7.2f} "
              f"{vp / plain:>9.2f}x {vp / cg:>7.2f}x")


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m experiments.bench_vpmu", description=__doc__.splitlines()[0])
    ap.add_argument("--build", default=str(ROOT / "build"))
    ap.add_argument("--results", default=str(ROOT / "results"))
    ap.add_argument("--bytes", type=int, default=16 << 20, help="buffer (default 16 MiB: 2x the LLC)")
    ap.add_argument("--walk-passes", type=int, default=96, help="seq_walk: ~10.5M instructions per 16 MiB pass")
    ap.add_argument("--chase-passes", type=int, default=640, help="pointer_chase: ~1.6M per 16 MiB pass")
    ap.add_argument("--real-size", type=int, default=1 << 20, help="real programs' input bytes")
    ap.add_argument("--programs", default="xz,bzip2,sort,perl,python3")
    ap.add_argument("--no-guest", action="store_true", help="only the real programs")
    ap.add_argument("--no-real", action="store_true", help="only the in-guest workloads")
    a = ap.parse_args(argv)
    rows = []
    for workload, passes in () if a.no_guest else (("seq_walk", a.walk_passes),
                                                   ("pointer_chase", a.chase_passes)):
        plain = guest(workload, a.bytes, passes, False, a.build, a.results)
        counted = guest(workload, a.bytes, passes, True, a.build, a.results)
        cg = cachegrind_seconds(workload, a.bytes, passes, a.build)
        rows.append((workload, counted["instructions"], region_seconds(plain), region_seconds(counted), cg))
    if rows:
        print_guest(rows, a.bytes)
    if not a.no_real:
        work = Path(a.results) / "bench-vpmu/real"
        work.mkdir(parents=True, exist_ok=True)
        print_real(real_rows(a.programs.split(","), a.real_size, work, a.build), a.real_size)
    return 0


if __name__ == "__main__":
    sys.exit(main())
