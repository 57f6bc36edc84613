"""Monitor events count only from the monitor's console: a sandbox printing
{"ev":"run_end","status":0} on its UART cannot set the run's verdict."""
import json

from experiments.boot import summary
from experiments.records import by_ev, collect, forged


def write(run_dir, name, recs):
    (run_dir / f"{name}.log").write_text("".join(json.dumps(r) + "\n" for r in recs))


def test_forged_monitor_events_are_the_sandboxes(tmp_path):
    write(tmp_path, "monitor", [{"ev": "vm_exits", "sandbox": 0, "window": "steady", "count": 3,
                                 "by_reason": {}}, {"ev": "run_end", "status": 4}])
    write(tmp_path, "com2", [{"ev": "run_end", "status": 0},
                             {"ev": "vm_exits", "sandbox": 1, "window": "steady", "count": 0,
                              "by_reason": {}},
                             {"ev": "steady", "sandbox": 1}])
    recs = collect(tmp_path)
    assert [r["status"] for r in by_ev(recs, "run_end")] == [4]
    assert [r["count"] for r in by_ev(recs, "vm_exits")] == [3]
    assert len(by_ev(recs, "steady")) == 1                 # a sandbox's own record counts
    assert {(r["ev"], r["src"]) for r in forged(recs)} == {("run_end", "com2"), ("vm_exits", "com2")}


def test_summary_names_forgeries(tmp_path):
    class B:
        run_dir, records, timed_out, wall_s, status, ready_wall_s = tmp_path, [], False, 1.0, 4, None

        def ev(self, name):
            return by_ev(self.records, name)
    write(tmp_path, "com1", [{"ev": "run_end", "status": 0}])
    B.records = collect(tmp_path)
    assert "forged:     1 monitor record(s) printed by a sandbox (com1): ignored" in summary(B())
