"""analysis/faults.py: the campaign's per-kind table from records, false alarms apart."""
import math

from analysis import faults


def test_kinds_table_counts_and_spreads_per_kind_with_false_alarms_apart():
    injects = [{"kind": "hang"}] * 3 + [{"kind": "tx-wild-write"}] * 2
    found = ([{"kind": "hang", "detect_us": us} for us in (4000, 5000, 6000)]
             + [{"kind": "tx-wild-write", "detect_us": 300}]
             + [{"kind": "false-alarm", "detect_us": 10}])
    recovered = ([{"kind": "hang", "ok": True, "recovery_us": us} for us in (7000, 8000, 9000)]
                 + [{"kind": "tx-wild-write", "ok": False, "recovery_us": 2000000}]
                 + [{"kind": "false-alarm", "ok": True, "recovery_us": 1500}])
    t = faults.kinds_table(injects, found, recovered).set_index("kind")
    assert list(t.index) == ["hang", "tx-wild-write", "all", "false-alarm"]
    hang = t.loc["hang"]
    assert (hang["injected"], hang["recovered"], hang["not recovered"]) == (3, 3, 0)
    assert (hang["recovery ms p50"], hang["recovery ms max"]) == (8.0, 9.0)
    assert hang["detect ms p99"] == 6.0
    # One tx-wild-write undetected (no fault record), one found but not recovered.
    tx = t.loc["tx-wild-write"]
    assert (tx["injected"], tx["recovered"], tx["not recovered"]) == (2, 0, 2)
    assert math.isnan(tx["recovery ms p50"])
    every = t.loc["all"]
    assert (every["injected"], every["recovered"], every["not recovered"]) == (5, 3, 2)
    assert every["detect ms max"] == 6.0           # the false alarm is not a fault found
    alarm = t.loc["false-alarm"]
    assert (alarm["injected"], alarm["recovered"], alarm["recovery ms max"]) == (0, 1, 1.5)
