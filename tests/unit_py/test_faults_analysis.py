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


def test_python_m_analysis_faults_writes_the_table(tmp_path, capsys):
    """`python3 -m analysis faults` on a results folder holding one campaign run."""
    import json
    from analysis.__main__ import main
    run_dir = tmp_path / "faults" / "default_r0" / "1"
    run_dir.mkdir(parents=True)
    (run_dir / "params.json").write_text(json.dumps(
        {"rep": 0, "params": {}, "qemu": {"icount": False}, "system": {}}))
    recs = [{"ev": "net_ready", "sandbox": 0, "role": "driver"},
            {"ev": "inject", "sandbox": 0, "n": 0, "kind": "tx-hang"},
            {"ev": "fault", "sandbox": 0, "seq": 0, "kind": "tx-hang", "detect_us": 3200},
            {"ev": "recovered", "sandbox": 0, "seq": 0, "kind": "tx-hang", "ok": True,
             "recovery_us": 4000},
            {"ev": "campaign", "seed": 1, "injected": 1, "recovered": 1, "not_recovered": 0,
             "false_alarms": 0, "checks_failed": 0}]
    (run_dir / "records.jsonl").write_text("".join(json.dumps(r) + "\n" for r in recs))
    (tmp_path / "faults" / "runs.csv").write_text(
        f"run,ok,reason,run_dir\ndefault_r0,True,,{run_dir}\n")
    assert main(["faults", "--results", str(tmp_path)]) == 0
    text = (tmp_path / "faults" / "faults.md").read_text()
    assert "| tx-hang | 1 | 1 | 0 | 3.2 | 3.2 | 3.2 | 4.0 | 4.0 | 4.0 |" in text
    assert "Seed 1: 1 injected, 1 recovered" in text


def test_tail_table_names_what_made_each_slow_recovery_long():
    """Recoveries over 10 ms split into detect, recover and serve: the largest part
    names the cause; a serve part that is mostly one gap past the 1 ms tick is the host's."""
    faults_ = [{"seq": 0, "kind": "hang", "detect_us": 9000},        # slow to find
               {"seq": 1, "kind": "hang", "detect_us": 3000},        # quick
               {"seq": 2, "kind": "wild-write", "detect_us": 10},    # served late: one gap
               {"seq": 3, "kind": "wild-write", "detect_us": 10},    # slow recovery phases
               {"seq": 4, "kind": "false-alarm", "detect_us": 5}]
    recovered = [
        {"seq": 0, "kind": "hang", "ok": True, "recovery_us": 12000, "serve_us": 1000,
         "max_gap_us": 900},
        {"seq": 1, "kind": "hang", "ok": True, "recovery_us": 4000, "serve_us": 500,
         "max_gap_us": 400},
        {"seq": 2, "kind": "wild-write", "ok": True, "recovery_us": 40000, "serve_us": 39000,
         "max_gap_us": 35000},
        {"seq": 3, "kind": "wild-write", "ok": True, "recovery_us": 30000, "serve_us": 100,
         "max_gap_us": 100},
        {"seq": 4, "kind": "false-alarm", "ok": True, "recovery_us": 90000}]
    t = faults.tail_table(faults_, recovered).set_index("kind")
    assert list(t.index) == ["hang", "wild-write", "all"]
    assert (t.loc["hang", "over 10 ms"], t.loc["hang", "detect"]) == (1, 1)
    ww = t.loc["wild-write"]
    assert (ww["over 10 ms"], ww["serve: host gap"], ww["recover"], ww["serve"]) == (2, 1, 1, 0)
    every = t.loc["all"]
    assert (every["recovered"], every["over 10 ms"]) == (4, 3)     # the false alarm apart
    assert every["gap max ms"] == 35.0
    assert faults.cause(faults_[2], {**recovered[2], "max_gap_us": 800}) == "serve"
    # The slow phases of seq 3 were the round trip to the rescuer (ipi_rtt, at 1 GHz).
    phases = [{"seq": 3, "phase": "ipi_rtt", "cycles": 25_000_000},
              {"seq": 3, "phase": "driver_reinit", "cycles": 1_000_000}]
    rescuer = faults.rescuer_ms(phases, {(None, None): 1e9})
    assert rescuer == {(None, None, 3): 25.0}
    ww = faults.tail_table(faults_, recovered, rescuer=rescuer).set_index("kind").loc["wild-write"]
    assert (ww["recover: rescuer"], ww["recover"]) == (1, 0)


def test_tail_table_tells_a_campaigns_boots_apart():
    """seq starts at 0 in every boot: a fault is matched with its own boot's records."""
    faults_ = [{"boot": b, "seq": 0, "kind": "hang", "detect_us": us}
               for b, us in ((0, 3000), (1, 30000))]
    recovered = [{"boot": b, "seq": 0, "kind": "hang", "ok": True, "recovery_us": us}
                 for b, us in ((0, 4000), (1, 31000))]
    t = faults.tail_table(faults_, recovered).set_index("kind")
    assert (t.loc["hang", "recovered"], t.loc["hang", "over 10 ms"]) == (2, 1)
    assert t.loc["hang", "detect"] == 1


def test_analysis_reads_the_newest_campaigns_boots(tmp_path):
    """make faults keeps its boots under results/faults/campaign-*/: the table is made
    from every boot the newest campaign kept."""
    import json
    from analysis.__main__ import main
    folder = tmp_path / "faults" / "campaign-n2-s1"
    lines = [{"ev": "campaign_plan", "n": 2, "seed": 1}]
    for i in range(2):
        run_dir = folder / f"boot{i:04d}" / "1"
        run_dir.mkdir(parents=True)
        recs = [{"ev": "net_ready", "sandbox": 0, "role": "driver"},
                {"ev": "inject", "sandbox": 0, "n": 0, "kind": "hang"},
                {"ev": "fault", "sandbox": 0, "seq": 0, "kind": "hang", "detect_us": 3000},
                {"ev": "recovered", "sandbox": 0, "seq": 0, "kind": "hang", "ok": True,
                 "recovery_us": 4000 + 20000 * i, "serve_us": 500, "max_gap_us": 300}]
        (run_dir / "records.jsonl").write_text("".join(json.dumps(r) + "\n" for r in recs))
        (run_dir / "summary.csv").write_text("run,host_load_1m\nx,2.5\n")
        lines.append({"boot": i, "run_dir": str(run_dir)})
    lines.append({"ev": "campaign", "seed": 1, "injected": 2, "recovered": 2, "not_recovered": 0,
                  "false_alarms": 0, "checks_failed": 0})
    for i in range(2):    # each boot's own verdict, of its one fault: not the campaign's
        with open(folder / f"boot{i:04d}" / "1" / "records.jsonl", "a") as f:
            f.write(json.dumps({"ev": "campaign", "seed": 7 + i, "injected": 1, "recovered": 1,
                                "not_recovered": 0, "false_alarms": 0, "checks_failed": 0}) + "\n")
    (folder / "state.jsonl").write_text("".join(json.dumps(r) + "\n" for r in lines))
    assert main(["faults", "--results", str(tmp_path)]) == 0
    text = (tmp_path / "faults" / "faults.md").read_text()
    assert "| hang | 2 | 2 | 0 |" in text and "campaign-n2-s1` (2 boot(s))" in text
    assert "| hang | 2 | 1 | 0 | 0 | 1 | 0 | 0 |" in text      # the 24 ms one: its phases
    assert "2.5, 2.5" in text
    assert "Seed 1: 2 injected, 2 recovered" in text


def test_host_note_sets_the_boots_against_what_the_host_gave_qemu():
    scheds = [{"run_s": 30.0, "wait_s": 60.0, "wall_s": 100.0, "wait_pct_max": 45.0, "load_1m": 9.5},
              {"run_s": 10.0, "wait_s": 0.0, "wall_s": 50.0, "wait_pct_max": 1.0, "load_1m": 0.5}]
    line = faults.host_note(scheds)
    assert "(2 boot(s), 150 s): 40 s on a core, 60 s runnable but waiting for one (60 %" in line
    assert "waited: 45 % of the wall time; host load 9.5, 0.5" in line
    assert faults.host_note([]) == ""
