"""A fault run's verdict: the `campaign` record, computed from the run's records.

    {"ev":"campaign","injected":N,"detected":N,"recovered":N,"not_recovered":N,"seed":S,
     "recovery_ms_p50":..,"recovery_ms_max":.., ...}

From the driver sandbox's records (kernel/net/recovery/net_faults.h, nic_recovery.h):
injected = inject records; detected = fault records of an injected fault
(the watchdog's false alarms are counted apart); recovered = recovered
records with ok; not_recovered = recovered without ok, plus undetected.
Checks, each a problem when it fails: inject n and fault seq run 0, 1, ...
without a hole (no record lost), every fault has its recovered record and
the phase records its mode needs, every injected fault was found or
reported undetected, every `integrity` record says unchanged (no sandbox's
kernel code was written: bad DMA aims there), the guest's own
`fault_campaign` totals agree, and the plan's count was injected.

A campaign of many boots (experiments/faults.py) keeps each boot's `part`
(its record, problems and per-kind tally) and `merge`s them: the counts
add up, the percentiles come from every boot's recovery times.
"""
from collections import Counter

from .records import by_ev

FALSE_ALARM = "false-alarm"
# Phases every recovery of a mode records; vm_exit and vm_enter come as a pair when the
# fault exited to the monitor (wild-write).
PHASES = {"local": ("driver_switch", "driver_reinit", "network_reinit"),
          "remote": ("ipi_rtt", "driver_reinit", "network_reinit")}
EXIT_PAIR = ("vm_exit", "vm_enter")
SHOWN = 5          # lost numbers / failed faults named in a problem or the record


def percentile(values, q):
    """The q-quantile (0..1) of values by nearest rank; None when empty."""
    if not values:
        return None
    v = sorted(values)
    return v[min(len(v) - 1, max(0, round(q * (len(v) - 1))))]


def holes(numbers):
    """The numbers missing from 0..max(numbers), and the repeated ones."""
    counts = Counter(numbers)
    missing = sorted(set(range(max(counts) + 1)) - set(counts)) if counts else []
    return missing, sorted(n for n, c in counts.items() if c > 1)


def _sequence_problems(name, numbers):
    missing, repeated = holes(numbers)
    out = []
    if missing:
        out.append(f"{name}: {len(missing)} missing (records lost), first {missing[:SHOWN]}")
    if repeated:
        out.append(f"{name}: repeated {repeated[:SHOWN]}")
    return out


def phase_problems(faults, phases):
    """One problem per fault whose phase records are not those its mode needs, or name
    another mode (the guest's "remote-failed": the rescuer did not answer in time)."""
    by_seq = {}
    for p in phases:
        by_seq.setdefault(p["seq"], []).append(p)
    out = []
    for f in faults:
        recs = by_seq.get(f["seq"], [])
        got = [p["phase"] for p in recs]
        modes = sorted({p["mode"] for p in recs} - {f["mode"]})
        need = PHASES.get(f["mode"])
        pair = [p for p in EXIT_PAIR if p in got]
        if need is None or modes:
            out.append(f"fault {f['seq']} ({f['kind']}): recovery mode {f['mode']!r}, "
                       f"phases recorded as {modes}")
        elif sorted(got) != sorted(list(need) + pair) or len(pair) == 1:
            out.append(f"fault {f['seq']} ({f['kind']}, {f['mode']}): phases {got}, "
                       f"need {list(need)} (+ both or neither of {list(EXIT_PAIR)})")
    return out


def aggregate(records, count=None, seed=None, driver=None):
    """(campaign record, problems) of a run's records. count: the plan's faults (checked
    when given); driver: the driver sandbox (else every sandbox's fault records)."""
    rec, problems, _ = _aggregate(records, count, seed, driver)
    return rec, problems


def _aggregate(records, count, seed, driver):
    """aggregate's record and problems, and the run's tally."""
    def ev(name):
        return [r for r in by_ev(records, name)
                if driver is None or r.get("sandbox") == driver or name == "integrity"]
    injects, faults, recovered = ev("inject"), ev("fault"), ev("recovered")
    undetected, phases, integrity = ev("undetected"), ev("recovery"), ev("integrity")
    real = [f for f in faults if f["kind"] != FALSE_ALARM]
    ok = [r for r in recovered if r["kind"] != FALSE_ALARM and r["ok"]]
    failed = [r for r in recovered if r["kind"] != FALSE_ALARM and not r["ok"]]
    problems = _sequence_problems("inject n", [r["n"] for r in injects])
    problems += _sequence_problems("fault seq", [f["seq"] for f in faults])
    no_end = sorted({f["seq"] for f in faults} - {r["seq"] for r in recovered})
    if no_end:
        problems.append(f"no recovered record for fault seq {no_end[:SHOWN]}")
    problems += phase_problems(faults, phases)
    if len(real) + len(undetected) != len(injects):
        problems.append(f"{len(injects)} injected, but {len(real)} found + {len(undetected)} "
                        "undetected")
    if count is not None and len(injects) != count:
        problems.append(f"{len(injects)} of {count} faults injected (the run ended early)")
    if not integrity:
        problems.append("no integrity records (the monitor's end-of-run checksums)")
    changed = sorted(r["sandbox"] for r in integrity if not r["unchanged"])
    if changed:
        problems.append(f"kernel code of sandbox {changed} changed")
    rec = {"ev": "campaign", "injected": len(injects), "detected": len(real),
           "recovered": len(ok), "not_recovered": len(failed) + len(undetected),
           "seed": seed, "false_alarms": len(faults) - len(real), "undetected": len(undetected)}
    guest = ev("fault_campaign")
    if not guest:
        problems.append("no fault_campaign record from the driver sandbox")
    else:
        for k in ("injected", "detected", "recovered", "not_recovered"):
            if guest[-1][k] != rec[k]:
                problems.append(f"fault_campaign says {k} {guest[-1][k]}, the records {rec[k]}")
        rec["seed"] = guest[-1]["seed"] if seed is None else seed
    t = tally(injects, ok, failed, undetected)
    rec.update(figures(t),
               failed_faults=[{"seq": r["seq"], "kind": r["kind"], "mode": r["mode"]}
                              for r in failed[:SHOWN]]
               + [{"n": u["n"], "undetected": True} for u in undetected[:SHOWN]],
               checks_failed=len(problems))
    return rec, problems, t


def tally(injects, ok, failed, undetected):
    """Per kind: {"injected": {kind: n}, "failed": {kind: n}, "recovery_us": {kind: [us]}}
    of one boot's inject, recovered (ok, not ok) and undetected records."""
    kind_of = {i["n"]: i["kind"] for i in injects}
    us = {}
    for r in ok:
        us.setdefault(r["kind"], []).append(r["recovery_us"])
    return {"injected": dict(Counter(i["kind"] for i in injects)),
            "failed": dict(Counter([r["kind"] for r in failed]
                                   + [kind_of.get(u["n"], "?") for u in undetected])),
            "recovery_us": us}


def _ms_figures(us):
    ms = [u / 1000 for u in us]
    return {"recovery_ms_p50": percentile(ms, 0.5), "recovery_ms_p99": percentile(ms, 0.99),
            "recovery_ms_max": max(ms) if ms else None}


def figures(t):
    """The recovery percentiles over all kinds and the `kinds` table of a tally:
    {kind: {injected, recovered, not_recovered, recovery_ms_p50/p99/max}}."""
    names = sorted(set(t["injected"]) | set(t["failed"]) | set(t["recovery_us"]))
    kinds = {k: {"injected": t["injected"].get(k, 0),
                 "recovered": len(t["recovery_us"].get(k, [])),
                 "not_recovered": t["failed"].get(k, 0), **_ms_figures(t["recovery_us"].get(k, []))}
             for k in names}
    return {**_ms_figures([u for k in names for u in t["recovery_us"].get(k, [])]), "kinds": kinds}


def part(records, count, seed, driver=None):
    """One boot's share of a campaign: {"record", "problems", "tally"} (JSON-ready)."""
    rec, problems, t = _aggregate(records, count, seed, driver)
    return {"record": rec, "problems": problems, "tally": t}


COUNTS = ("injected", "detected", "recovered", "not_recovered", "false_alarms", "undetected")


def merge(parts, count, seed):
    """(campaign record, problems) of a campaign's boots: parts as `part` gives them, each
    with its "boot" (index) and "seed", or with "error" (the boot left no record: it
    counts its planned "count" as not injected). count: the campaign's faults."""
    rec = {"ev": "campaign", **{k: 0 for k in COUNTS}, "seed": seed}
    t = {"injected": Counter(), "failed": Counter(), "recovery_us": {}}
    problems, failed_faults = [], []
    for p in parts:
        where = f"boot {p['boot']} (N={p['count']} SEED={p['seed']})"
        if "error" in p:
            problems.append(f"{where}: {p['error']}")
            continue
        for k in COUNTS:
            rec[k] += p["record"][k]
        problems += [f"{where}: {x}" for x in p["problems"]]
        failed_faults += [{**f, "boot": p["boot"], "boot_seed": p["seed"]}
                          for f in p["record"]["failed_faults"]]
        t["injected"].update(p["tally"]["injected"])
        t["failed"].update(p["tally"]["failed"])
        for k, us in p["tally"]["recovery_us"].items():
            t["recovery_us"].setdefault(k, []).extend(us)
    if rec["injected"] != count:
        problems.append(f"{rec['injected']} of {count} faults injected")
    rec.update(figures(t), failed_faults=failed_faults[:SHOWN], boots=len(parts),
               checks_failed=len(problems))
    return rec, problems


def verdict(rec, problems):
    """None when the campaign passed, else one line saying why (with the seed to rerun)."""
    if not rec["not_recovered"] and not problems:
        return None
    why = [f"{rec['not_recovered']} not recovered"] if rec["not_recovered"] else []
    return (f"fault campaign (seed {rec['seed']}): " + "; ".join(why + problems[:SHOWN])
            + (f"; and {len(problems) - SHOWN} more" if len(problems) > SHOWN else ""))
