"""Containment and the refusal paths: a sandbox that faults is stopped and
reported while the others run on; a CPU without SVM gets a clear error;
the sandbox kernel also boots natively (the no-virtualization baseline)."""
from pathlib import Path

from conftest import ROOT, make_iso, run_iso, sandbox_section
from experiments.qemu import decode_exit

STATUS_NO_VIRT = 3
STATUS_SANDBOX = 4


# Sandbox 1 stores outside its RAM, sandbox 2 triple-faults, 0 and 3 are healthy.
CONTAINMENT_CONFIG = (sandbox_section(0) + sandbox_section(1, extra='args = "fault=wild"')
                      + sandbox_section(2, extra='args = "fault=triple"') + sandbox_section(3))


def check_contained(b):
    """A run of CONTAINMENT_CONFIG kept each fault inside its sandbox."""
    assert not b.timed_out
    # Sandbox 2 triple-faulted: the monitor stopped it and said why.
    faults = b.ev("sandbox_fault")
    assert [(f["sandbox"], f["reason"]) for f in faults] == [(2, "triple_fault")]
    # Sandbox 1 stored outside its RAM: the monitor logged the violation and
    # reflected it; the kernel could not handle it and ended with a failure.
    assert any(v["sandbox"] == 1 and v["kind"] == "nested_fault" and v["access"] == "write"
               for v in b.ev("violation"))
    assert [e["sandbox"] for e in b.ev("exception")] == [1]
    ends = {e["sandbox"]: e for e in b.ev("sandbox_end")}
    assert ends[1]["status"] == 1 and ends[2]["how"] == "stopped"
    # The healthy ones probed, ran their steady window without exits, ended well.
    for sb in (0, 3):
        assert ends[sb]["how"] == "ended" and ends[sb]["status"] == 0
        assert any(s["sandbox"] == sb for s in b.ev("steady"))
    steady = {e["sandbox"]: e["count"] for e in b.ev("vm_exits") if e["window"] == "steady"}
    assert steady[0] == 0 and steady[3] == 0
    assert all(s["unchanged"] for s in b.ev("isolation_checksum"))
    assert b.status == STATUS_SANDBOX


def test_faulting_sandboxes_are_contained(tmp_path):
    check_contained(run_iso(make_iso(CONTAINMENT_CONFIG, tmp_path), "containment"))


def test_cpu_without_svm_is_refused(tmp_path):
    b = run_iso(ROOT / "build/questv.iso", "no-svm", cpu="qemu64,-svm", timeout=120)
    errs = b.ev("virt_error")
    assert len(errs) == 1 and "SVM" in errs[0]["msg"]
    assert b.status == STATUS_NO_VIRT
    assert b.ev("sandbox_ready") == []


def test_kernel_boots_natively_without_monitor():
    b = run_iso(ROOT / "build/native.iso", "native", smp=1, timeout=120)
    ready = b.ev("sandbox_ready")
    assert len(ready) == 1 and ready[0]["virtualized"] is False
    assert b.ev("steady")[0]["timer_ticks"] > 500
    assert b.ev("sandbox_done")[0]["status"] == 0
    assert decode_exit(b.returncode) == 0
