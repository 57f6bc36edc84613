"""python3 -m experiments: define, run and collect experiments.

    list                          the experiments in experiments/configs/
    show NAME                     its description, settings and runs, with their state
    run NAME... [-j N] [--rerun] [--full]
                                  boot every run not yet complete, as one batch (runs under
                                  a load one at a time, the others beside them); --full: the
                                  files' longer versions; exit status = failed runs
    sweep NAME [--slurm DIR]      the runs, numbered; or write a Slurm array job for them
    build NAME                    build its images and ISOs only (before a cluster batch)
    collect NAME                  rewrite results/NAME/runs.csv from the runs' folders

NAME is an experiment in experiments/configs/ or a path to a .yaml file.
Use Debian's interpreter (/usr/bin/python3), or `make exp E=NAME`. Exit status:
0 all ok, N = N runs failed (at most 100), 101 = invalid experiment file.
"""
import argparse
import json
import os
import sys

from . import runner, slurm, spec as specs
from .deps import need
from .errors import SpecError

MAX_STATUS = 100   # exit status counts failed runs, capped below the shell's special values
INVALID = 101      # an invalid experiment file (the message names the key)


def _state(results, run):
    o = runner.latest_outcome(results, run)
    return "missing" if o is None else ("ok" if o["ok"] else "FAILED: " + o["reason"])


def cmd_list(a):
    for name in specs.names():
        try:
            s = specs.load(name)
            print(f"{name:12} {len(s.runs):3} runs  {s.description}")
        except SpecError as e:
            print(f"{name:12} INVALID  {e}")
    return 0


def cmd_show(a):
    s = specs.load(a.name)
    print(f"{s.name}: {s.description}\nfile: {s.path}\nruns: {len(s.runs)}")
    for i, r in enumerate(s.runs):
        print(f"  {i:3} {r.key:40} sched={r.sched} pmc={r.pmc} emulator={r.emulator} "
              f"qemu={json.dumps(r.qemu)} timeout={r.timeout:g}s  [{_state(a.results, r)}]")
    return 0


def cmd_run(a):
    batch = [specs.load(name, full=a.full) for name in a.names]
    indices = None
    if a.index:
        if len(batch) != 1:
            raise SpecError("--index", "selects runs of one experiment: name one")
        s = batch[0]
        if any(not 0 <= i < len(s.runs) for i in a.index):
            raise SpecError("--index", f"{s.name} has runs 0..{len(s.runs) - 1}")
        indices = {s.name: a.index}
    _, failed = runner.execute_set(batch, a.results, a.jobs, a.rerun, indices,
                                   build=not a.no_build)
    if failed:
        print(f"{failed} run(s) failed", file=sys.stderr)
    return min(failed, MAX_STATUS)


def cmd_sweep(a):
    s = specs.load(a.name)
    if a.slurm:
        array, submit = slurm.write(s, a.slurm, os.path.abspath(a.results), runner.ROOT)
        print(f"wrote {array}\nwrote {submit}  (run it on the cluster's submit host)")
        return 0
    for i, r in enumerate(s.runs):
        print(f"{i:3} {r.key:40} {json.dumps(r.params)}")
    return 0


def cmd_build(a):
    s = specs.load(a.name)
    ready = runner.prepare(a.results, s.runs, print)
    print(f"{len(ready)}/{len(s.runs)} runs have their ISO")
    return 0 if len(ready) == len(s.runs) else 1


def cmd_collect(a):
    s = specs.load(a.name)
    rows, missing = runner.collect(a.results, s)
    failed = [r["run"] for r in rows if r["ok"] != "True"]
    print(f"{s.name}: {len(rows)} runs collected, {len(failed)} failed, {len(missing)} missing")
    for key in failed:
        print(f"  failed: {key}")
    for key in missing:
        print(f"  missing: {key}")
    return min(len(failed) + len(missing), MAX_STATUS)


def main(argv=None):
    need("yaml")
    ap = argparse.ArgumentParser(prog="python3 -m experiments", description=__doc__.splitlines()[0],
                                 epilog="\n".join(__doc__.splitlines()[2:]),
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--results", default=str(runner.RESULTS), help="results folder")
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("list", parents=[common]).set_defaults(fn=cmd_list)
    p = sub.add_parser("show", parents=[common])
    p.add_argument("name")
    p.set_defaults(fn=cmd_show)
    p = sub.add_parser("run", parents=[common])
    p.add_argument("names", nargs="+", metavar="NAME")
    p.add_argument("-j", "--jobs", type=int, default=os.cpu_count(), help="parallel runs")
    p.add_argument("--rerun", action="store_true", help="run complete runs again too")
    p.add_argument("--index", type=int, action="append", help="only run number I (repeatable)")
    p.add_argument("--no-build", action="store_true", help="use the images already built")
    p.add_argument("--full", action="store_true", help="the longer version of each file (its `full`)")
    p.set_defaults(fn=cmd_run)
    p = sub.add_parser("sweep", parents=[common])
    p.add_argument("name")
    p.add_argument("--slurm", metavar="DIR", help="write a Slurm array job into DIR")
    p.set_defaults(fn=cmd_sweep)
    for name, fn in (("build", cmd_build), ("collect", cmd_collect)):
        p = sub.add_parser(name, parents=[common])
        p.add_argument("name")
        p.set_defaults(fn=fn)
    a = ap.parse_args(argv)
    try:
        return a.fn(a)
    except SpecError as e:
        print(f"error: {e}", file=sys.stderr)
        return INVALID


if __name__ == "__main__":
    sys.exit(main())
