"""ApacheBench: its command line (loopback only), its totals, the ab load plan and the web
session that runs it, against a stand-in guest on 127.0.0.1 (no emulator)."""
import shutil

import pytest

from experiments import abench, loadplan, netsys, schema, webserver
from experiments.errors import SpecError
from test_httperf import FakeGuest, net_ready_log

# ab 2.3's summary (Debian 12 apache2-utils), as printed against a VNIC sandbox.
OUTPUT = """\
Benchmarking 127.0.0.1 (be patient)
Finished 11565 requests


Server Software:
Server Hostname:        127.0.0.1
Server Port:            33139

Document Path:          /
Document Length:        203 bytes

Concurrency Level:      10
Time taken for tests:   5.000 seconds
Complete requests:      11565
Failed requests:        3
   (Connect: 0, Receive: 0, Length: 3, Exceptions: 0)
Non-2xx responses:      2
Total transferred:      3319155 bytes
HTML transferred:       2347695 bytes
Requests per second:    2312.97 [#/sec] (mean)
Time per request:       4.323 [ms] (mean)
Time per request:       0.432 [ms] (mean, across all concurrent requests)
Transfer rate:          648.26 [Kbytes/sec] received

Percentage of the requests served within a certain time (ms)
  50%      1
  66%      1
  90%      2
  99%      5
 100%   1229 (longest request)
"""


def test_totals_are_parsed_with_failures_taken_off_the_good_replies():
    t = abench.parse_totals(OUTPUT)
    assert t == {"concurrency": 10, "duration_s": 5.0, "complete": 11565, "failed": 3,
                 "non_2xx": 2, "requests_per_s": 2312.97, "ms_per_request": 4.323,
                 "p50_ms": 1, "p90_ms": 2, "p99_ms": 5, "max_ms": 1229, "ok": 11560}
    assert abench.parse_totals("apr_socket_connect(): Connection refused (111)\n") == {}


def test_command_is_a_closed_loop_on_loopback_only():
    argv = abench.command(8080, 10, 5, timeout=2)
    assert argv[:5] == ["ab", "-r", "-c", "10", "-t"] and argv[-1] == "http://127.0.0.1:8080/"
    with pytest.raises(ValueError):
        abench.command(8080, 10, 5, host="10.0.0.1")
    with pytest.raises(ValueError):
        abench.command(8080, 0, 5)


NETS = [netsys.NetSandbox(0, "driver", "10.0.2.15"), netsys.NetSandbox(1, "vnic", "10.0.2.16")]


def test_ab_steps_repeat_every_phase_without_a_rate():
    steps = loadplan.steps({"client": "ab", "concurrency": 4, "repeat": 2, "seconds": 3,
                            "phases": ["vnic", "net"]}, NETS)
    assert [(s.phase, s.step, s.targets, s.client, s.concurrency, s.rate) for s in steps] == [
        (0, 0, (1,), "ab", 4, None), (0, 1, (1,), "ab", 4, None),
        (1, 0, (0, 1), "ab", 4, None), (1, 1, (0, 1), "ab", 4, None)]
    assert loadplan.duration(steps) == 4 * (3 + 5 + 5)


@pytest.mark.parametrize("load,key,problem", [
    ({"client": "wrk", "seconds": 5, "phases": [0]}, "load.client", "one of httperf, ab"),
    ({"client": "ab", "rate": 100, "seconds": 5, "phases": [0]}, "load.rate", "not a setting"),
    ({"rate": 100, "repeat": 2, "seconds": 5, "phases": [0]}, "load.repeat", "not a setting"),
    ({"client": "ab", "concurrency": 0, "seconds": 5, "phases": [0]}, "load.concurrency", "> 0"),
    ({"client": "ab", "phases": [0]}, "load.seconds", "missing"),
])
def test_bad_ab_loads_name_the_key(load, key, problem):
    with pytest.raises(SpecError) as e:
        loadplan.steps(load, NETS)
    assert e.value.key == key and problem in e.value.problem


@pytest.fixture
def web_guest():
    g = FakeGuest()
    yield g
    g.server.shutdown()


@pytest.mark.skipif(shutil.which("ab") is None, reason="ab (apache2-utils) not installed")
def test_web_session_runs_ab_and_keeps_its_output(web_guest, tmp_path):
    net_ready_log(tmp_path)
    nets = [netsys.NetSandbox(0, "driver", "10.0.2.15")]
    steps = loadplan.steps({"client": "ab", "concurrency": 2, "repeat": 2, "seconds": 1,
                            "phases": ["driver"], "timeout": 2}, nets)
    recs = webserver.WebSession(nets, {0: web_guest.port}, steps).run(tmp_path, lambda: True)
    assert "harness_error" not in [r["ev"] for r in recs], recs
    runs = [r for r in recs if r["ev"] == "ab"]
    assert [r["step"] for r in runs] == [0, 1]
    for r in runs:
        assert r["sustained"] and r["complete"] > 0 and r["ok"] == r["complete"]
        assert r["requests_per_s"] > 0 and (tmp_path / r["out"]).exists()
    assert web_guest.paths[-1] == "/end"
    # + the check; ab abandons the requests in flight when its time is up
    served = web_guest.paths.count("/") - 1
    assert sum(r["complete"] for r in runs) <= served <= sum(r["complete"] for r in runs) + 2 * 2
    errors, _ = schema.check(recs, schema.load())
    assert errors == []


@pytest.mark.skipif(shutil.which("ab") is None, reason="ab (apache2-utils) not installed")
def test_cancel_stops_ab_early(web_guest):
    res = abench.run(web_guest.port, 2, 60, timeout=2, cancel=lambda: True)
    assert res.killed and res.seconds < 10
