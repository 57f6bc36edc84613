"""Experiment `faults`: the fault campaign (`make faults`) per fault kind.

From the newest campaign (results/faults/campaign-*/state.jsonl: every boot
it kept), else from the experiment's latest run (make exp E=faults): per
kind, faults injected, recovered and not recovered, and the time from the
faulty act until the fault was found (detect) and until the NIC served
again (recovery), as p50 / p99 / max in ms (nearest rank, as the campaign
record's); then every kind together, and the watchdog's false alarms
(recoveries with nothing injected) apart.

Then where the time of the faults over the bound (TAIL_MS) went: each such
recovery split into detect (faulty act to found), recover (the recovery's
phases: switching or fetching the clean image, reinit) and serve (the
serving check, until the gateway answered), and whichever of the three is
largest named; a recover part mostly the round trip to the rescuer
(ipi_rtt: its vCPU must run) as `recover: rescuer`; a serve part mostly
one gap between two loop turns
(max_gap_us, longer than the 1 ms tick that ends every sleep) is time the
host did not run the driver's vCPU, or one emulated access that blocked.
Host time (free TSC): noisy on a shared host; under icount (virtual time)
the host's load does not count. Writes results/faults/faults.md.
"""
from pathlib import Path

from experiments.campaign import FALSE_ALARM, percentile
from experiments.deps import need
from experiments import summary
from experiments.records import by_ev, read_jsonl

from . import load, markdown

EXP = "faults"
QUANTILES = (("p50", 0.5), ("p99", 0.99))
TAIL_MS = 10.0          # the recovery bound
TICK_US = 1000          # the driver loop's tick: no sleep outlasts it


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


def split(fault, recovered):
    """(detect, recover, serve) in ms of one recovered fault (its fault and recovered
    records; serve_us from the guest's check, else nothing left for serve)."""
    total = recovered["recovery_us"]
    detect = fault["detect_us"]
    serve = recovered.get("serve_us", 0)
    return detect / 1e3, max(0, total - detect - serve) / 1e3, serve / 1e3


def cause(fault, recovered, rescuer_ms=0.0):
    """What made one recovery long: the largest of its three parts; the serve part as
    `serve: host gap` when one gap longer than the tick is most of it, the recover part
    as `recover: rescuer` when the round trip to the rescuer (rescuer_ms) is."""
    parts = dict(zip(("detect", "recover", "serve"), split(fault, recovered)))
    worst = max(parts, key=parts.get)
    gap = recovered.get("max_gap_us", 0)
    if worst == "serve" and gap > TICK_US and gap / 1e3 >= parts["serve"] / 2:
        return "serve: host gap"
    if worst == "recover" and rescuer_ms and rescuer_ms >= parts["recover"] / 2:
        return "recover: rescuer"
    return worst


CAUSES = ("detect", "recover: rescuer", "recover", "serve: host gap", "serve")


def _key(r):
    """A fault's identity across runs and a campaign's boots (seq restarts at each)."""
    return r.get("run"), r.get("boot"), r["seq"]


def rescuer_ms(phases, tsc_hz):
    """{fault key: ms of its ipi_rtt phase} from recovery records; tsc_hz: {(run, boot):
    the monitor's TSC rate} (the phases count TSC cycles, or instructions under icount
    at its 1 GHz)."""
    out = {}
    for p in phases:
        hz = tsc_hz.get((p.get("run"), p.get("boot")))
        if p["phase"] == "ipi_rtt" and hz:
            out[_key(p)] = out.get(_key(p), 0) + p["cycles"] * 1e3 / hz
    return out


def tail_table(faults, recovered, over_ms=TAIL_MS, rescuer=None):
    """Per kind, then `all`: recoveries, those over over_ms, and how many of those each
    cause (cause()) explains; with p99 of each part over every recovery of the kind.
    rescuer: rescuer_ms() of the faults."""
    pd = need("pandas")
    rescuer = rescuer or {}
    found = {_key(f): f for f in faults if f["kind"] != FALSE_ALARM}
    pairs = [(found[_key(r)], r) for r in recovered
             if r["ok"] and r["kind"] != FALSE_ALARM and _key(r) in found]
    rows = []
    for kind in sorted({f["kind"] for f, _ in pairs}) + ["all"]:
        mine = [(f, r) for f, r in pairs if kind in ("all", f["kind"])]
        parts = [split(f, r) for f, r in mine]
        slow = [cause(f, r, rescuer.get(_key(r), 0.0)) for f, r in mine
                if r["recovery_us"] / 1e3 > over_ms]
        row = {"kind": kind, "recovered": len(mine), f"over {over_ms:g} ms": len(slow)}
        row.update({c: slow.count(c) for c in CAUSES})
        for i, name in enumerate(("detect", "recover", "serve")):
            row[f"{name} p99 ms"] = float(percentile([p[i] for p in parts], 0.99) or 0)
        row["gap max ms"] = max((r.get("max_gap_us", 0) for _, r in mine), default=0) / 1e3
        rows.append(row)
    return pd.DataFrame(rows)


def host_note(scheds):
    """A line on what the host's scheduler gave QEMU while it booted and the faults ran
    (host_sched records, experiments/hostsched.py), or nothing."""
    if not scheds:
        return ""
    run = sum(r["run_s"] for r in scheds)
    wait = sum(r["wait_s"] for r in scheds)
    wall = sum(r["wall_s"] for r in scheds)
    return (f"\nQEMU's threads while it booted and the faults ran ({len(scheds)} boot(s), "
            f"{wall:,.0f} s): "
            f"{run:,.0f} s on a core, {wait:,.0f} s runnable but waiting for one "
            f"({100 * wait / max(run + wait, 1e-9):.0f} % of their runnable time); the most "
            f"any one thread waited: {max(r['wait_pct_max'] for r in scheds):.0f} % of the "
            f"wall time; host load {', '.join(str(r['load_1m']) for r in scheds)}.\n")


def newest_campaign(results):
    """(folder, its boots' run folders, its merged campaign records) of the newest
    campaign (state.jsonl) under results/faults, or None."""
    states = sorted((Path(results) / EXP).glob("campaign-*/state.jsonl"),
                    key=lambda p: p.stat().st_mtime)
    if not states:
        return None
    dirs, merged = [], []
    for line in read_jsonl(states[-1]):
        d = line.get("run_dir")
        if d:
            d = Path(d)
            dirs.append(d if d.is_absolute() or d.exists() else load.ROOT / d)
        elif line.get("ev") == "campaign":
            merged.append(line)
    return states[-1].parent, dirs, merged


def _records(results):
    """{ev: [record, ...]} of the newest campaign's boots, else of the runs.csv runs;
    and what they came from."""
    newest = newest_campaign(results)
    if newest is None:
        runs = load.runs(EXP, results)
        failed = runs[~runs["ok"]]
        note = (f"\n**{len(failed)} run(s) failed**: " + "; ".join(failed["reason"].astype(str))
                + "\n") if len(failed) else ""
        return (lambda ev: (lambda df: df.to_dict("records") if not df.empty else [])(
            load.records(EXP, ev, results, ok_only=False))), "the latest run", note
    folder, dirs, merged = newest
    recs = [{**r, "boot": i} for i, d in enumerate(dirs) if (d / "records.jsonl").exists()
            for r in read_jsonl(d / "records.jsonl") if r["ev"] != "campaign"]
    # The whole campaign's verdict (experiments/faults.py merges the boots'), else theirs.
    recs += merged or [{**r, "boot": i} for i, d in enumerate(dirs)
                       if (d / "records.jsonl").exists()
                       for r in by_ev(read_jsonl(d / "records.jsonl"), "campaign")]
    loads = [row.get("host_load_1m") for d in dirs if (d / "summary.csv").exists()
             for row in summary.read(d / "summary.csv")]
    note = (f"\nHost load average (1 min) at the end of each boot: "
            f"{', '.join(loads)}.\n") if loads else ""
    return (lambda ev: list(by_ev(recs, ev))), f"`{folder.name}` ({len(dirs)} boot(s))", note


def section(results=load.RESULTS, published=None):
    rec, source, note = _records(results)
    campaign = rec("campaign")
    driver = {r["sandbox"] for r in rec("net_ready") if r.get("role") == "driver"}

    def ours(ev):
        return [r for r in rec(ev) if r.get("sandbox") in driver]
    text = [f"## Fault campaign per kind (`{EXP}`)\n\n",
            "Random NIC driver faults, one at a time, local and remote recovery alternating. "
            "detect: faulty act to the fault found; recovery: to the NIC serving again (an ARP "
            "answer through the new driver). False alarms: recoveries the watchdog started "
            f"with nothing injected. From {source}. Host time (free TSC): noisy on a shared "
            "host; under icount virtual time.\n\n"]
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
        text.append(f"\nRecoveries over {TAIL_MS:g} ms, by what took longest (detect, "
                    "recover, serve; `recover: rescuer`: the round trip to the rescuer's vCPU "
                    "is most of the recover part; `serve: host gap`: one gap between loop "
                    "turns longer than the 1 ms tick is most of the serve part), and p99 of "
                    "each part:\n\n")
        hz = {(r.get("run"), r.get("boot")): r["tsc_hz"] for r in rec("monitor_ready")}
        text.append(markdown.table(tail_table(ours("fault"), ours("recovered"),
                                              rescuer=rescuer_ms(ours("recovery"), hz)),
                                   digits=1))
    text.append(note + host_note(rec("host_sched")))
    text = "".join(text)
    out = Path(results) / EXP
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{EXP}.md").write_text(text)
    return text
