"""Experiment `boot`: cycles to every sandbox ready and boot-window exits, per sandbox count."""
from pathlib import Path

from experiments.deps import need

from . import gnuplot, load, markdown

EXP = "boot"


def table(results=load.RESULTS):
    """One row per (sandboxes, clock mode), medians over repetitions."""
    df = load.runs(EXP, results)
    ok = df[df["ok"]].copy()
    ok["exits_boot_per_sandbox"] = ok["exits_boot"] / ok["sandboxes"]
    ok["exits_probe_per_sandbox"] = ok["exits_probe"] / ok["sandboxes"]
    g = ok.groupby(["icount", "sandboxes"], as_index=False).agg(
        runs=("run", "count"), boot_cycles=("boot_cycles", "median"),
        monitor_cycles=("monitor_cycles", "median"), ready_wall_s=("ready_wall_s", "median"),
        tsc_hz=("tsc_hz", "median"),
        exits_boot_per_sandbox=("exits_boot_per_sandbox", "median"),
        exits_probe_per_sandbox=("exits_probe_per_sandbox", "median"))
    g["boot_ms"] = g["boot_cycles"] / g["tsc_hz"] * 1e3
    return g, len(df) - len(ok)


def section(results=load.RESULTS, published=None):
    """REPORT.md section; writes results/boot/boot.md and the boot-cycles plot."""
    g, failed = table(results)
    out = Path(results) / EXP
    rows = []
    for _, r in g.sort_values(["icount", "sandboxes"], ascending=[False, True]).iterrows():
        rows.append({"sandboxes": int(r.sandboxes),
                     "clock": "icount: instructions" if r.icount else "free TSC: host ticks",
                     "cycles to all ready": int(r.boot_cycles),
                     "of which monitor setup": int(r.monitor_cycles),
                     "TSC ms": r.boot_ms, "wall s to ready": r.ready_wall_s,
                     "exits/sandbox boot": r.exits_boot_per_sandbox,
                     "exits/sandbox probe": r.exits_probe_per_sandbox, "runs": int(r.runs)})
    pd = need("pandas")
    md = markdown.table(pd.DataFrame(rows), digits=2)
    series = []
    for icount, label in ((True, "icount (instructions)"), (False, "free-running TSC (host ticks)")):
        sub = g[g["icount"] == icount].sort_values("sandboxes")
        if len(sub):
            series.append((label, list(zip(sub["sandboxes"], sub["boot_cycles"] / 1e6))))
    # Log scales: the two clocks differ by two orders of magnitude; 1, 2, 4 sandboxes.
    figs = gnuplot.plot(out / "boot", series, "Boot: monitor entry to all sandboxes ready",
                        "sandboxes", "Mcycles", logx=True, logy=True, xtics="data")
    text = (f"## Boot time (`{EXP}`)\n\n"
            "Cycles from the monitor's first instruction until the last sandbox reported "
            "`sandbox_ready` (GRUB excluded), the monitor's own setup (CPU checks, TSC/LAPIC "
            "calibration against the PIT, AP start-up, config, nested tables), wall seconds "
            "from QEMU start (GRUB included), and VM exits per sandbox in the boot window "
            "(up to the probe's first hypercall) and in the isolation probe.\n\n"
            f"{md}\nPublished: no boot figure in the Quest-V sources.\n"
            f"Under icount the TSC counts guest instructions of all vCPUs (run round-robin), so "
            "more sandboxes lengthen it even though they start in parallel.\n"
            + (f"\n**{failed} run(s) failed**: see `results/{EXP}/runs.csv`.\n" if failed else "")
            + f"\n![boot]({EXP}/{figs[0].name}) ([svg]({EXP}/{figs[1].name}))\n")
    (out / f"{EXP}.md").write_text(text.replace(f"]({EXP}/", "]("))
    return text
