"""Outage and progress gaps of the webserver-fault analysis; the console tail it relies on."""
import pytest

from analysis.webserver_fault import max_gap, outage
from experiments.consoletail import ConsoleTail


def test_outage_is_the_longest_reply_gap_overlapping_fault_to_recovery():
    done = [i / 100 for i in range(100)] + [1.5 + i / 100 for i in range(50)]   # silent 0.99-1.5
    assert outage(done, 1.0, 1.2) == pytest.approx(0.51)
    assert outage(done, 0.2, 0.3) == pytest.approx(0.01)      # far from the hole: normal spacing
    assert outage([0.1, 5.0], 4.0, 6.0) == pytest.approx(4.9)  # a gap that began before the fault


def test_outage_counts_silence_up_to_the_window_edges():
    assert outage([], 1.0, 3.0) == pytest.approx(2.0)
    assert outage([0.5], 1.0, 3.0) == pytest.approx(2.5)       # nothing after the last reply


def test_max_gap():
    assert max_gap([300, 100, 200, 600]) == 300 and max_gap([5]) == 0


def test_console_tail_returns_complete_new_records_once(tmp_path):
    log = tmp_path / "com1.log"
    log.write_text('noise\n{"ev":"inject","n":0}\n{"ev":"fau')
    tail = ConsoleTail(tmp_path, ["com1"])
    assert [r["ev"] for r in tail.poll()] == ["inject"]
    with open(log, "a") as f:
        f.write('lt","seq":0}\n')
    assert tail.poll() == [{"ev": "fault", "seq": 0, "src": "com1"}]
    assert tail.poll() == []
