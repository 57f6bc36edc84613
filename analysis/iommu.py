"""Experiments `iommu` and `iommu-cost`: NIC driver faults, and the web server,
with and without an IOMMU.

`iommu`, per machine (q35 + VT-d, q35 + AMD-Vi, pc without an IOMMU) and fault kind (one
run each): faults injected, how they were found, recovered, the DMA faults
the monitor recorded from VT-d's fault-recording registers, whether every
kernel's code checksum held, the time until the NIC served again, and the
interrupts the other sandboxes received that nobody there sent (their
`interrupts` records at the end of the run: stray vectors, NMIs).

`iommu-cost`, per machine: httperf's reply time against the driver sandbox
and that sandbox's cycles per frame (net_stats: busy cycles of its network
loop / frames it handled).
"""
from pathlib import Path

from experiments.deps import need

from . import load, markdown
from .sections import finish_section

EXP = "iommu"
COST = "iommu-cost"
MACHINES = {"vtd": "q35 + Intel VT-d", "amdvi": "q35 + AMD-Vi", "none": "pc, no IOMMU"}
WINDOW_KIND = "dma-irq"       # the one kind aimed at the interrupt window
BASELINE_KIND = "bad-dma"     # its run on the same machine counts what every run gets


def others_interrupts(interrupts, driver):
    """Per run: stray interrupts and NMIs the sandboxes other than the driver counted."""
    others = interrupts[interrupts["sandbox"] != driver]
    return others.groupby("run").agg(stray=("stray", "sum"), nmis=("nmis", "sum"))


def window_dmas(strikes, runs, faults):
    """dma-irq: how many of its faults' frames the device took (`strike` records), and
    the most attempts one needed (QEMU's e1000 drops frames for 1 s after the NIC's
    start, so the first strike may be tried again)."""
    s = strikes[strikes["run"].isin(runs)] if not strikes.empty else strikes
    return f"{len(s)}/{faults}" + (f" ({int(s['tries'].max())})" if len(s) else "")


def kinds_table(faults, recovered, integrity, interrupts, driver=0, strikes=None):
    """One row per (machine, kind); dma_fault records from the driver's `fault`
    records (dma_faults: what the monitor recorded for it since the last fault).
    Interrupts at the other sandboxes: the run's totals, and for dma-irq what it
    adds per fault over the bad-dma run of the same machine, and how many of its
    frames the device took (window_dmas; strikes: the `strike` records)."""
    pd = need("pandas")
    strikes = pd.DataFrame(columns=["run", "tries"]) if strikes is None else strikes
    irq = others_interrupts(interrupts, driver) if not interrupts.empty else pd.DataFrame(
        columns=["stray", "nmis"])
    rows = []
    for (iommu, kind), f in faults.groupby(["iommu", "kind"], sort=True):
        runs = set(f["run"])
        rr = recovered[recovered["run"].isin(runs) & (recovered["kind"] == kind)]
        held = integrity[integrity["run"].isin(runs)]
        mine = irq[irq.index.isin(runs)]
        row = {"machine": MACHINES.get(iommu, iommu), "kind": kind, "faults": len(f),
               "found by": ", ".join(sorted(f["detected_by"].astype(str).unique())),
               "recovered": int(rr["ok"].sum()) if not rr.empty else 0,
               "recovery ms median": rr["recovery_us"].median() / 1e3 if not rr.empty
               else float("nan"),
               "dma_fault records": int(f["dma_faults"].fillna(0).sum())
               if "dma_faults" in f else 0,
               "code checksums held": f"{int(held['unchanged'].sum())}/{len(held)}",
               "others' stray irqs": int(mine["stray"].sum()) if not mine.empty else float("nan"),
               "others' NMIs": int(mine["nmis"].sum()) if not mine.empty else float("nan"),
               "irqs at others per fault": float("nan"),
               "window DMAs done (most tries)": window_dmas(strikes, runs, len(f))
               if kind == WINDOW_KIND else ""}
        base_runs = set(faults[(faults["iommu"] == iommu) &
                               (faults["kind"] == BASELINE_KIND)]["run"])
        base = irq[irq.index.isin(base_runs)]
        if kind == WINDOW_KIND and not mine.empty and not base.empty:
            added = (mine["stray"].sum() + mine["nmis"].sum()) / len(mine) - \
                    (base["stray"].sum() + base["nmis"].sum()) / len(base)
            row["irqs at others per fault"] = added * len(mine) / len(f)
        rows.append(row)
    return pd.DataFrame(rows)


def cost_table(results=load.RESULTS):
    """One row per machine: httperf's reply time and the driver's cycles per frame (medians
    over the runs: one run's figures move with the host's load)."""
    pd = need("pandas")
    perf = load.records(COST, "httperf", results)    # each with its run's case: iommu
    stats = load.records(COST, "net_stats", results)
    if perf.empty or stats.empty:
        return pd.DataFrame()
    drv = stats[stats["role"] == "driver"]
    rows = []
    for iommu, p in perf.groupby("iommu", sort=False):
        d = drv[drv["iommu"] == iommu]
        rows.append({"machine": MACHINES.get(iommu, iommu), "runs": p["run"].nunique(),
                     "replies": int(p["replies"].sum()), "errors": int(p["errors_total"].sum()),
                     "reply ms median (httperf)": p["reply_ms_response"].median(),
                     "reply ms min-max": f"{p['reply_ms_response'].min():.1f}-"
                                         f"{p['reply_ms_response'].max():.1f}",
                     "driver cycles/frame median": d["cycles_per_frame"].median(),
                     "driver frames": int(d["frames_handled"].sum())})
    return pd.DataFrame(rows)


def _cost_text(results):
    try:
        t = cost_table(results)
    except load.NoResults:
        return [f"\n`{COST}` not run (`make exp E={COST}`): no cost figures.\n"]
    text = [f"\n### The cost of remapping (`{COST}`)\n\n",
            "httperf at 120 requests/s against the web server of the sandbox that owns the "
            "e1000, on each machine; cycles per frame are that sandbox's own (busy cycles of "
            "its network loop / frames it handled) in free-running TSC ticks: host time "
            "including QEMU's emulation of the IOMMU, noisy on a shared host.\n\n"]
    text.append(markdown.table(t, digits=1) if not t.empty else "No load records: every run "
                "failed.\n")
    runs = load.runs(COST, results)
    load_1m = runs["host_load_1m"] if "host_load_1m" in runs else None
    if load_1m is not None and load_1m.notna().any():
        text.append(f"\nHost load average {load_1m.min():.1f}-{load_1m.max():.1f} (1 min, at "
                    "run ends; 2 cores): above 2, httperf's errors and reply times measure the "
                    "host more than the IOMMU.\n")
    return text


def section(results=load.RESULTS, published=None):
    pd = need("pandas")
    runs = load.runs(EXP, results)

    def rec(ev):   # each with its run's case: iommu, fault_kind
        df = load.records(EXP, ev, results, ok_only=False)
        return df if not df.empty else pd.DataFrame(columns=["run", "iommu", "fault_kind"])
    faults = rec("fault")
    text = [f"## DMA faults with and without an IOMMU (`{EXP}`)\n\n",
            "Three NIC driver faults, local recovery, one run per machine and kind. "
            "*bad-dma* puts another sandbox's address in descriptors about to be handed to "
            "the device: the driver's audit finds it first. *dma-handover* hands such a "
            "descriptor to the device, which reads the address at once: under VT-d the read "
            "faults and the monitor records it (`dma_fault`; the driver's `HC_DMA_FAULTS` "
            "at detection has the monitor read the fault registers then, since QEMU collapses "
            "a device's faults while one is pending); under AMD-Vi the read is blocked too, but "
            "QEMU 7.2's amd-iommu writes no event log (the monitor's probe at start finds "
            "that: `fault_log:false`), so no fault is recorded; without an IOMMU the device sends the "
            "other sandbox's bytes onto the wire and the ring audit notices afterwards. "
            "*dma-irq* has the device write a frame into the interrupt window aimed at the "
            "other sandbox's core (a strike counts once the device took the frame: QEMU's "
            "e1000 drops every frame for 1 s after the NIC's start, so the first strike of a "
            "run is tried again at each poll until it is taken; *window DMAs done*): "
            "15 messages with distinct vectors, 8 of them with a "
            "physical destination, of which 4 are in compatibility format and 4 in "
            "remappable format naming entries made for nobody. Without an IOMMU all 8 arrive. "
            "Under VT-d interrupt remapping the remappable ones are refused (source-id and "
            "present checks); the compatibility-format ones should be too (VT-d 3.4, 5.1.4: "
            "blocked while GCMD.CFI is clear, which the monitor leaves clear), but QEMU 7.2 "
            "passes them through unchecked, and it records no interrupt-remapping fault in "
            "the fault registers (its log says `vtd_irte_get: detected non-present IRTE`), "
            "so dma-irq has no `dma_fault` record. *irqs at others per fault*: the stray "
            "interrupts and NMIs the other sandbox counted in the dma-irq run beyond those of "
            "the bad-dma run on the same machine (the isolation probe's own). Host time (free "
            "TSC), noisy.\n\n"]
    if faults.empty:
        text.append("No fault records: every run failed.\n")
    else:
        text.append(markdown.table(kinds_table(faults, rec("recovered"), rec("integrity"),
                                               rec("interrupts"), strikes=rec("strike")),
                                   digits=1))
    text += _cost_text(results)
    return finish_section(EXP, results, text, int((~runs["ok"]).sum()))
