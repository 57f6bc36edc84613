"""Networking end to end: boot experiments/configs/web.conf, talk HTTP to the driver
sandbox and a VNIC sandbox from the host, load both with httperf, end the run with /end."""
import http.client
import json
import re
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest

from conftest import ROOT, make_iso, run_iso
from experiments import hostsched, httperf, loadseries, netsys, webserver
from experiments.qemu import decode_exit
from experiments.records import by_ev, collect

WEB_CONF = ROOT / "experiments" / "configs" / "web.conf"
RATE, SECONDS = 120, 10
# Seconds at a stretch a QEMU thread went without a host CPU that explain client timeouts.
STARVED_S = 1.0
# /status counters that count a frame, request or connection lost or refused.
LOSS_COUNTERS = {"rx_runt", "rx_oversize", "rx_nomem", "rx_rejected", "tx_oversize", "tx_queue_full",
                 "tx_dropped", "link_drop", "arp_drop", "ip_drop", "ip_chkerr", "tcp_drop",
                 "tcp_chkerr", "tcp_memerr", "mem_err", "refused_busy", "send_failed", "idle_aborted",
                 "peer_errors"}
AB_C, AB_N = 50, 2000   # ApacheBench: concurrent connections, requests (README: 100, 10000)

pytestmark = pytest.mark.skipif(shutil.which("httperf") is None or shutil.which("ab") is None,
                                reason="httperf or ab (apache2-utils) not installed (make deps)")


def listen_overflows():
    """The host kernel's count of connections dropped at a full accept queue (all sockets)."""
    lines = [l.split() for l in open("/proc/net/netstat") if l.startswith("TcpExt:")]
    return int(dict(zip(lines[0], lines[1]))["ListenOverflows"])


def ab(port):
    """ab -c AB_C -n AB_N -s 10 -r: (completed, failed, ab gave up on a silent connection,
    host listen overflows meanwhile)."""
    before = listen_overflows()
    out = subprocess.run(["ab", "-c", str(AB_C), "-n", str(AB_N), "-s", "10", "-r",
                          f"http://127.0.0.1:{port}/"], capture_output=True, text=True, timeout=120)
    text = out.stdout + out.stderr
    done = re.search(r"Complete requests:\s+(\d+)", text) or re.search(r"Total of (\d+) requests", text)
    failed = re.search(r"Failed requests:\s+(\d+)", text)
    return (int(done.group(1)) if done else 0, int(failed.group(1)) if failed else None,
            "timeout specified has expired" in text, listen_overflows() - before)


def ring_drops(driver_port, sandbox):
    """Frames the driver sandbox's switch dropped so far because sandbox's VNIC ring stayed
    full (0 for the driver sandbox itself: it has no ring); None when the driver's
    /status did not answer (a diagnostic: ab's own figures are what the test judges)."""
    try:
        status = json.loads(fetch(driver_port, "/status")[1])
    except OSError as e:
        print(f"GET /status of the driver sandbox: {e!r}")
        return None
    ports = status.get("switch", {}).get("ports", [])
    return sum(p["drop_full"] for p in ports if p["sandbox"] == sandbox)


def fetch(port, path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


class StarvationWatch:
    """While it runs, samples the run-queue waits of the QEMU writing into run_dir
    (experiments.hostsched) every SAMPLE_S and keeps the longest stretch in which one of
    its threads spent at least 90 % of the time waiting for a host CPU (the guest and
    its network then stand still: replies are late by that much)."""

    SAMPLE_S = 0.1

    def __init__(self, run_dir):
        self.run_dir, self.longest_s = run_dir, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _watch(self):
        pid = hostsched.find_pid(Path(self.run_dir) / "com1.log")
        last, stretch = pid and hostsched.snapshot(pid), {}
        while last and not self._stop.wait(self.SAMPLE_S):
            now = hostsched.snapshot(pid)
            if not now:
                return
            dt = now["at"] - last["at"]
            for tid, (_, wait) in now["threads"].items():
                waited = (wait - last["threads"].get(tid, (0, wait))[1]) / 1e9
                stretch[tid] = stretch.get(tid, 0.0) + dt if waited >= 0.9 * dt else 0.0
                self.longest_s = max(self.longest_s, stretch[tid])
            last = now


def guest_losses(seen):
    """What the sandbox's own counters (its /status before and after httperf) say it lost
    or refused meanwhile: the nonzero increases, by counter."""
    before, after = (json.loads(seen[k][1]) for k in ("/status", "status_after_httperf"))
    out = {}
    for group in ("netif", "lwip", "http"):
        for k, v in after.get(group, {}).items():
            d = v - before.get(group, {}).get(k, 0)
            if d and k in LOSS_COUNTERS:
                out[f"{group}.{k}"] = d
    return out


class Checks:
    """A session that lets the harness's WebSession wait for net_ready, serve and end the
    run, and meanwhile does this test's own requests and loads."""

    def __init__(self, nets, inner):
        self.nets, self.inner, self.seen = nets, inner, {}

    def interrupt(self):
        self.inner.interrupt()

    def run(self, run_dir, alive):
        out = {}
        t = threading.Thread(target=lambda: out.update(recs=self.inner.run(run_dir, alive)))
        t.start()
        try:
            want = {n.sandbox for n in self.nets}
            deadline = time.monotonic() + 120
            while not want <= {r["sandbox"] for r in by_ev(collect(run_dir), "net_ready")}:
                assert alive() and time.monotonic() < deadline, "no net_ready from every sandbox"
                time.sleep(0.25)
            driver = next(n for n in self.nets if n.role == "driver")
            vnic = next(n for n in self.nets if n.role == "vnic")
            for n in (driver, vnic):
                port = self.inner.ports[n.sandbox]
                self.seen[n.sandbox] = {"/": fetch(port, "/"), "/status": fetch(port, "/status")}
                before = listen_overflows()
                with StarvationWatch(run_dir) as starving:
                    res = httperf.run(port, RATE, SECONDS, cancel=lambda: not alive())
                self.seen[n.sandbox]["httperf"] = (httperf.parse_totals(res.text),
                                                   loadseries.per_second(loadseries.calls(res.lines),
                                                                         SECONDS),
                                                   listen_overflows() - before)
                self.seen[n.sandbox]["qemu_starved_s"] = starving.longest_s
                self.seen[n.sandbox]["status_after_httperf"] = fetch(port, "/status")
                drops = ring_drops(self.inner.ports[driver.sandbox], n.sandbox)
                self.seen[n.sandbox]["ab"] = ab(port)
                after = ring_drops(self.inner.ports[driver.sandbox], n.sandbox)
                self.seen[n.sandbox]["ring_drops"] = (None if None in (drops, after)
                                                      else after - drops)
                self.seen[n.sandbox]["ab_status"] = json.loads(fetch(port, "/status")[1])["http"]
        except BaseException as e:   # reported by the test, after the run ended
            self.seen["error"] = e
        finally:
            self.inner.interrupt()   # the harness's session GETs /end on every sandbox
            t.join()
        return out["recs"]


@pytest.mark.parametrize("iommu", ["none", "vtd", "amdvi"])
def test_web_conf_serves_from_driver_and_vnic_sandboxes(tmp_path, iommu):
    """Also on q35 + Intel VT-d and q35 + AMD-Vi, where the NIC's DMA goes through
    the IOMMU."""
    if not WEB_CONF.exists():
        pytest.skip(f"{WEB_CONF} missing")
    text = WEB_CONF.read_text()
    nets = netsys.from_config(text)
    assert {n.role for n in nets} == {"driver", "vnic"}, "web.conf needs a driver and a VNIC"
    opts = webserver.boot_options(nets, serve_s=None)
    checks = Checks(nets, opts.pop("session"))
    t0 = time.monotonic()
    b = run_iso(make_iso(text, tmp_path, "web"), f"web-{iommu}", timeout=150, session=checks,
                iommu=iommu, **opts)
    assert "error" not in checks.seen, f"{checks.seen.get('error')!r}; see {b.run_dir}"

    lost = []
    for sb, seen in checks.seen.items():
        status, body = seen["/"]
        assert status == 200 and body, f"sandbox {sb}: GET / -> {status}"
        status, body = seen["/status"]
        assert status == 200 and json.loads(body)["sandbox"] == sb
        totals, seconds, overflows = seen["httperf"]
        if totals["errors_total"] or totals["replies"] != RATE * SECONDS:
            # Errors the host explains are a known host-side loss: its accept queue
            # overflowed (the counter is machine-wide: other QEMUs on this host count
            # too), httperf itself fell behind its rate (a starved client times its
            # calls out), or the host kept a QEMU thread from its CPU for STARVED_S or
            # more at a stretch (a reply is then late by that much, and a frame
            # QEMU's user network or the guest sent meanwhile into a full queue waits
            # for its sender's retransmission timeout on top); any other fails.
            behind = totals.get("conn_rate", 0) < 0.9 * RATE
            starved = seen["qemu_starved_s"] >= STARVED_S
            errors = {k: v for k, v in totals.items() if k.startswith("errors") and v}
            assert overflows > 0 or behind or starved, (
                f"sandbox {sb}: httperf errors {errors} with no listen overflow on the host, "
                f"httperf at its rate ({totals.get('conn_rate')} of {RATE} conn/s) and no QEMU "
                f"thread kept from a CPU {STARVED_S} s or more at a stretch (at most "
                f"{seen['qemu_starved_s']:.2f} s); the guest's losses meanwhile: "
                f"{guest_losses(seen)}; see {b.run_dir}")
            lost.append((sb, errors, overflows, totals.get("conn_rate"),
                         round(seen["qemu_starved_s"], 2)))
        full = [s["replies"] for s in seconds if s["full"]]
        print(f"sandbox {sb}: replies/s min {min(full)} mean {sum(full) / len(full):.1f}, "
              f"reply {totals['reply_ms_response']} ms; a QEMU thread went up to "
              f"{seen['qemu_starved_s']:.2f} s at a stretch without a host CPU")

    ends = [r for r in b.ev("web_check") if r["path"] == "/end"]
    assert len(ends) == len(nets) and all(r["ok"] for r in ends), ends
    assert not b.ev("harness_error") and not b.timed_out
    assert decode_exit(b.returncode) == 0 and b.status == 0, f"see {b.run_dir}"
    stats = {r["sandbox"]: r for r in b.ev("net_stats")}
    assert set(stats) == {n.sandbox for n in nets}
    for sb in set(checks.seen) - {l[0] for l in lost}:
        assert stats[sb]["http_requests"] >= RATE * SECONDS + 2
    assert time.monotonic() - t0 < 150
    confine = [(r["sandbox"], r["iommu"], r["confined"]) for r in b.ev("dma_confine")]
    assert confine == ([(0, iommu, True)] if iommu != "none" else [(0, "none", False)])

    # Many connections at once: every request answered, none failed, none left waiting
    # (QEMU runs with scripts/qemu_listen_backlog.c preloaded: its user network's accept
    # queue no longer overflows), and the server refused or dropped nothing. Known loss:
    # the driver's switch holds frames for a VNIC sandbox whose ring is full, but drops
    # them once its ring took none for VNIC_SWITCH_HOLD_MS (a VCPU the host did not run
    # that long), and QEMU's user network retransmits them only after seconds; ab
    # failing then, with such drops counted, is an expected failure.
    ring_lost = []
    for sb, seen in checks.seen.items():
        done, failed, gave_up, overflows = seen["ab"]
        http = seen["ab_status"]
        print(f"sandbox {sb}: ab -c {AB_C} -n {AB_N}: completed {done}, failed {failed}, "
              f"stalled {gave_up}; host listen overflows {overflows}; frames dropped at "
              f"its full VNIC ring {seen['ring_drops']}; server {http}")
        assert http["refused_busy"] == 0 and http["send_failed"] == 0, http
        assert http["status_400"] == 0 and http["status_405"] == 0, http
        if (done, failed, gave_up) != (AB_N, 0, False) and seen["ring_drops"]:
            ring_lost.append((sb, AB_N - done + (failed or 0), seen["ring_drops"]))
            continue
        assert (done, failed, gave_up) == (AB_N, 0, False), \
            f"sandbox {sb}: ab -c {AB_C} -n {AB_N} -s 10: {done} completed, {failed} failed, " \
            f"gave up on a silent connection: {gave_up} (host listen overflows {overflows})"
    if ring_lost:
        pytest.xfail(f"ab (sandbox, requests lost, frames dropped at its full VNIC ring) "
                     f"{ring_lost}: the switch dropped frames its VNIC ring did not take in time")
    if lost:
        pytest.xfail(f"httperf (sandbox, errors, host listen overflows, its conn/s of {RATE}) "
                     f"{lost}: lost at a full accept queue on the host, by a starved client or "
                     f"while the host kept QEMU from its CPU (longest stretch in s, last)")
