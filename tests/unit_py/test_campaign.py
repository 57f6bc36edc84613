"""The campaign verdict from a fault run's records (experiments/campaign.py)."""
from experiments import campaign

PHASES = {"local": ["driver_switch", "driver_reinit", "network_reinit"],
          "remote": ["ipi_rtt", "driver_reinit", "network_reinit"]}


def fault_records(n, kind="wild-write", mode="local", seq=None, ok=True, us=1000, exits=True):
    """What the driver prints for injected fault n (recovered as seq)."""
    seq = n if seq is None else seq
    phases = (["vm_exit", "vm_enter"] if exits else []) + PHASES[mode]
    return ([{"ev": "inject", "sandbox": 0, "n": n, "kind": kind, "t_ms": 10 * n},
             {"ev": "fault", "sandbox": 0, "seq": seq, "kind": kind, "mode": mode}]
            + [{"ev": "recovery", "sandbox": 0, "seq": seq, "mode": mode, "phase": p, "cycles": 1}
               for p in phases]
            + [{"ev": "recovered", "sandbox": 0, "seq": seq, "kind": kind, "mode": mode, "ok": ok,
                "recovery_us": us}])


def run(n=4, guest=None, integrity=(True, True), **over):
    recs = []
    for i in range(n):
        recs += fault_records(i, mode="local" if i % 2 == 0 else "remote", us=1000 * (i + 1))
    tot = {"injected": n, "detected": n, "recovered": n, "not_recovered": 0, "seed": 7,
           **(guest or {})}
    recs.append({"ev": "fault_campaign", "sandbox": 0, **tot})
    recs += [{"ev": "integrity", "sandbox": i, "unchanged": u} for i, u in enumerate(integrity)]
    return recs


def test_a_clean_campaign_counts_everything_and_passes():
    rec, problems = campaign.aggregate(run(4), count=4, seed=7, driver=0)
    assert problems == []
    assert {k: rec[k] for k in ("injected", "detected", "recovered", "not_recovered", "seed")} == \
        {"injected": 4, "detected": 4, "recovered": 4, "not_recovered": 0, "seed": 7}
    assert rec["recovery_ms_max"] == 4.0 and rec["recovery_ms_p50"] in (2.0, 3.0)
    assert campaign.verdict(rec, problems) is None


def test_a_lost_inject_or_fault_record_is_found():
    recs = [r for r in run(5) if not (r["ev"] == "inject" and r["n"] == 2)]
    _, problems = campaign.aggregate(recs, count=5, driver=0)
    assert any("inject n: 1 missing" in p and "[2]" in p for p in problems)
    recs = [r for r in run(5) if not (r["ev"] == "fault" and r["seq"] == 3)]
    _, problems = campaign.aggregate(recs, count=5, driver=0)
    assert any("fault seq: 1 missing" in p for p in problems)


def test_not_recovered_and_undetected_fail_with_the_seed():
    recs = run(3, guest={"recovered": 2, "not_recovered": 2, "injected": 4, "detected": 3})
    recs[recs.index(next(r for r in recs if r["ev"] == "recovered" and r["seq"] == 1))]["ok"] = False
    recs.append({"ev": "inject", "sandbox": 0, "n": 3, "kind": "hang", "t_ms": 99})
    recs.append({"ev": "undetected", "sandbox": 0, "n": 3, "t_ms": 1099})
    rec, problems = campaign.aggregate(recs, count=4, driver=0)
    assert (rec["injected"], rec["recovered"], rec["not_recovered"], rec["undetected"]) == (4, 2, 2, 1)
    assert problems == []
    assert campaign.verdict(rec, problems).startswith("fault campaign (seed 7): 2 not recovered")


def test_false_alarms_are_counted_apart_and_keep_seq_contiguous():
    recs = run(2) + fault_records(9, kind="false-alarm", seq=2, exits=False)
    recs = [r for r in recs if not (r["ev"] == "inject" and r["n"] == 9)]
    rec, problems = campaign.aggregate(recs, count=2, driver=0)
    assert problems == [] and rec["false_alarms"] == 1 and rec["detected"] == 2


def test_changed_code_missing_phases_fallbacks_and_disagreeing_totals_are_problems():
    _, problems = campaign.aggregate(run(2, integrity=(True, False)), count=2, driver=0)
    assert any("sandbox [1] changed" in p for p in problems)
    recs = [r for r in run(2) if not (r["ev"] == "recovery" and r["phase"] == "ipi_rtt")]
    _, problems = campaign.aggregate(recs, count=2, driver=0)
    assert any("fault 1" in p and "need" in p for p in problems)
    recs = run(2)
    for r in recs:
        if r["ev"] == "recovery" and r["seq"] == 1:
            r["mode"] = "remote-failed"
    _, problems = campaign.aggregate(recs, count=2, driver=0)
    assert any("remote-failed" in p for p in problems)
    _, problems = campaign.aggregate(run(2, guest={"recovered": 1}), count=2, driver=0)
    assert any("fault_campaign says recovered 1" in p for p in problems)
    _, problems = campaign.aggregate(run(2), count=3, driver=0)
    assert any("2 of 3 faults injected" in p for p in problems)


def test_lone_vm_exit_is_incomplete():
    recs = [r for r in run(1) if not (r["ev"] == "recovery" and r["phase"] == "vm_enter")]
    _, problems = campaign.aggregate(recs, count=1, driver=0)
    assert problems and "both or neither" in problems[0]
