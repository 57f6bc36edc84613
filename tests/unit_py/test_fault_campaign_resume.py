"""A fault campaign of many boots (experiments/faults.py): its plan of boots and seeds,
the merged verdict, the progress line with its ETA, and resuming after an interruption
(boots faked: no emulator runs here)."""
import io
import json
import threading
import time

import pytest

from experiments import campaign, faultplan, faults, faultsession
from experiments.faultsession import FaultProgress
from test_campaign import run


def test_boots_split_n_and_boot_0_keeps_the_seed():
    plan = faults.boots(12_000, 7, 5000)
    assert [(i, n) for i, n, _ in plan] == [(0, 5000), (1, 5000), (2, 2000)]
    seeds = [s for _, _, s in plan]
    assert seeds[0] == 7 and len(set(seeds)) == 3
    assert all(1 <= s <= faults.SEED_SPACE for s in seeds)
    assert faults.boots(12_000, 7, 5000) == plan              # the same plan every time
    assert faults.boots(12_000, 8, 5000)[1][2] != seeds[1]      # another seed, other boots
    assert faults.boots(50, 3, 5000) == [(0, 50, 3)]            # one boot: make faults N=50 SEED=3


def _part(boot, n, seed, us=1000, **record):
    p = campaign.part(run(n), n, seed, driver=0)
    for r in p["tally"]["recovery_us"].values():
        r[:] = [us + i for i in range(len(r))]
    p["record"].update(record)
    return {"boot": boot, "count": n, "seed": seed, "started": 10.0 * boot,
            "ended": 10.0 * boot + 5, **p}


def test_merge_adds_boots_and_takes_percentiles_over_all_of_them():
    rec, problems = campaign.merge([_part(0, 4, 7), _part(1, 4, 99, us=50_000)], 8, 7)
    assert problems == [] and campaign.verdict(rec, problems) is None
    assert (rec["injected"], rec["recovered"], rec["not_recovered"], rec["boots"]) == (8, 8, 0, 2)
    assert rec["seed"] == 7 and rec["recovery_ms_max"] == 50.003
    assert rec["kinds"]["wild-write"]["injected"] == 8
    assert rec["kinds"]["wild-write"]["recovered"] == 8


def test_merge_names_the_boot_that_failed_and_counts_what_is_missing():
    bad = _part(1, 4, 99)
    bad["problems"] = ["kernel code of sandbox [1] changed"]
    lost = {"boot": 2, "count": 4, "seed": 5, "started": 0, "ended": 1,
            "error": "the boot left no records: timeout"}
    rec, problems = campaign.merge([_part(0, 4, 7), bad, lost], 12, 7)
    assert "boot 1 (N=4 SEED=99): kernel code of sandbox [1] changed" in problems
    assert "boot 2 (N=4 SEED=5): the boot left no records: timeout" in problems
    assert "8 of 12 faults injected" in problems
    assert rec["checks_failed"] == 3 and campaign.verdict(rec, problems)


def test_busy_seconds_count_overlapping_boots_once():
    parts = [{"started": 0, "ended": 10}, {"started": 5, "ended": 12}, {"started": 20, "ended": 21}]
    assert faults.busy_s(parts) == 13


def test_progress_shows_an_eta_from_this_sessions_rate_only():
    now = [0.0]
    out = io.StringIO()
    p = FaultProgress(100, out, clock=lambda: now[0], every=0)
    p.restore(_part(0, 40, 1))          # 40 done before: not part of the rate
    for i in range(10):
        p.see({"ev": "inject"})
        p.see({"ev": "recovered", "kind": "hang", "ok": True, "recovery_us": 2000})
    now[0] = 5.0                        # 10 faults in 5 s: 2/s, 50 left
    p.show()
    line = out.getvalue().strip()
    assert line.startswith("faults: 50/100 done, 50 recovered, 0 not recovered")
    assert line.endswith("2.0/s, ETA 0:25")


class FakeBoots:
    """run_boot without QEMU: each boot recovers all its faults; the boot named by
    interrupt_at raises KeyboardInterrupt (Ctrl-C) instead."""

    def __init__(self, interrupt_at=None):
        self.booted, self.interrupt_at = [], interrupt_at

    def __call__(self, results, s, key, i, count, images, follower, log):
        self.booted.append(i)
        if i == self.interrupt_at:
            raise KeyboardInterrupt
        return _part(i, count, s.runs[0].fault.seed)


def test_an_interrupted_campaign_resumes_and_counts_each_fault_once(tmp_path, monkeypatch):
    monkeypatch.setattr(faults.runner, "Images", lambda log: None)
    monkeypatch.setattr(faults, "run_boot", FakeBoots(interrupt_at=2))
    with pytest.raises(KeyboardInterrupt):
        faults.run_campaign(10, 3, per_boot=3, results=tmp_path, stream=io.StringIO())
    folder = faults.campaign_dir(tmp_path, 10, 3, "none")
    kept = [json.loads(l) for l in (folder / "state.jsonl").read_text().splitlines()]
    assert [p.get("boot") for p in kept] == [None, 0, 1]        # the plan, then boots 0 and 1

    again = FakeBoots()
    monkeypatch.setattr(faults, "run_boot", again)
    rec, problems, _ = faults.run_campaign(10, 3, per_boot=3, results=tmp_path,
                                           stream=io.StringIO())
    assert again.booted == [2, 3]                               # only what was left
    assert problems == [] and (rec["injected"], rec["recovered"], rec["boots"]) == (10, 10, 4)
    # Run once more: nothing left to boot, the same verdict.
    monkeypatch.setattr(faults, "run_boot", FakeBoots())
    assert faults.run_campaign(10, 3, per_boot=3, results=tmp_path,
                               stream=io.StringIO())[0]["injected"] == 10


def test_a_state_of_another_plan_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(faults.runner, "Images", lambda log: None)
    monkeypatch.setattr(faults, "run_boot", FakeBoots())
    faults.run_campaign(4, 3, per_boot=2, results=tmp_path, stream=io.StringIO())
    with pytest.raises(SystemExit, match="another plan"):
        faults.run_campaign(4, 3, per_boot=3, results=tmp_path, stream=io.StringIO())


def test_a_silent_driver_sandbox_ends_its_boot_as_stalled(monkeypatch):
    """Faults unresolved and no record from the driver sandbox for STALL_S: the session
    stops serving at once (the run then fails) instead of waiting for the timeout."""
    monkeypatch.setattr(faultsession, "STALL_S", 0.2)
    plan = faultplan.parse({"kinds": ["hang"], "count": 3})
    s = faultsession.FaultSession([], {}, plan=plan, driver=0, rescuer=1, stream=io.StringIO())
    s.progress.see({"ev": "recovered", "kind": "hang", "ok": True, "recovery_us": 1000})
    monitor = {"ev": "violation", "sandbox": 0, "kind": "nested_fault", "src": "monitor"}
    feeder = threading.Thread(target=lambda: [(s._see([monitor]), time.sleep(0.05))
                                              for _ in range(60)], daemon=True)
    feeder.start()                  # the monitor's records about it (3 s of them) do not count
    t0 = time.monotonic()
    s._serve(lambda: True)          # returns by itself: nothing from the driver for 0.2 s
    assert time.monotonic() - t0 < 1.5
    assert s.stalled.startswith("the driver sandbox stalled: no record for 0.2 s with 1 of 3")


def test_an_icount_campaign_boots_under_icount_in_its_own_folder(tmp_path, monkeypatch):
    """make faults ICOUNT=1: every boot's spec runs QEMU under -icount, with a longer
    timeout, and the state is kept apart from the same N and SEED in host time."""
    specs = []

    def boot(results, s, key, i, count, images, follower, log):
        specs.append(s)
        return _part(i, count, s.runs[0].fault.seed)
    monkeypatch.setattr(faults.runner, "Images", lambda log: None)
    monkeypatch.setattr(faults, "run_boot", boot)
    rec, problems, _ = faults.run_campaign(4, 3, per_boot=2, results=tmp_path,
                                           stream=io.StringIO(), icount=True)
    assert problems == [] and rec["injected"] == 4
    assert [s.runs[0].qemu["icount"] for s in specs] == [True, True]
    assert specs[0].runs[0].timeout > faults.campaign_spec(2, 3).runs[0].timeout
    assert not faults.campaign_spec(2, 3).runs[0].qemu["icount"]
    folder = faults.campaign_dir(tmp_path, 4, 3, "none", icount=True)
    assert folder.name == "campaign-n4-s3-icount"
    assert json.loads((folder / "state.jsonl").read_text().splitlines()[0])["icount"] is True
    assert not faults.campaign_dir(tmp_path, 4, 3, "none").exists()


def test_every_boot_of_a_long_icount_campaign_fits_the_kernel_args():
    """clock=icount takes 13 of a sandbox's 127 characters of args: boots after the first
    get seeds short enough (a 10-digit one did not fit: measured, N=10000 ICOUNT=1)."""
    plan = faults.boots(100_000, 2, 5000, icount=True)
    assert len(plan) == 20 and all(s <= faults.ICOUNT_SEED_SPACE for _, _, s in plan[1:])
    for _, count, seed in plan:
        faults.campaign_spec(count, seed, icount=True)      # SpecError if they did not fit
