"""Experiment `shared-driver`: Shared Driver Costs for 1, 2 and 3 sandboxes behind VNICs.

Per number of sandboxes sharing the NIC (loaded at once, one ApacheBench
each, a closed loop: as fast as the guest answers): the requests per second
every sandbox completed in each back-to-back ab run (the repetitions), their
sum (the aggregate the shared driver carried), and how far the repetitions
spread; and from the guest's net_stats (whole run) the cycles per frame it
handled in the driver sandbox (NIC plus switch) and in the VNIC sandboxes.
"""
from pathlib import Path

from experiments.deps import need

from . import gnuplot, load, markdown
from .sections import finish_section

EXP = "shared-driver"


def rates(results=load.RESULTS):
    """Per (run, sharing, repetition): requests/s per sandbox (mean), aggregate (sum),
    requests failed or not 2xx, and whether every target answered every request."""
    pd = need("pandas")
    ab = load.records(EXP, "ab", results)
    if ab.empty:
        return pd.DataFrame()
    ab = ab.assign(bad=ab["complete"] - ab["ok"])
    return ab.groupby(["run", "sharing", "step"], as_index=False).agg(
        per_sandbox=("requests_per_s", "mean"), aggregate=("requests_per_s", "sum"),
        bad=("bad", "sum"), sustained=("sustained", "all"), targets=("sandbox", "nunique"))


def capacity(r):
    """Per sharing: repetitions, mean per-sandbox and aggregate req/s, and the spread of
    the aggregate across repetitions (min, max, (max - min) / mean)."""
    g = r.groupby("sharing", as_index=False).agg(
        reps=("step", "count"), per_sandbox=("per_sandbox", "mean"),
        aggregate=("aggregate", "mean"), agg_min=("aggregate", "min"),
        agg_max=("aggregate", "max"), bad=("bad", "sum"))
    g["spread"] = (g["agg_max"] - g["agg_min"]) / g["aggregate"]
    return g


def cycles(results=load.RESULTS):
    """Per run: cycles per frame and frames handled, in the driver and (mean, sum) the VNICs."""
    pd = need("pandas")
    s = load.records(EXP, "net_stats", results)
    if s.empty:
        return pd.DataFrame()
    rows = []
    for (run, sharing), r in s.groupby(["run", "sharing"]):
        drv, vnic = r[r["role"] == "driver"], r[r["role"] == "vnic"]
        rows.append({"run": run, "sharing": sharing,
                     "driver_cpf": drv["cycles_per_frame"].mean(),
                     "driver_frames": drv["frames_handled"].sum(),
                     "vnic_cpf": vnic["cycles_per_frame"].mean(),
                     "vnic_frames": vnic["frames_handled"].sum()})
    return pd.DataFrame(rows)


def section(results=load.RESULTS, published=None):
    pd = need("pandas")
    out = Path(results) / EXP
    failed = load.failed(EXP, results)
    r, c = rates(results), cycles(results)
    text = [f"## Shared Driver Costs (`{EXP}`)\n\n",
            "Sandbox 0 owns the e1000; 1, 2 or 3 other sandboxes reach it through VNICs "
            "(shared-memory rings to the driver sandbox's switch, IPI kicks). All VNIC "
            "sandboxes are loaded at once, each by its own ApacheBench (`ab`: a fixed number "
            "of connections at a time, one GET each, the next as soon as one completes), in "
            "back-to-back repetitions within one boot. ab waits for the guest instead of "
            "spinning, so the rates are what the guest sustains through QEMU's user network "
            "on this machine. Cycles per frame are the guest's own (net_stats: busy cycles of "
            "its network loop / frames it handled, over the whole run) in free-running TSC "
            "ticks, i.e. host time including QEMU's emulation.\n\n",
            "**Published**: the Quest-V slides show Shared Driver Costs as a figure without "
            "numbers; its point, and our goal, is the shape: sandboxes sharing one driver "
            "split its capacity (per-sandbox rate falls as more share, the aggregate holds), "
            "and the driver sandbox's cost per frame stays flat.\n\n"]
    if r.empty or c.empty:
        text.append("No load records: every run failed.\n")
        return finish_section(EXP, results, text, failed)
    cap = capacity(r).merge(c.groupby("sharing", as_index=False).mean(numeric_only=True),
                            on="sharing")
    rows = [{"sandboxes sharing": int(x.sharing), "repetitions": int(x.reps),
             "req/s per sandbox": x.per_sandbox, "aggregate req/s": x.aggregate,
             "aggregate min": x.agg_min, "aggregate max": x.agg_max,
             "spread %": 100 * x.spread, "failed or non-2xx": int(x.bad),
             "driver cycles/frame": x.driver_cpf, "VNIC cycles/frame (mean)": x.vnic_cpf}
            for x in cap.itertuples()]
    text.append(markdown.table(pd.DataFrame(rows), digits=0))
    reps = r.sort_values(["sharing", "run", "step"])
    text.append("\nEach repetition (aggregate req/s): " + "; ".join(
        f"{int(s)} sharing: " + ", ".join(f"{v:.0f}" for v in g["aggregate"])
        for s, g in reps.groupby("sharing")) + ".\n")
    cyc = gnuplot.plot(out / "shared-driver-cycles",
                       [("driver sandbox", list(zip(cap["sharing"], cap["driver_cpf"] / 1e3))),
                        ("VNIC sandboxes (mean)", list(zip(cap["sharing"], cap["vnic_cpf"] / 1e3)))],
                       "Shared Driver Costs: cycles per frame", "sandboxes sharing the NIC",
                       "kcycles per frame (free TSC)", xtics="data", yrange=(0, None))
    rate = gnuplot.plot(out / "shared-driver-rate",
                        [("per sandbox", list(zip(cap["sharing"], cap["per_sandbox"]))),
                         ("aggregate", list(zip(cap["sharing"], cap["aggregate"])))],
                        "Shared Driver Costs: requests per second (ab)",
                        "sandboxes sharing the NIC", "requests/s", xtics="data", yrange=(0, None))
    text.append(f"\n*spread*: (max - min) / mean of the aggregate over the repetitions.\n\n"
                f"![cycles]({EXP}/{cyc[0].name}) ([svg]({EXP}/{cyc[1].name})) "
                f"![rate]({EXP}/{rate[0].name}) ([svg]({EXP}/{rate[1].name}))\n")
    return finish_section(EXP, results, text, failed)
