"""results/REPORT.md: every experiment that has results, beside the published figures."""
import datetime
import json
from pathlib import Path

from . import boot, load, published, shared_driver, tlb, vm_exits
from . import cache_interference, iommu, recovery, webserver_fault, webserver

# The paper set, in report order: (experiment, its section writer). Later issues append theirs.
SECTIONS = [(boot.EXP, boot.section), (vm_exits.EXP, vm_exits.section),
            (tlb.EXP, tlb.section),
            (cache_interference.EXP, cache_interference.section)]
SECTIONS += [(webserver.EXP, webserver.section),
             (shared_driver.EXP, shared_driver.section)]
SECTIONS += [(recovery.EXP, recovery.section),
             (webserver_fault.EXP, webserver_fault.section)]
SECTIONS += [(iommu.EXP, iommu.section)]


# How firm each experiment's figures are: what repeats exactly, what moves with the host.
FIRMNESS = {
    "boot": "icount rows are exact (the same instructions every run); free-TSC rows are one "
            "run each in host time and move by tens of percent with the host's load.",
    "vm-exits": "exit counts are exact; icount cycles are exact; free-TSC cycles are one run "
                "in host time.",
    "tlb": "icount: exact, one run; free TSC: the median of three runs in host time, noisy on "
           "a shared host.",
    "cache-interference": "icount and the vPMU's cache model are deterministic: one run per "
                          "point gives the same counts every time (memguard's periods "
                          "excepted: when its overflow interrupt arrives depends on how soon "
                          "the host runs QEMU's main loop); 200 ms of schedule is ~20 jobs of "
                          "the real-time task, the full version's 1.1 s 110.",
    "webserver": "one run; whether the guest keeps 120 req/s (and its errors) is firm, reply "
                 "times and late seconds follow the host's load (see the load average).",
    "shared-driver": "ab runs back to back in one boot: their spread says how well they agree; "
                     "rates are this host's (QEMU's user network, host load).",
    "recovery": "icount phases are exact per fault kind (the median of 5 per kind and mode); "
                "free-TSC phases are host time including emulation, noisy.",
    "webserver-fault": "one run per mode; the outage is resolved to the per-call times "
                       "(a reply every ~8 ms at 120 req/s); fault marks are placed within "
                       "~10 ms; reply times follow the host's load.",
    "iommu": "one run per machine and kind; which faults are found, recovered and recorded, "
             "and the interrupts that reach the other sandbox (one per message: distinct "
             "vectors), repeat exactly; recovery times are host time, noisy.",
}


def timing(results, name):
    """How long the experiment's runs took and how busy the host was: one paragraph."""
    df = load.runs(name, results)
    text = (f"*Ran*: {len(df)} run(s), {df['wall_s'].sum():.0f} s of emulator wall time "
            f"(longest {df['wall_s'].max():.0f} s)")
    if "cpu_s" in df and df["cpu_s"].notna().any():
        # CPU time hardly grows on a busy host: what an idle machine would need.
        text += f" and {df['cpu_s'].sum():.0f} s of its CPU time"
    if "host_load_1m" in df and df["host_load_1m"].notna().any():
        lo, hi = df["host_load_1m"].min(), df["host_load_1m"].max()
        text += f", host load average {lo:.1f}-{hi:.1f} (1 min, at run ends; 2 cores)"
    text += "."
    if name in FIRMNESS:
        text += f" *Firmness*: {FIRMNESS[name]}"
    return text + "\n"


def span(results, names):
    """Seconds from the first run's start to the last run's end over names' runs, or None
    (runs from before run ends were stamped)."""
    starts, ends = [], []
    for name in names:
        df = load.runs(name, results)
        if "ended_at" not in df or df["ended_at"].isna().all():
            return None
        ends += list(df["ended_at"])
        starts += list(df["ended_at"] - df["wall_s"])
    return max(ends) - min(starts) if ends else None


def _revisions(results, names):
    """{(git revision, dirty)} of the runs the report draws on."""
    revs = set()
    for name in names:
        for _, r in load.runs(name, results).iterrows():
            revs.add((str(r.get("git_revision")), str(r.get("git_dirty"))))
    return revs


def write(results=load.RESULTS, out=None):
    """Write the report; returns (path, experiments included, experiments missing)."""
    results = Path(results)
    pub = published.load()
    parts, done, missing = [], [], []
    for name, section in SECTIONS:
        try:
            parts.append(section(results, pub) + "\n" + timing(results, name))
            done.append(name)
        except load.NoResults:
            missing.append(name)
    revs = sorted(_revisions(results, done))
    head = ["# Quest-V testbed: reproduced results\n",
            f"Generated {datetime.datetime.now().isoformat(timespec='seconds')} by "
            "`make reproduce` from `results/`.\n",
            "Source revision(s) of the runs: "
            + ", ".join(f"`{r[:12]}`{' (dirty tree)' if d == 'True' else ''}" for r, d in revs) + "\n",
            "**Execution mode.** Everything runs under QEMU TCG. With `-icount shift=0` (marked "
            "*icount*) the TSC advances one tick per guest instruction: figures are deterministic "
            "software path lengths, not hardware cycles. Without icount (marked *free TSC*) the "
            "TSC is host time: figures include QEMU's emulation cost. TCG charges nothing for "
            "VMRUN/#VMEXIT, cache or TLB misses, so no figure here is comparable in cycles with "
            "the published hardware numbers; the shapes and counts (e.g. zero exits) are.\n"]
    batch = results / "batch.json"
    if batch.exists():
        b = json.loads(batch.read_text())
        head.append(f"**Last batch**: {', '.join(b['experiments'])} ({b['runs']} runs, "
                    f"{b['profile']} version, -j {b['jobs']}): {b['seconds'] / 60:.1f} min, image "
                    f"builds included; host load average {b['host_load_1m']:.1f} at its end "
                    "(1 min, 2 cores).\n")
    took = span(results, done)
    if took is not None:
        head.append(f"**Runs**: {took / 60:.1f} min from the first run's start to the last "
                    "one's end (image builds before the first run not included); each section "
                    "says how long its runs took and how firm its figures are.\n")
    if missing:
        head.append("Not run yet: " + ", ".join(f"`{m}` (`make exp E={m}`)" for m in missing) + "\n")
    path = Path(out) if out else results / "REPORT.md"
    path.write_text("\n".join(head) + "\n" + "\n".join(parts))
    return path, done, missing
