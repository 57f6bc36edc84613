"""The batch runner with a fake emulator: layout, failures, resumability."""
import csv
import io
import json
import threading
import time

import pytest

from experiments import images, runner, spec
from experiments.boot import Boot, new_run_dir


@pytest.fixture
def batch(tmp_path, monkeypatch):
    """An experiment of three runs whose boots are faked; `fail` picks the runs that fail."""
    f = tmp_path / "demo.yaml"
    f.write_text("description: demo\nsweep: {n: [1, 2, 3]}\nsystem: {sandboxes: 1}\n"
                 "expect: [run_end]\n")
    state = {"fail": set(), "booted": [], "builds": 0}

    def fake_build(sched, pmc, root=None):
        state["builds"] += 1
        return tmp_path / "build"

    def fake_boot(iso, name, results, config, timeout, **opts):
        run_dir = new_run_dir(results, name)
        key = name.split("/")[1]
        state["booted"].append(key)
        bad = key in state["fail"]
        recs = [] if bad else [{"ev": "run_end", "status": 0, "src": "monitor"}]
        (run_dir / "records.jsonl").write_text("".join(json.dumps(r) + "\n" for r in recs))
        (run_dir / "run.json").write_text(json.dumps(
            {"wall_s": 0.1, "ready_wall_s": None, "git_revision": "abc", "git_dirty": False}))
        return Boot(run_dir, recs, None if bad else 0, bad, 0.1, None, [], "",
                    None if bad else 1)

    monkeypatch.setattr(images, "build", fake_build)
    monkeypatch.setattr(images, "iso_for", lambda run, build, root=None: ("x.iso", None))
    monkeypatch.setattr(runner, "boot", fake_boot)
    s = spec.load(str(f))
    results = tmp_path / "results"

    def run(**kw):
        state["booted"].clear()
        return runner.execute(s, results, jobs=2, log=lambda m: None,
                              progress_stream=io.StringIO(), **kw)
    return s, results, state, run


def test_layout_and_one_failure_does_not_stop_the_batch(batch):
    s, results, state, run = batch
    state["fail"] = {"n-2_r0"}
    assert run() == (3, 1)
    assert state["builds"] == 1                        # one (sched, pmc): built once
    assert sorted(state["booted"]) == ["n-1_r0", "n-2_r0", "n-3_r0"]
    assert (results / "demo" / "experiment.yaml").read_text() == s.path.read_text()
    latest = results / "demo" / "n-2_r0" / "latest"
    outcome = json.loads((latest / "outcome.json").read_text())
    assert outcome["ok"] is False and outcome["reason"].startswith("timeout")
    assert json.loads((latest / "params.json").read_text())["params"] == {"n": 2}
    rows = list(csv.DictReader(open(results / "demo" / "runs.csv")))
    assert {r["run"]: r["ok"] for r in rows} == {"n-1_r0": "True", "n-2_r0": "False",
                                                 "n-3_r0": "True"}


def test_next_batch_runs_only_what_is_not_complete_and_rerun_runs_all(batch):
    s, results, state, run = batch
    state["fail"] = {"n-2_r0"}
    run()
    state["fail"] = set()
    assert run() == (1, 0)
    assert state["booted"] == ["n-2_r0"]
    assert len([p for p in (results / "demo" / "n-2_r0").iterdir() if p.name != "latest"]) == 2
    assert run() == (0, 0) and state["booted"] == []
    assert run(rerun=True) == (3, 0)


def test_index_selects_runs(batch):
    s, results, state, run = batch
    run(indices=[2])
    assert state["booted"] == ["n-3_r0"]


def test_build_failure_fails_its_runs_with_the_reason(batch, monkeypatch):
    s, results, state, run = batch

    def broken(sched, pmc, root=None):
        raise images.BuildError("make failed:\nkernel/x.c:1: error")
    monkeypatch.setattr(images, "build", broken)
    assert run() == (3, 3)
    o = runner.latest_outcome(results, s.runs[0])
    assert o["reason"] == "build failed: make failed:\nkernel/x.c:1: error"
    assert state["booted"] == []


def test_a_harness_error_in_one_run_is_that_run_failing(batch, monkeypatch):
    s, results, state, run = batch
    monkeypatch.setattr(runner, "boot", lambda *a, **k: (_ for _ in ()).throw(OSError("no qemu")))
    assert run() == (3, 3)
    assert runner.latest_outcome(results, s.runs[1])["reason"] == "OSError: no qemu"


def test_bochs_is_refused_clearly_when_boot_cannot_choose(monkeypatch):
    monkeypatch.setattr(runner, "boot", lambda iso, name, results="r", config=None, timeout=1: 0)
    assert runner.emulator_options("qemu") == {}
    with pytest.raises(RuntimeError, match="emulator: bochs needs"):
        runner.emulator_options("bochs")
    monkeypatch.setattr(runner, "boot", lambda iso, name, emulator="qemu": 0)
    assert runner.emulator_options("bochs") == {"emulator": "bochs"}


def test_interrupt_stops_the_batch_without_starting_queued_runs(batch, monkeypatch):
    s, results, state, run = batch
    booted = []

    def interrupted(iso, name, **kw):
        booted.append(name)
        raise KeyboardInterrupt
    monkeypatch.setattr(runner, "boot", interrupted)
    with pytest.raises(KeyboardInterrupt):
        runner.execute(s, results, jobs=1, log=lambda m: None, progress_stream=io.StringIO())
    assert booted == ["demo/n-1_r0"]


def test_loaded_runs_go_one_at_a_time_and_the_others_beside_them(batch, tmp_path, monkeypatch):
    s, results, state, run = batch
    web = tmp_path / "web.yaml"
    web.write_text("description: web\nsweep: {n: [1, 2]}\nsystem: {sandboxes: 2, net: true}\n"
                   "load: {rate: 10, seconds: 1, phases: [driver]}\ntimeout: 200\n"
                   "expect: [run_end]\nwall_s: 5\n")
    w = spec.load(str(web))
    cap = tmp_path / "cap.yaml"
    cap.write_text("description: capacity\nsystem: {sandboxes: 1}\nexpect: [run_end]\n"
                   "alone: true\n")
    c = spec.load(str(cap))
    spans, lock = [], threading.Lock()

    def timed_boot(iso, name, results, config, timeout, **opts):
        t0 = time.monotonic()
        time.sleep(0.3)
        with lock:
            spans.append((name.split("/")[0], t0, time.monotonic()))
        run_dir = new_run_dir(results, name)
        recs = [{"ev": "run_end", "status": 0, "src": "monitor"}]
        (run_dir / "records.jsonl").write_text(json.dumps(recs[0]) + "\n")
        (run_dir / "run.json").write_text(json.dumps({"wall_s": 0.3, "ready_wall_s": None,
                                                      "git_revision": "abc",
                                                      "git_dirty": False}))
        return Boot(run_dir, recs, 0, False, 0.3, None, [], "", 1)
    monkeypatch.setattr(runner, "boot", timed_boot)
    monkeypatch.setattr(runner.webserver, "boot_options", lambda *a, **k: {})
    out = io.StringIO()
    assert runner.execute_set([c, s, w], results, jobs=2, log=lambda m: None,
                              progress_stream=out) == (6, 0), out.getvalue()

    def overlap(a, b):
        return a[1] < b[2] and b[1] < a[2]
    timed = [x for x in spans if x[0] == "web"]
    free = [x for x in spans if x[0] == "demo"]
    (alone,) = [x for x in spans if x[0] == "cap"]
    assert len(timed) == 2 and not overlap(*timed)
    assert not any(overlap(alone, x) for x in spans if x is not alone)
    assert alone[1] >= max(t[2] for t in timed)                     # after the loaded runs
    assert any(overlap(t, f) for t in timed for f in free)          # beside each other
    for t in timed:                                                  # one free run beside
        assert not any(overlap(a, b) and overlap(a, t) and overlap(b, t)
                       for i, a in enumerate(free) for b in free[i + 1:])
    lines = out.getvalue().splitlines()
    assert len(lines) == 6 and lines[-1].startswith("[6/6] ok ") and "ETA 0:00" in lines[-1]
    batch = json.loads((results / "batch.json").read_text())
    assert batch["experiments"] == ["cap", "demo", "web"] and batch["runs"] == 6
    assert batch["failed"] == 0 and batch["seconds"] > 0 and batch["profile"] == "quick"
    assert {ln.split()[2].split("/")[0] for ln in lines} == {"demo", "web", "cap"}


def test_full_version_merges_over_the_file_and_quick_runs_do_not_count_for_it(batch, tmp_path):
    s, results, state, run = batch
    f = tmp_path / "two.yaml"
    f.write_text("description: two\nsystem: {sandboxes: 1, args: a}\nexpect: [run_end]\n"
                 "full: {repetitions: 2, system: {args: b}}\n")
    quick, full = spec.load(str(f)), spec.load(str(f), full=True)
    assert [r.key for r in quick.runs] == ["default_r0"] and quick.runs[0].system["args"] == "a"
    assert [r.key for r in full.runs] == ["default_r0", "default_r1"]
    assert full.runs[0].system == {"sandboxes": 1, "args": "b"} and full.runs[0].profile == "full"
    assert runner.execute(quick, results, jobs=1, log=lambda m: None,
                          progress_stream=io.StringIO()) == (1, 0)
    assert runner.complete(results, quick.runs[0]) and not runner.complete(results, full.runs[0])
