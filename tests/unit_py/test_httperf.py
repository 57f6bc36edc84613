"""httperf: its command line (loopback only), its totals, the per-second series, and the
web session that runs it, against a stand-in guest on 127.0.0.1 (no emulator)."""
import http.server
import json
import shutil
import threading
import time

import pytest

from experiments import httperf, loadplan, loadseries, netsys, schema, webserver

# httperf 0.9.0's summary (Debian 12), as printed after a 120 req/s run with -v.
OUTPUT = """\
httperf --verbose --timeout=5 --client=0/1 --server=127.0.0.1 --port=40000 --uri=/ --rate=120
httperf: maximum number of open descriptors = 1024
reply-rate = 120.0
reply-rate = 119.8
Maximum connect burst length: 1

Total: connections 1200 requests 1198 replies 1195 test-duration 10.004 s

Connection rate: 120.0 conn/s (8.3 ms/conn, <=3 concurrent connections)
Connection time [ms]: min 0.3 avg 1.9 max 97.8 median 1.5 stddev 4.1
Connection time [ms]: connect 0.2
Connection length [replies/conn]: 1.000

Request rate: 119.8 req/s (8.3 ms/req)
Request size [B]: 62.0

Reply rate [replies/s]: min 119.8 avg 119.9 max 120.0 stddev 0.1 (2 samples)
Reply time [ms]: response 1.9 transfer 0.0
Reply size [B]: header 87.0 content 116.0 footer 0.0 (total 203.0)
Reply status: 1xx=0 2xx=1194 3xx=0 4xx=1 5xx=0

CPU time [s]: user 1.52 system 8.40 (user 15.2% system 84.0% total 99.2%)
Net I/O: 24.3 KB/s (0.2*10^6 bps)

Errors: total 5 client-timo 2 socket-timo 0 connrefused 0 connreset 3
Errors: fd-unavail 0 addrunavail 0 ftab-full 0 other 0
"""


def test_totals_are_parsed_into_numbers():
    t = httperf.parse_totals(OUTPUT)
    assert (t["connections"], t["requests"], t["replies"]) == (1200, 1198, 1195)
    assert t["duration_s"] == 10.004 and t["request_rate"] == 119.8
    assert (t["reply_rate_min"], t["reply_rate_avg"], t["reply_rate_max"]) == (119.8, 119.9, 120.0)
    assert t["reply_rate_samples"] == 2 and t["reply_rate_5s"] == [120.0, 119.8]
    assert (t["reply_ms_response"], t["reply_ms_transfer"]) == (1.9, 0.0)
    assert t["conn_ms_max"] == 97.8 and t["status_2xx"] == 1194 and t["status_4xx"] == 1
    assert (t["errors_total"], t["errors_client_timo"], t["errors_connreset"]) == (5, 2, 3)
    assert t["errors_fd_unavail"] == 0 and t["errors_ftab_full"] == 0
    assert t["cpu_pct"] == 99.2


def test_a_killed_httperf_has_no_totals():
    assert httperf.parse_totals("httperf --verbose ...\nreply-rate = 12.0\n") == {
        "reply_rate_5s": [12.0]}


def test_command_loads_loopback_only():
    argv = httperf.command(40000, 120, 60, uri="/", timeout=5)
    assert "--server=127.0.0.1" in argv and "--port=40000" in argv
    assert "--rate=120" in argv and "--num-conns=7200" in argv and "--num-calls=1" in argv
    assert argv[:2] == ["stdbuf", "-oL"]            # per-call lines arrive as they happen
    for host in ("10.0.2.15", "localhost", "0.0.0.0", "192.168.1.1", "example.com"):
        with pytest.raises(ValueError, match="127.0.0.1 only"):
            httperf.command(40000, 120, 60, host=host)
    with pytest.raises(ValueError):
        httperf.command(40000, 0, 60)


def lines(events):
    """(t, line) pairs from (t, kind, call[, status]) tuples."""
    out = []
    for t, kind, n, *status in events:
        text = {"SS": "header 62 content 0", "RH": f"HTTP/1.0 {status[0] if status else 200} OK",
                "RS": "header 87 content 116 footer 0"}[kind]
        out.append((t, f"{kind}{n}:{text}\n"))
    return out


def test_per_second_counts_sends_replies_errors_and_reply_times():
    ev = [(100.0, "SS", 0), (100.01, "RH", 0), (100.02, "RS", 0),      # second 0: 20 ms
          (100.5, "SS", 1), (101.2, "RH", 1), (101.3, "RS", 1),        # sent in 0, done in 1
          (101.1, "SS", 2),                                            # never answered
          (101.6, "SS", 3), (101.61, "RH", 3, 404), (101.62, "RS", 3),  # not 2xx: an error
          (102.9, "SS", 4), (103.4, "RH", 4), (103.5, "RS", 4)]        # done after the window
    rows = loadseries.per_second(loadseries.calls(lines(ev)), seconds=3)
    assert [r["t"] for r in rows] == [0, 1, 2, 3]
    assert [r["full"] for r in rows] == [True, True, True, False]
    assert [r["sent"] for r in rows] == [2, 2, 1, 0]
    assert [r["replies"] for r in rows] == [1, 1, 0, 1]
    assert [r["errors"] for r in rows] == [0, 2, 0, 0]
    assert rows[0]["reply_ms_mean"] == pytest.approx(20.0)
    assert rows[1]["reply_ms_max"] == pytest.approx(800.0)
    assert rows[2]["reply_ms_mean"] is None


def test_no_request_sent_gives_a_window_of_zeros():
    rows = loadseries.per_second({}, seconds=2)
    assert [(r["sent"], r["replies"], r["errors"]) for r in rows] == [(0, 0, 0), (0, 0, 0)]


def test_sustained_needs_no_errors_every_reply_and_the_rate():
    full = [{"full": True, "replies": 120}] * 3 + [{"full": False, "replies": 2}]
    ok = {"errors_total": 0, "replies": 362, "connections": 362}
    assert loadseries.sustained(ok, full, 120)
    assert not loadseries.sustained({**ok, "errors_total": 1}, full, 120)
    assert not loadseries.sustained({**ok, "replies": 361}, full, 120)
    slow = [{"full": True, "replies": 100}] * 3
    assert not loadseries.sustained(ok, slow, 120)
    assert not loadseries.sustained({}, full, 120)          # killed: no totals


def test_calls_csv_is_relative_to_the_start():
    c = loadseries.calls(lines([(10.5, "SS", 0), (10.6, "RH", 0), (10.75, "RS", 0),
                                (11.0, "SS", 1)]))
    assert loadseries.calls_csv(c, 10.0).splitlines() == [
        "call,sent_s,status,done_s", "0,0.500000,200,0.750000", "1,1.000000,,"]


@pytest.mark.skipif(shutil.which("httperf") is None, reason="httperf not installed")
def test_httperf_against_a_local_server(web_guest):
    """The real tool against a stand-in guest on 127.0.0.1: 2 s at 20/s."""
    res = httperf.run(web_guest.port, 20, 2, timeout=2)
    totals = httperf.parse_totals(res.text)
    rows = loadseries.per_second(loadseries.calls(res.lines), 2)
    assert totals["replies"] == 40 and totals["errors_total"] == 0 and not res.killed
    assert sum(r["replies"] for r in rows) == 40 and sum(r["sent"] for r in rows) == 40


@pytest.mark.skipif(shutil.which("httperf") is None, reason="httperf not installed")
def test_cancel_stops_httperf_early(web_guest):
    res = httperf.run(web_guest.port, 20, 60, timeout=2, cancel=lambda: True)
    assert res.killed


class FakeGuest:
    """A stand-in for one networked sandbox's HTTP server, on 127.0.0.1."""

    def __init__(self, sandbox=0):
        guest = self
        self.sandbox, self.paths = sandbox, []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                guest.paths.append(self.path)
                body = {"/": b"<html>quest-v</html>", "/end": b"ending\n",
                        "/status": json.dumps({"sandbox": guest.sandbox}).encode()}.get(self.path)
                self.send_response(200 if body else 404)
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, *args):
                pass
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def web_guest():
    g = FakeGuest()
    yield g
    g.server.shutdown()


def net_ready_log(run_dir, sandbox=0):
    (run_dir / "com1.log").write_text(
        f'{{"ev":"net_ready","sandbox":{sandbox},"role":"driver","ip":"10.0.2.15",'
        '"mac":"52:54:00:12:34:56","http_port":80}\n')


@pytest.mark.skipif(shutil.which("httperf") is None, reason="httperf not installed")
def test_web_session_checks_loads_and_ends(web_guest, tmp_path):
    net_ready_log(tmp_path)
    nets = [netsys.NetSandbox(0, "driver", "10.0.2.15")]
    steps = loadplan.steps({"rate": 20, "seconds": 2, "phases": ["driver"], "timeout": 2}, nets)
    log = []
    s = webserver.WebSession(nets, {0: web_guest.port}, steps, log=log.append)
    recs = s.run(tmp_path, alive=lambda: True)
    evs = [r["ev"] for r in recs]
    assert "harness_error" not in evs, recs
    checks = [r for r in recs if r["ev"] == "web_check"]
    assert [(r["path"], r["ok"]) for r in checks] == [("/", True), ("/status", True), ("/end", True)]
    assert web_guest.paths[-1] == "/end" and web_guest.paths.count("/") == 41
    (perf,) = [r for r in recs if r["ev"] == "httperf"]
    # Not "sustained": over 2 s, one reply late on a busy host tips the mean below 98%.
    assert perf["errors_total"] == 0 and perf["replies"] == 40 and perf["role"] == "driver"
    assert perf["host_listen_overflows"] >= 0 and perf["cpu_pct"] > 0
    assert (tmp_path / perf["out"]).exists() and (tmp_path / perf["out"]).with_suffix(".calls.csv").exists()
    assert sum(r["replies"] for r in recs if r["ev"] == "load_second") == 40
    assert [r["when"] for r in recs if r["ev"] == "net_status"] == ["before", "after"]
    assert any("http://127.0.0.1:" in m for m in log)
    errors, _ = schema.check(recs, schema.load())
    assert errors == []


def test_web_session_fails_when_a_sandbox_never_serves(web_guest, tmp_path):
    (tmp_path / "monitor.log").write_text('{"ev":"run_end","status":4}\n')
    nets = [netsys.NetSandbox(0, "driver", "10.0.2.15")]
    recs = webserver.WebSession(nets, {0: web_guest.port}).run(tmp_path, alive=lambda: True)
    assert recs[0]["ev"] == "harness_error" and "before net_ready from sandbox 0" in recs[0]["msg"]
    assert [r["path"] for r in recs[1:]] == ["/end"]       # still asked to end


def test_interrupt_ends_serving(web_guest, tmp_path):
    net_ready_log(tmp_path)
    nets = [netsys.NetSandbox(0, "driver", "10.0.2.15")]
    s = webserver.WebSession(nets, {0: web_guest.port}, serve_s=None)
    threading.Timer(0.5, s.interrupt).start()
    t0 = time.monotonic()
    recs = s.run(tmp_path, alive=lambda: True)
    assert time.monotonic() - t0 < 5 and recs[-1]["path"] == "/end" and recs[-1]["ok"]
