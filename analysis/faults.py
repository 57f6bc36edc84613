"""Experiment `faults`: the fault campaign (`make faults`) per fault kind.

From the campaign's latest run: per kind, faults injected, recovered and
not recovered, and the time from the faulty act until the fault was found
(detect) and until the NIC served again (recovery), as p50 / p99 / max in
ms (nearest rank, as the campaign record's); then every kind together, and
the watchdog's false alarms (recoveries with nothing injected) apart.
Host time (free TSC): noisy on a shared host. Writes results/faults/faults.md.
"""
from pathlib import Path

from experiments.campaign import FALSE_ALARM, percentile
from experiments.deps import need

from . import load, markdown

EXP = "faults"
QUANTILES = (("p50", 0.5), ("p99", 0.99))


def _spread(prefix, ms):
    out = {f"{prefix} {name}": percentile(ms, q) for name, q in QUANTILES}
    out[f"{prefix} max"] = max(ms) if ms else None
    return {k: float("nan") if v is None else float(v) for k, v in out.items()}


def _row(kind, injected, found, recovered):
    ok = [r for r in recovered if r["ok"]]
    return {"kind": kind, "injected": injected, "recovered": len(ok),
            "not recovered": injected - len(ok) if injected else len(recovered) - len(ok),
            **_spread("detect ms", [f["detect_us"] / 1e3 for f in found]),
            **_spread("recovery ms", [r["recovery_us"] / 1e3 for r in ok])}


def kinds_table(injects, faults, recovered):
    """One row per kind, then `all`, then `false-alarm` (lists of record dicts of the
    driver sandbox; a kind's `not recovered` includes its undetected faults)."""
    pd = need("pandas")
    kinds = sorted({r["kind"] for r in injects})
    rows = []
    for kind in kinds:
        rows.append(_row(kind, sum(r["kind"] == kind for r in injects),
                         [f for f in faults if f["kind"] == kind],
                         [r for r in recovered if r["kind"] == kind]))
    real = [r for r in recovered if r["kind"] != FALSE_ALARM]
    rows.append(_row("all", len(injects), [f for f in faults if f["kind"] != FALSE_ALARM], real))
    alarms = [r for r in recovered if r["kind"] == FALSE_ALARM]
    rows.append({**_row(FALSE_ALARM, 0, [], alarms), "injected": 0})
    return pd.DataFrame(rows)


def section(results=load.RESULTS, published=None):
    runs = load.runs(EXP, results)

    def rec(ev):
        df = load.records(EXP, ev, results, ok_only=False)
        return df.to_dict("records") if not df.empty else []
    campaign = rec("campaign")
    driver = {r["sandbox"] for r in rec("net_ready") if r.get("role") == "driver"}

    def ours(ev):
        return [r for r in rec(ev) if r.get("sandbox") in driver]
    text = [f"## Fault campaign per kind (`{EXP}`)\n\n",
            "Random NIC driver faults, one at a time, local and remote recovery alternating. "
            "detect: faulty act to the fault found; recovery: to the NIC serving again (an ARP "
            "answer through the new driver). False alarms: recoveries the watchdog started "
            "with nothing injected. Host time (free TSC): noisy on a shared host.\n\n"]
    if campaign:
        c = campaign[-1]
        text.append(f"Seed {c['seed']}: {c['injected']} injected, {c['recovered']} recovered, "
                    f"{c['not_recovered']} not recovered, {c['false_alarms']} false alarms, "
                    f"{c['checks_failed']} checks failed.\n\n")
    injects = ours("inject")
    if not injects:
        text.append("No inject records: the run failed before the first fault.\n")
    else:
        text.append(markdown.table(kinds_table(injects, ours("fault"), ours("recovered")),
                                   digits=1))
    failed = runs[~runs["ok"]]
    if len(failed):
        text.append(f"\n**{len(failed)} run(s) failed**: "
                    + "; ".join(failed["reason"].astype(str)) + "\n")
    text = "".join(text)
    out = Path(results) / EXP
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{EXP}.md").write_text(text)
    return text
