"""Experiment `iommu`: DMA faults of the NIC driver with and without an IOMMU.

Per machine (q35 + VT-d, q35 + AMD-Vi, pc without an IOMMU) and fault kind: faults
injected, how they were found, recovered, the DMA faults the monitor
recorded from VT-d's fault-recording registers, whether every kernel's code
checksum held, and the time until the NIC served again.
"""
from pathlib import Path

from experiments.deps import need

from . import load, markdown

EXP = "iommu"
MACHINES = {"vtd": "q35 + Intel VT-d", "amdvi": "q35 + AMD-Vi", "none": "pc, no IOMMU"}


def _by_run(df, runs, column):
    """df with the run's case parameter `column` (its iommu)."""
    return df.assign(**{column: df["run"].map(runs.set_index("run")[column])})


def kinds_table(faults, recovered, integrity):
    """One row per (machine, kind); dma_fault records from the driver's `fault`
    records (dma_faults: what the monitor recorded for it since the last fault)."""
    pd = need("pandas")
    rows = []
    for (iommu, kind), f in faults.groupby(["iommu", "kind"], sort=True):
        rr = recovered[(recovered["iommu"] == iommu) & (recovered["kind"] == kind)]
        held = integrity[integrity["iommu"] == iommu] if not integrity.empty else integrity
        rows.append({"machine": MACHINES.get(iommu, iommu), "kind": kind, "faults": len(f),
                     "found by": ", ".join(sorted(f["detected_by"].astype(str).unique())),
                     "recovered": int(rr["ok"].sum()) if not rr.empty else 0,
                     "recovery ms median": rr["recovery_us"].median() / 1e3 if not rr.empty
                     else float("nan"),
                     "dma_fault records": int(f["dma_faults"].fillna(0).sum())
                     if "dma_faults" in f else 0,
                     "code checksums held": f"{int(held['unchanged'].sum())}/{len(held)}"})
    return pd.DataFrame(rows)


def section(results=load.RESULTS, published=None):
    pd = need("pandas")
    out = Path(results) / EXP
    runs = load.runs(EXP, results)

    def rec(ev):
        df = load.records(EXP, ev, results, ok_only=False)
        return _by_run(df, runs, "iommu") if not df.empty else pd.DataFrame(columns=["iommu"])
    faults = rec("fault")
    text = [f"## DMA faults with and without an IOMMU (`{EXP}`)\n\n",
            "Two NIC driver faults aimed at another sandbox's memory, local recovery. "
            "*bad-dma* puts the foreign address in descriptors about to be handed to the "
            "device: the driver's audit finds it first. *dma-handover* hands such a "
            "descriptor to the device, which reads the address at once: under VT-d the read "
            "faults and the monitor records it (`dma_fault`; the driver's `HC_DMA_FAULTS` "
            "at detection has the monitor read the fault registers then, since QEMU collapses "
            "a device's faults while one is pending); under AMD-Vi the read is blocked too, but "
            "QEMU 7.2's amd-iommu writes no event log (the monitor's probe at start finds "
            "that: `fault_log:false`), so no fault is recorded; without an IOMMU the device "
            "sends the other sandbox's "
            "bytes onto the wire and the ring audit notices afterwards. Reads do not change "
            "memory, so the checksums hold either way. Host time (free TSC), noisy.\n\n"]
    if faults.empty:
        text.append("No fault records: every run failed.\n")
    else:
        text.append(markdown.table(kinds_table(faults, rec("recovered"), rec("integrity")),
                                   digits=1))
    failed = int((~runs["ok"]).sum())
    if failed:
        text.append(f"\n**{failed} run(s) failed**: "
                    + "; ".join(runs[~runs["ok"]]["reason"].astype(str)) + "\n")
    text = "".join(text)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{EXP}.md").write_text(text)
    return text
