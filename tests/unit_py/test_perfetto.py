"""The Perfetto export turns simulator and guest schedules into trace events."""
import json
import subprocess

from analysis.perfetto import chrome_trace, main

from conftest import ROOT  # noqa: F401  (sets sys.path)

TASKSET = "vcpu hi main 1000 5000\nthread job hi periodic 1000 5000\nvcpu lo main 2000 10000\nthread spin lo busy\n"


def sim_records(tmp_path):
    ts = tmp_path / "ts"
    ts.write_text(TASKSET)
    subprocess.run(["make", "-s", "build/sched-sim"], cwd=ROOT, check=True)
    out = subprocess.run([str(ROOT / "build/sched-sim"), "--policy", "rm", "--taskset", str(ts),
                          "--until", "20000"], capture_output=True, text=True, check=True).stdout
    return [json.loads(line) for line in out.splitlines()]


def test_simulator_schedule_becomes_slices(tmp_path):
    trace = chrome_trace(sim_records(tmp_path))
    slices = [e for e in trace["traceEvents"] if e["ph"] == "X"]
    names = {e["name"] for e in slices}
    assert names == {"job", "spin"}
    first = min(slices, key=lambda e: e["ts"])
    assert first["name"] == "job" and first["ts"] == 0 and first["dur"] == 1000
    tracks = {e["args"]["name"] for e in trace["traceEvents"] if e.get("name") == "thread_name"}
    assert tracks == {"VCPU hi", "VCPU lo"}
    assert any(e["name"] == "replenish" for e in trace["traceEvents"])


def test_guest_records_per_sandbox(tmp_path):
    recs = [
        {"ev": "trace_run", "sandbox": 1, "vcpu": "a", "thread": "t", "from": 0.5, "to": 2.0, "act": 0.5},
        {"ev": "trace_run", "sandbox": 2, "vcpu": "b", "thread": "u", "from": 1.0, "to": 3.0, "act": 1.0},
        {"ev": "trace_miss", "sandbox": 1, "vcpu": "a", "thread": "t", "release": 0.0,
         "deadline": 5.0, "t": 6.0},
        {"ev": "steady", "sandbox": 1},
    ]
    trace = chrome_trace(recs, sandbox=1)
    slices = [e for e in trace["traceEvents"] if e["ph"] == "X"]
    assert [(e["pid"], e["name"], e["dur"]) for e in slices] == [(1, "t", 1.5)]
    misses = [e for e in trace["traceEvents"] if e.get("cat") == "miss"]
    assert misses[0]["ts"] == 5.0


def test_cli_refuses_a_file_without_schedule(tmp_path, capsys):
    f = tmp_path / "records.jsonl"
    f.write_text('{"ev":"steady","sandbox":0}\n')
    assert main([str(f)]) == 1
    assert "no schedule" in capsys.readouterr().err
