"""Experiment `shared-driver`: Shared Driver Costs for 1, 2 and 3 sandboxes behind VNICs.

Per number of sandboxes sharing the NIC (loaded at once, one httperf each,
the rate stepped up): the highest per-sandbox rate every one of them
sustained (experiments/loadseries.py sustained) and the first that was not;
and from the guest's net_stats (whole run) the cycles per frame it handled
in the driver sandbox (NIC plus switch) and in the VNIC sandboxes.
"""
from pathlib import Path

from experiments.deps import need

from . import gnuplot, load, markdown
from .sections import finish_section

EXP = "shared-driver"


def rates(results=load.RESULTS):
    """Per run: sharing, highest rate every target sustained (None: not even the first),
    and the first rate some target did not."""
    pd = need("pandas")
    h = load.records(EXP, "httperf", results)
    if h.empty:
        return pd.DataFrame()
    steps = h.groupby(["run", "sharing", "step", "rate"], as_index=False)["sustained"].all()
    rows = []
    for (run, sharing), s in steps.groupby(["run", "sharing"]):
        ok, bad = s[s["sustained"]], s[~s["sustained"]]
        rows.append({"run": run, "sharing": sharing,
                     "max_rate": ok["rate"].max() if len(ok) else None,
                     "first_failed": bad["rate"].min() if len(bad) else None})
    return pd.DataFrame(rows)


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
    runs = load.runs(EXP, results)
    failed = int((~runs["ok"]).sum())
    r, c = rates(results), cycles(results)
    text = [f"## Shared Driver Costs (`{EXP}`)\n\n",
            "Sandbox 0 owns the e1000; 1, 2 or 3 other sandboxes reach it through VNICs "
            "(shared-memory rings to the driver sandbox's switch, IPI kicks). All VNIC "
            "sandboxes are loaded at once, each by its own httperf at the same rate, stepped "
            "up until one of them no longer keeps up (an error, an unanswered connection, or "
            "under 98% of the rate on average). Cycles per frame are the guest's own "
            "(net_stats: busy cycles of its network loop / frames it handled, over the whole "
            "run) in free-running TSC ticks, i.e. host time including QEMU's emulation.\n\n"]
    if r.empty or c.empty:
        text.append("No load records: every run failed.\n")
    else:
        t = r.merge(c, on=["run", "sharing"]).sort_values(["sharing", "run"])
        rows = [{"sandboxes sharing": int(x.sharing), "run": x.run,
                 "max sustained req/s per sandbox": x.max_rate,
                 "aggregate req/s": x.max_rate * x.sharing if x.max_rate == x.max_rate else None,
                 "first rate not sustained": x.first_failed,
                 "driver cycles/frame": x.driver_cpf, "driver frames": int(x.driver_frames),
                 "VNIC cycles/frame (mean)": x.vnic_cpf, "VNIC frames": int(x.vnic_frames)}
                for x in t.itertuples()]
        text.append(markdown.table(pd.DataFrame(rows), digits=0))
        # Figures: the mean of the repetitions that sustained some rate (one that failed
        # its first step measured a few hundred frames, not the load).
        g = t.dropna(subset=["max_rate"]).groupby("sharing", as_index=False).mean(numeric_only=True)
        cyc = gnuplot.plot(out / "shared-driver-cycles",
                           [("driver sandbox", list(zip(g["sharing"], g["driver_cpf"] / 1e3))),
                            ("VNIC sandboxes (mean)",
                             list(zip(g["sharing"], g["vnic_cpf"] / 1e3)))],
                           "Shared Driver Costs: cycles per frame", "sandboxes sharing the NIC",
                           "kcycles per frame (free TSC)")
        rate = gnuplot.plot(out / "shared-driver-rate",
                            [("per sandbox", list(zip(g["sharing"], g["max_rate"]))),
                             ("aggregate", list(zip(g["sharing"], g["max_rate"] * g["sharing"])))],
                            "Shared Driver Costs: highest sustained request rate",
                            "sandboxes sharing the NIC", "requests/s")
        text.append("\nThe host client (one httperf per sandbox, each spinning a core) shares "
                    "this 2-core machine with QEMU: the rates are a floor on what the guest "
                    "could serve, not its capacity. The figures average the repetitions that "
                    "sustained some rate.\n\n"
                    f"![cycles]({EXP}/{cyc[0].name}) ([svg]({EXP}/{cyc[1].name})) "
                    f"![rate]({EXP}/{rate[0].name}) ([svg]({EXP}/{rate[1].name}))\n")
    return finish_section(EXP, results, text, failed)
