"""Judging a boot: ok, or failed with a reason someone can act on."""
from experiments.boot import Boot
from experiments.outcome import judge


def boot(tmp_path, records, status=None, timed_out=False, rc=1, emulator="qemu"):
    (tmp_path / "monitor.log").write_text("line 1\nline 2\n")
    b = Boot(tmp_path, records, status, timed_out, 1.0, None, [], "", rc)
    b.emulator = emulator
    return b


def test_clean_run_is_ok(tmp_path):
    o = judge(boot(tmp_path, [{"ev": "run_end", "status": 0}], status=0), 60, [])
    assert o == {"ok": True, "status": 0, "reason": None, "log_tail": {}}


def test_timeout_is_a_failure_with_the_log_tail(tmp_path):
    o = judge(boot(tmp_path, [], timed_out=True, rc=None), 5, [])
    assert not o["ok"] and o["reason"] == "timeout: killed after 5 s"
    assert o["log_tail"]["monitor.log"] == ["line 1", "line 2"]


def test_failed_status_says_why(tmp_path):
    recs = [{"ev": "config_error", "line": 3, "msg": "core 9 does not exist"},
            {"ev": "run_end", "status": 2}]
    o = judge(boot(tmp_path, recs, status=2), 60, [])
    assert "run status 2 (bad system config)" in o["reason"]
    assert "core 9 does not exist" in o["reason"]


def test_native_status_comes_from_the_debug_exit_code(tmp_path):
    assert judge(boot(tmp_path, [], rc=1), 60, [])["ok"]            # 2*0+1
    o = judge(boot(tmp_path, [], rc=3), 60, [])                      # 2*1+1
    assert o["status"] == 1 and not o["ok"]


def test_under_bochs_natively_the_kernel_record_decides(tmp_path):
    o = judge(boot(tmp_path, [{"ev": "sandbox_done", "status": 0}], rc=1, emulator="bochs"), 60, [])
    assert o["ok"] and o["status"] == 0


def test_schema_errors_and_missing_expected_events_fail_a_clean_run(tmp_path):
    b = boot(tmp_path, [{"ev": "run_end", "status": 0}], status=0)
    assert "fail the schema, first: bad" in judge(b, 60, ["bad"])["reason"]
    assert judge(b, 60, [], expect=("run_end", "tlb"))["reason"] == "no record of tlb (expect:)"
