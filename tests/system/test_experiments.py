"""The experiments harness end to end: a tiny batch of two real boots, one forced to time out."""
import csv
import json
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PY = "/usr/bin/python3"

# Named boot so that analysis/boot.py plots it. The hang case asks for a
# ten-minute steady window and gets eight seconds.
TINY = """\
description: two boots of one sandbox, the second one killed by its timeout
qemu: {icount: false}
timeout: "{timeout}"
expect: [sandbox_ready]
cases:
  - {case: fine, sandboxes: 1, timeout: 90, steady: 0}
  - {case: hang, sandboxes: 1, timeout: 8, steady: 600000}
system: {sandboxes: "{sandboxes}", args: "steady_ms={steady}"}
"""


def harness(*args):
    return subprocess.run([PY, "-m", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)


def attempts(run_root):
    return sorted(p for p in run_root.iterdir() if p.name != "latest")


def test_tiny_batch_end_to_end(tmp_path):
    exp = tmp_path / "boot.yaml"
    exp.write_text(TINY)
    results = tmp_path / "results"
    r = harness("experiments", "run", str(exp), "--results", str(results), "-j", "2")
    assert r.returncode == 1, r.stdout + r.stderr              # exit status: one failed run
    assert "FAIL boot/case-hang_r0" in r.stderr and "timeout: killed after 8 s" in r.stderr

    base = results / "boot"
    fine, hang = base / "case-fine_r0" / "latest", base / "case-hang_r0" / "latest"
    for f in ("run.json", "records.jsonl", "params.json", "outcome.json", "summary.csv",
              "system.conf", "com1.log", "monitor.log"):
        assert (fine / f).exists(), f
    assert json.loads((fine / "outcome.json").read_text())["ok"] is True
    run_json = json.loads((fine / "run.json").read_text())
    assert run_json["git_revision"] and "git_dirty" in run_json and run_json["command"]
    assert 'args = "steady_ms=0"' in (fine / "system.conf").read_text()

    failure = json.loads((hang / "outcome.json").read_text())
    assert failure["ok"] is False and failure["reason"] == "timeout: killed after 8 s"
    assert failure["log_tail"], "a failed run keeps the tail of its logs"
    rows = {row["run"]: row for row in csv.DictReader(open(base / "runs.csv"))}
    assert rows["case-fine_r0"]["ok"] == "True" and rows["case-fine_r0"]["exits_steady"] == "0"
    assert rows["case-hang_r0"]["reason"] == "timeout: killed after 8 s"

    # Resumable: the next batch boots only the failed run again.
    r = harness("experiments", "run", str(exp), "--results", str(results), "-j", "2")
    assert "1 complete (skipped), 1 to run" in r.stdout
    assert len(attempts(base / "case-fine_r0")) == 1
    assert len(attempts(base / "case-hang_r0")) == 2

    # Analysis plots the ok run with gnuplot and names the failure.
    r = harness("analysis", "boot", "--results", str(results))
    assert r.returncode == 0, r.stderr
    png = base / "boot.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (base / "boot.svg").exists()
    assert "**1 run(s) failed**" in (base / "boot.md").read_text()


WEB = """\
description: one networked run under a short httperf load
wall_s: 20
timeout: 150
expect: [net_ready, httperf]
system: {sandboxes: 2, net: true, args: "steady_ms=0"}
load: {rate: 20, seconds: 3, phases: [driver]}
"""


def test_a_batch_of_two_experiments_runs_the_loaded_run_beside_the_others(tmp_path):
    """make reproduce's shape at a small size: one batch, one progress line per run across
    both experiments, the loaded run one at a time beside the boots."""
    boot, web = tmp_path / "boot.yaml", tmp_path / "web.yaml"
    boot.write_text(TINY.replace("  - {case: hang, sandboxes: 1, timeout: 8, steady: 600000}\n",
                                 "  - {case: two, sandboxes: 2, timeout: 90, steady: 0}\n"))
    web.write_text(WEB)
    results = tmp_path / "results"
    r = harness("experiments", "run", str(boot), str(web), "--results", str(results), "-j", "2")
    assert r.returncode == 0, r.stdout + r.stderr
    lines = [ln for ln in r.stderr.splitlines() if ln.startswith("[")]
    assert [ln.split()[0] for ln in lines] == ["[1/3]", "[2/3]", "[3/3]"]
    assert {ln.split()[2] for ln in lines} == {"boot/case-fine_r0", "boot/case-two_r0",
                                               "web/default_r0"}
    assert "runs under a load go one at a time; the 2 others beside them on 1 worker(s)" in r.stdout
    for exp in ("boot", "web"):
        for row in csv.DictReader(open(results / exp / "runs.csv")):
            assert row["ok"] == "True" and float(row["cpu_s"]) > 0, row
