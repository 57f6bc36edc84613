"""Experiment `recovery`: the NIC driver's recovery phase costs beside the slides' table.

Per clock (icount: instructions; free TSC: host time), phase and recovery
mode: the median of the phase's `recovery` records and their spread (10th
to 90th percentile, and the count), beside published.yaml's
recovery_phases; then per fault kind and mode how faults were found and
how long until the NIC served again.
"""
from pathlib import Path

from experiments.deps import need

from . import load, markdown

EXP = "recovery"
# Our phase names, in the slides' row order, and theirs in published.yaml.
PHASES = [("vm_exit", "vm_exit"), ("driver_switch", "driver_switch"),
          ("ipi_rtt", "ipi_round_trip"), ("vm_enter", "vm_enter"),
          ("driver_reinit", "driver_reinitialization"),
          ("network_reinit", "network_reinitialization")]
MODES = ("local", "remote")
CLOCKS = {"icount": "icount (instructions)", "tsc": "free TSC (host ticks)"}


def spread(values):
    """"median (p10-p90, n)" of a series; n/a when empty."""
    if values.empty:
        return "n/a"
    q = values.quantile([0.1, 0.5, 0.9])
    return f"{q[0.5]:,.0f} ({q[0.1]:,.0f}-{q[0.9]:,.0f}, n={len(values)})"


def phase_table(rec, published):
    """One row per phase: our figure per mode (one clock's records), then the slides'."""
    pd = need("pandas")
    pub = (published or {}).get("recovery_phases", {}).get("phases", {})
    rows = []
    for ours, theirs in PHASES:
        row = {"phase": ours}
        for mode in MODES:
            row[mode] = spread(rec[(rec["phase"] == ours) & (rec["mode"] == mode)]["cycles"])
        for mode in MODES:
            v = pub.get(theirs, {}).get(mode)
            row[f"slides {mode}"] = "—" if v is None else f"{float(v):,.0f}"   # 1.45e7: a YAML string
        rows.append(row)
    return pd.DataFrame(rows)


def kinds_table(faults, recovered):
    """Per (kind, mode): faults, how they were found, detection and recovery times (ms)."""
    pd = need("pandas")
    f = faults[faults["kind"] != "false-alarm"]
    r = recovered[recovered["kind"] != "false-alarm"]
    rows = []
    for (clock, kind, mode), g in f.groupby(["clock", "kind", "mode"]):
        rr = r[(r["clock"] == clock) & (r["kind"] == kind) & (r["mode"] == mode)]
        rows.append({"clock": clock, "kind": kind, "mode": mode, "faults": len(g),
                     "found by": ", ".join(sorted(g["detected_by"].unique())),
                     "detect ms median": g["detect_us"].median() / 1e3,
                     "recovered": int(rr["ok"].sum()),
                     "recovery ms median": rr["recovery_us"].median() / 1e3,
                     "recovery ms max": rr["recovery_us"].max() / 1e3})
    return pd.DataFrame(rows)


def _with_clock(df, runs):
    """df with the clock of the run that printed each record (its case's `clock`)."""
    return df.assign(clock=df["run"].map(runs.set_index("run")["clock"]))


def section(results=load.RESULTS, published=None):
    out = Path(results) / EXP
    runs = load.runs(EXP, results)
    rec = _with_clock(load.records(EXP, "recovery", results, ok_only=False), runs)
    text = [f"## Recovery phase costs (`{EXP}`)\n\n",
            "Each kind of NIC driver fault several times per mode (the *records* count in "
            "each cell), one at a time: *local* "
            "switches to the standby driver instance in the faulty sandbox, *remote* has the "
            "rescuer sandbox, woken by IPI, hand back the clean driver image it kept since "
            "boot. Cells: median (10th-90th percentile, records). *vm_exit* and *vm_enter* "
            "exist only for faults that exit to the monitor (wild-write: the nested page "
            "table refuses the store). The slides' figures are hardware cycles of a Core "
            "i5-2500K (their blank cells, probably merged across both columns, are shown "
            "as —); ours are not comparable in cycles (see *Execution mode*): under icount "
            "they are instruction path lengths, with a free TSC host time including QEMU's "
            "emulation and, for *ipi_rtt*, the wait until the rescuer's vCPU runs.\n\n"]
    if rec.empty:
        text.append("No recovery records: every run failed.\n")
    for clock, label in CLOCKS.items():
        part = rec[rec["clock"] == clock]
        if not part.empty:
            text += [f"**{label}**\n\n", markdown.table(phase_table(part, published)), "\n"]
            other = part[~part["mode"].isin(MODES)].drop_duplicates(["run", "seq"])
            if not other.empty:   # e.g. remote-failed: the rescuer did not answer in time
                text.append(f"Left out: {len(other)} recoveries in mode(s) "
                            f"{', '.join(sorted(other['mode'].unique()))} (the rescuer did not "
                            "hand back the image within 500 ms; the driver restarted its own "
                            "instance; the run fails its campaign check).\n\n")
    if not rec.empty:
        faults = _with_clock(load.records(EXP, "fault", results, ok_only=False), runs)
        recovered = _with_clock(load.records(EXP, "recovered", results, ok_only=False), runs)
        text += ["Per fault kind: how it was found (*exception*: containment of a #GP the "
                 "monitor reflected; *ring_check*: the driver's descriptor audit; *nmi*: the "
                 "rescuer's heartbeat watchdog), and the time from the faulty act until the "
                 "NIC served again (an ARP request to the gateway answered through the new "
                 "driver); under icount, virtual time.\n\n",
                 markdown.table(kinds_table(faults, recovered), digits=1)]
    failed = int((~runs["ok"]).sum())
    if failed:
        text.append(f"\n**{failed} run(s) failed** (their records are in the tables: a "
                    f"failed campaign check still leaves the phases measured): "
                    + "; ".join(runs[~runs["ok"]]["reason"].astype(str)) + "\n")
    text = "".join(text)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{EXP}.md").write_text(text)
    return text
