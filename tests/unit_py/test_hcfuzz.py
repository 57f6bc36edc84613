"""The fuzz-hypercalls verdict from a run's records (experiments/hcfuzz.py)."""
from experiments import hcfuzz


def good_records(n=8):
    recs = [{"ev": "run_end", "status": 0, "src": "monitor"},
            {"ev": "monitor_integrity", "unchanged": True, "src": "monitor"}]
    for i, calls in enumerate(hcfuzz.shares(n)):
        recs += [{"ev": "hcfuzz", "sandbox": i, "calls": calls, "abi_violations": 0,
                  "arena_violations": 0, "cycles": 2000, "tsc_hz": 1000,
                  "refused": {"log": calls - 1}, "accepted": {"log": 1}, "src": f"com{i + 1}"},
                 {"ev": "hcfuzz_witness", "sandbox": i, "after": "own", "intact": True,
                  "src": f"com{i + 1}"},
                 {"ev": "hcfuzz_witness", "sandbox": i, "after": "all", "intact": True,
                  "src": f"com{i + 1}"},
                 {"ev": "integrity", "sandbox": i, "unchanged": True, "src": "monitor"},
                 {"ev": "vm_exits", "sandbox": i, "window": "steady", "count": 0, "src": "monitor"},
                 {"ev": "steady", "sandbox": i, "timer_ticks": 100, "ipis_received": 5,
                  "src": f"com{i + 1}"},
                 {"ev": "hcfuzz_wall", "sandbox": i, "ready_s": 1.0 + i, "done_s": 2.0 + i,
                  "src": "harness"}]
        recs += [{"ev": "isolation_checksum", "sandbox": i, "unchanged": True, "src": "monitor"}
                 for _ in range(4)]
    return recs


def test_shares_split_every_call():
    assert hcfuzz.shares(10) == [3, 3, 2, 2] and sum(hcfuzz.shares(1000001)) == 1000001


def test_config_gives_each_sandbox_its_share_and_the_seed():
    text = hcfuzz.config_text(10, 5)
    assert text.count("[sandbox ") == 4
    assert 'args = "hcfuzz=3 hcfuzz_seed=5' in text and 'args = "hcfuzz=2 hcfuzz_seed=5' in text
    # The fuzzers meet in a region of all four before the probe's arrival deadline.
    assert "[shared hcfuzz]\nsize = 8K\nsandboxes = 0 1 2 3\n" in text


def test_a_clean_run_passes_and_sums_by_call():
    s = hcfuzz.summarize(good_records(), 8, 1)
    assert s["failed"] == []
    assert s["calls"] == 8 and s["per_sandbox"] == {"0": 2, "1": 2, "2": 2, "3": 2}
    assert s["refused"] == {"log": 4} and s["accepted"] == {"log": 4}
    # Host time from the first sandbox ready to the last one done: 1.0 to 5.0 s.
    assert s["fuzz_wall_s"] == 4 and s["calls_per_s"] == 2


def test_each_broken_check_is_named():
    def failed(mutate, n=8):
        recs = good_records()
        mutate(recs)
        return hcfuzz.summarize(recs, n, 1)["failed"]

    def set_first(ev, **kw):
        return lambda recs: next(r for r in recs if r["ev"] == ev).update(kw)
    assert failed(set_first("monitor_integrity", unchanged=False)) == ["monitor_unchanged"]
    assert failed(set_first("hcfuzz_witness", intact=False)) == ["witness_intact"]
    assert failed(set_first("hcfuzz", abi_violations=1)) == ["abi_results"]
    assert failed(set_first("vm_exits", count=3)) == ["steady_no_exits"]
    assert failed(set_first("isolation_checksum", unchanged=False)) == ["probe_checksums_unchanged"]
    assert failed(set_first("run_end", status=4)) == ["run_end_ok"]
    assert failed(lambda recs: None, n=9) == ["all_calls_made"]
    # A sandbox printing the monitor's records, or another sandbox's, does not count.
    assert failed(set_first("monitor_integrity", src="com1")) == ["monitor_unchanged"]
    assert failed(set_first("hcfuzz_witness", src="com2")) == ["witness_intact"]
