"""results/REPORT.md: every experiment that has results, beside the published figures."""
import datetime
from pathlib import Path

from . import boot, load, published, shared_driver, tlb, vm_exits
from . import cache_interference, recovery, webserver_fault, webserver

# The paper set, in report order: (experiment, its section writer). Later issues append theirs.
SECTIONS = [(boot.EXP, boot.section), (vm_exits.EXP, vm_exits.section),
            (tlb.EXP, tlb.section),
            (cache_interference.EXP, cache_interference.section)]
SECTIONS += [(webserver.EXP, webserver.section),
             (shared_driver.EXP, shared_driver.section)]
SECTIONS += [(recovery.EXP, recovery.section),
             (webserver_fault.EXP, webserver_fault.section)]


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
            parts.append(section(results, pub))
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
    if missing:
        head.append("Not run yet: " + ", ".join(f"`{m}` (`make exp E={m}`)" for m in missing) + "\n")
    path = Path(out) if out else results / "REPORT.md"
    path.write_text("\n".join(head) + "\n" + "\n".join(parts))
    return path, done, missing
