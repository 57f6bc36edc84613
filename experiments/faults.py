"""The fault campaign: `make faults N=10000 [SEED=1] [IOMMU=vtd]` (experiments/configs/faults.yaml, N faults).

    /usr/bin/python3 -m experiments.faults -n 10000 --seed 1 [--iommu vtd]

Runs the experiment `faults` once with its fault count, seed and timeout
taken from the command line, showing the faults as they are recovered,
and prints the run's last record: the campaign verdict
(experiments/campaign.py). Exit status 0 only when every fault was found
and recovered and every check held (no record lost, no kernel code
changed); otherwise 1, with the seed that reproduces the campaign.
"""
import argparse
import json
import sys

from . import runner, spec as specs
from .deps import need
from .records import read_jsonl

NAME = "faults"
BASE_S = 60             # boot, checks, the end of the run
PER_FAULT_S = 0.12      # measured ~45 ms per fault (20 ms gaps, 1 in 4 a 50 ms hang): margin


def timeout_s(n):
    """The run's timeout for n faults."""
    return BASE_S + n * PER_FAULT_S


def campaign_spec(n, seed, path=None, iommu="none"):
    """faults.yaml with n faults from seed, its timeout sized from n; iommu vtd: on
    q35 with Intel VT-d (experiments/qemu.py machine_args)."""
    path = path or specs.path_of(NAME)
    raw = need("yaml").safe_load(path.read_text())
    raw["fault"] = {**raw["fault"], "count": n, "seed": seed}
    if iommu != "none":
        raw["qemu"] = {**(raw.get("qemu") or {}), "iommu": iommu}
    raw["timeout"] = timeout_s(n)
    s = specs.parse(raw, NAME, specs.policies())
    s.path = path
    return s


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m experiments.faults",
                                 description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=10000, help="faults to inject")
    ap.add_argument("--seed", type=int, default=1, help="the random sequence (kinds, gaps)")
    ap.add_argument("--iommu", choices=("none", "vtd"), default="none",
                    help="vtd: boot q35 with Intel VT-d confining the NIC")
    ap.add_argument("--results", default=str(runner.RESULTS))
    a = ap.parse_args(argv)
    s = campaign_spec(a.n, a.seed, iommu=a.iommu)
    print(f"{NAME}: {a.n} faults, seed {a.seed}, timeout {timeout_s(a.n):.0f} s", file=sys.stderr)
    _, failed = runner.execute(s, a.results, jobs=1, rerun=True)
    run_dir = runner.run_root(a.results, s.runs[0]) / "latest"
    recs = read_jsonl(run_dir / "records.jsonl") if (run_dir / "records.jsonl").exists() else []
    last = recs[-1] if recs else {}
    if last.get("ev") != "campaign":
        print(f"no campaign record: the run failed ({run_dir})", file=sys.stderr)
        return 1
    print(json.dumps({k: v for k, v in last.items() if k != "src"}))
    if failed:
        reason = json.loads((run_dir / "outcome.json").read_text())["reason"]
        machine = f" IOMMU={a.iommu}" if a.iommu != "none" else ""
        print(f"FAILED: {reason}\nreproduce: make faults N={a.n} SEED={last['seed']}{machine}",
              file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
