"""make fuzz-hypercalls at a small size: four sandboxes fuzz the monitor at once,
and the run's summary line says every check held."""
import json
import subprocess

from conftest import ROOT


def test_make_fuzz_hypercalls_small():
    # Virtual time: the probe's deadlines cannot be missed for the host's load.
    out = subprocess.run(["make", "-s", "fuzz-hypercalls", "N=8002", "SEED=7", "ICOUNT=1"], cwd=ROOT,
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    s = json.loads([l for l in out.stdout.splitlines() if l.startswith("{")][-1])
    assert s["ev"] == "hcfuzz_summary" and s["failed"] == []
    assert s["calls"] == 8002 and s["seed"] == 7
    assert s["per_sandbox"] == {"0": 2001, "1": 2001, "2": 2000, "3": 2000}
    # Both answers of every pointer call were reached, and unknown numbers refused.
    for name in ("log", "exit_counts"):
        assert s["refused"][name] > 0 and s["accepted"][name] > 0
    assert s["refused"]["unknown"] > 0 and s["accepted"]["unknown"] == 0
    assert s["checksums"]["monitor"] == [True] and s["checksums"]["probe"] == "16/16"
    assert all(s["checksums"]["witness"].values()) and len(s["checksums"]["witness"]) == 8
    assert s["steady"]["exits"] == 0 and s["icount"] is True
    summary = ROOT / "results/fuzz-hypercalls/summary.jsonl"
    assert json.loads(summary.read_text().splitlines()[-1])["run_dir"] == s["run_dir"]
