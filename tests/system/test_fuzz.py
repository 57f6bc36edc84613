"""make fuzz at a small size: AFL++ builds a target, fuzzes it and prints its JSON line."""
import json
import shutil
import subprocess

import pytest

from conftest import ROOT

pytestmark = pytest.mark.skipif(shutil.which("afl-fuzz") is None, reason="afl++ not installed (make deps)")


def test_make_fuzz_prints_one_record_per_target():
    out = subprocess.run(["make", "-s", "fuzz", "FUZZ_S=2", "FUZZ_TARGETS=vpmu_args spsc"], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    recs = [json.loads(l) for l in out.stdout.splitlines() if l.startswith("{")]
    assert [r["target"] for r in recs] == ["vpmu_args", "spsc"]
    for r in recs:
        assert r["ev"] == "fuzz" and r["crashes"] == 0
        assert r["execs"] > 0 and r["paths"] > 0
