"""Experiment `vm-exits`: steady-state exit rate, and the cost of one exit round trip.

The round trip is an HC_VERSION hypercall timed in the guest: guest ->
#VMEXIT -> monitor handler -> VMRUN -> guest. Under QEMU TCG the hardware
cost of VMRUN/#VMEXIT is not charged, so the figures are labelled with what
they are: instructions under icount (the software path length), host TSC
ticks of emulation without it.
"""
from pathlib import Path

from experiments.deps import need

from . import load, markdown

EXP = "vm-exits"


def steady_rates(results):
    """Exits per sandbox per second in the steady window of the busy workload."""
    pd = need("pandas")
    exits = load.records(EXP, "vm_exits", results)
    steady = load.records(EXP, "steady", results)
    if exits.empty or steady.empty:
        return pd.DataFrame()
    ex = exits[exits["window"] == "steady"][["run", "sandbox", "count", "icount"]]
    st = steady[["run", "sandbox", "ms", "timer_ticks", "ipis_sent", "ipis_received"]]
    m = ex.merge(st, on=["run", "sandbox"])
    m["exits_per_s"] = m["count"] / (m["ms"] / 1000)
    return m


def round_trips(results):
    """Per hcall run: cycles per round trip (net of the rdtsc pair) and its exit counts."""
    h = load.records(EXP, "hcall", results)
    if h.empty:
        return h
    exits = load.records(EXP, "vm_exits", results)
    steady = exits[exits["window"] == "steady"][["run", "sandbox", "count"]]
    h = h.merge(steady.rename(columns={"count": "steady_exits"}), on=["run", "sandbox"])
    for k in ("min", "median", "mean"):
        h[f"net_{k}"] = h[k] - h["timer_overhead"]
    h["median_us"] = h["median"] / h["tsc_hz"] * 1e6
    return h


def vpmu_rows(trips):
    """The vPMU's cycle estimate per call (hcall records' vpmu_cycles_mean), or one n/a row."""
    na = {"calls": "n/a", "min": "n/a", "median": "n/a", "mean": "n/a", "max": "n/a",
          "median µs": "n/a"}
    if trips.empty or "vpmu_cycles_mean" not in trips or trips["vpmu_cycles_mean"].isna().all():
        return [{"measure": "vPMU cycle estimate", **na,
                 "steady-window exits": "no vPMU in these runs (pmc: vpmu and QEMU's vpmu plugin)"}]
    rows = []
    for _, h in trips.dropna(subset=["vpmu_cycles_mean"]).sort_values("icount", ascending=False).iterrows():
        rows.append({"measure": "vPMU cycle estimate, model cycles "
                                f"({'icount' if h.icount else 'free TSC'} run; mean per call)",
                     **na, "calls": int(h.calls), "mean": int(h.vpmu_cycles_mean),
                     "steady-window exits": int(h.steady_exits)})
    return rows


def section(results=load.RESULTS, published=None):
    pd = need("pandas")
    failed = load.failed(EXP, results)
    rates = steady_rates(results)
    trips = round_trips(results)
    rows = []
    for _, r in rates.sort_values(["icount", "sandbox"], ascending=[False, True]).iterrows():
        rows.append({"clock": "icount" if r.icount else "free TSC", "sandbox": int(r.sandbox),
                     "steady ms": int(r.ms), "exits": int(r["count"]),
                     "exits/s": r.exits_per_s, "timer ticks": int(r.timer_ticks),
                     "IPIs sent": int(r.ipis_sent), "IPIs received": int(r.ipis_received)})
    steady_md = markdown.table(pd.DataFrame(rows), digits=1) if rows else "(no steady runs)\n"
    rows = []
    for _, h in trips.sort_values("icount", ascending=False).iterrows():
        unit = ("instructions (software path length, icount)" if h.icount
                else "host TSC ticks (emulation wall cost)")
        rows.append({"measure": unit, "calls": int(h.calls), "min": int(h.net_min),
                     "median": int(h.net_median), "mean": int(h.net_mean), "max": int(h["max"]),
                     "median µs": h.median_us, "steady-window exits": int(h.steady_exits)})
    rows += vpmu_rows(trips)
    steady_pub = (published or {}).get("steady_state_exits", {})
    pub = (published or {}).get("recovery_phases", {})
    phases = pub.get("phases", {})
    vm_exit = phases.get("vm_exit", {}).get("local")
    vm_enter = phases.get("vm_enter", {}).get("remote")
    trips_md = markdown.table(pd.DataFrame(rows), digits=2)
    text = (f"## VM exits (`{EXP}`)\n\n"
            "### Steady state\n\n"
            "Exits the monitor counted in each sandbox's steady window: a busy loop with the "
            "LAPIC timer at 1 kHz and an IPI to the next sandbox every 10 ticks, all delivered "
            "without the monitor (LAPIC passed through). Expected: 0.\n\n"
            f"{steady_md}\n"
            f"Published: {steady_pub.get('claim', 'n/a')} ({steady_pub.get('source', '').strip()}).\n\n"
            "### One exit round trip (hypercall)\n\n"
            "`exp=hcall`: HC_VERSION hypercalls timed one by one with `rdtsc` in the guest, net "
            "of the cost of the `rdtsc` pair itself. **Every call is a VM exit**: the monitor "
            "counts them in that run's steady window (the last column), as it must.\n\n"
            f"{trips_md}\n"
            f"Published (hardware cycles, {pub.get('source', '').strip()}): VM-Exit {vm_exit}, "
            f"VM-Enter {vm_enter}; together {vm_exit + vm_enter if vm_exit and vm_enter else 'n/a'} "
            "for a round trip (the two figures come from the two columns of the recovery table).\n\n"
            "**These are not comparable.** QEMU TCG does not charge the hardware cost of "
            "VMRUN/#VMEXIT: under icount the figure is the number of instructions the guest stub "
            "and the monitor's exit path execute; without icount it is the host time QEMU spends "
            "emulating the round trip. The vPMU's estimate is instructions x base CPI plus the "
            "modelled latency of every cache miss and page-walk reference of the guest stub and "
            "the monitor's exit path: a model, which charges nothing for VMRUN/#VMEXIT themselves "
            "either. Only real hardware gives cycles comparable to the slides.\n"
            + (f"\n**{failed} run(s) failed**: see `results/{EXP}/runs.csv`.\n" if failed else ""))
    out = Path(results) / EXP
    (out / f"{EXP}.md").write_text(text)
    return text
