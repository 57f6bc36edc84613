"""What the harness does while a networked run's QEMU runs.

In order: wait until every networked sandbox printed net_ready; fetch `/`
and `/status` once from each; run the load steps (experiments/loadplan.py),
each with httperf on its targets at once; keep serving for a while (or
until interrupted); then GET /end on every networked sandbox, which makes
it print net_stats and end, so the monitor ends the run.

Its records (src "harness", added to the run's records.jsonl by boot):
  web_check   {sandbox, role, path, status, bytes, ms, ok[, error]}
  net_status  {phase, step, when: before|after, sandbox, status: the /status JSON}
  httperf     {phase, step, sandbox, role, rate, seconds, sustained, out, host_load_1m,
               host_listen_overflows (machine-wide, during the step), start_host_s
               (time.monotonic() of the harness when httperf started: the origin of
               its .calls.csv), ...totals}
  load_second {phase, step, sandbox, role, rate, t, full, sent, replies, errors,
               reply_ms_mean, reply_ms_max}
  ab          {phase, step (the repetition), sandbox, role, seconds, sustained, out,
               host_load_1m, host_listen_overflows, ...abench.parse_totals}
  harness_error {msg}   the session could not do its part: the run fails
and per httperf run, in the run folder: httperf-p<phase>-s<step>-sb<N>.out
(its output, verbatim) and .calls.csv (each call's send and completion time);
per ab run: ab-p<phase>-s<step>-sb<N>.out.
"""
import http.client
import json
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import abench, httperf, loadseries, netsys, webclient
from .records import by_ev, collect

READY_TIMEOUT_S = 120     # boot to every net_ready (TCG without icount: ~10-30 s)
END_RETRY_S = 30          # an overloaded server resets new connections until its pool drains
POLL_S = 0.25
FAILED = ("run_end", "net_error", "sandbox_fault", "boot_error", "config_error")


class SessionError(RuntimeError):
    """The session cannot go on (a sandbox never served, the run ended under it)."""


class WebSession:
    """The host side of one networked run; boot.boot(session=...) runs it.

    nets: netsys.NetSandbox list; ports: {sandbox: loopback port}; steps:
    loadplan.Step list; serve_s: seconds to keep serving after the load
    (None: until interrupt()); log: a print-like function for progress.
    """

    def __init__(self, nets, ports, steps=(), serve_s=0.0, log=None,
                 ready_timeout=READY_TIMEOUT_S):
        self.nets, self.ports, self.steps = list(nets), dict(ports), list(steps)
        self.serve_s, self.ready_timeout = serve_s, ready_timeout
        self.log = log or (lambda msg: None)
        self._stop = threading.Event()

    def interrupt(self):
        """Stop loading or serving now and end the run (Ctrl-C)."""
        self._stop.set()

    def url(self, sandbox):
        """The address on this machine that reaches sandbox's web server."""
        return f"http://{webclient.LOOPBACK}:{self.ports[sandbox]}/"

    def run(self, run_dir, alive):
        """Do the session while alive() (QEMU runs); returns its records."""
        recs = []
        try:
            self._wait_ready(run_dir, alive)
            for n in self.nets:
                recs += self._check(n)
            self._load(Path(run_dir), alive, recs)
            self._serve(alive)
        except Exception as e:   # any failure still ends the run below, and fails it
            recs.append({"ev": "harness_error", "msg": f"{type(e).__name__}: {e}"})
            self.log(f"error: {e}")
        if alive():
            # VNIC sandboxes first: their answers go out through the driver sandbox. One
            # that ended by itself (it printed net_stats) is not asked.
            ended = {r.get("sandbox") for r in by_ev(collect(run_dir), "net_stats")}
            last = sorted((n for n in self.nets if n.sandbox not in ended),
                          key=lambda n: n.role == "driver")
            recs += [self._end(n, alive) for n in last]
        return recs

    def _end(self, n, alive):
        """GET /end, again every second for END_RETRY_S while it fails; the last answer."""
        deadline = time.monotonic() + END_RETRY_S
        while True:
            rec = self._get(n, "/end", timeout=5.0)
            if rec["ok"] or not alive() or time.monotonic() > deadline:
                return rec
            time.sleep(1)

    def _wait_ready(self, run_dir, alive):
        """Return once every networked sandbox printed net_ready (and log their URLs);
        SessionError if the run ended, QEMU exited or ready_timeout passed first."""
        want = {n.sandbox for n in self.nets}
        deadline = time.monotonic() + self.ready_timeout
        while True:
            recs = collect(run_dir)
            ready = {r.get("sandbox") for r in by_ev(recs, "net_ready")}
            if want <= ready:
                break
            ended = [r["ev"] for r in recs if r.get("ev") in FAILED]
            missing = ", ".join(str(s) for s in sorted(want - ready))
            if ended or not alive():
                raise SessionError(f"run ended ({', '.join(ended) or 'QEMU exited'}) before "
                                   f"net_ready from sandbox {missing}")
            if time.monotonic() > deadline or self._stop.is_set():
                raise SessionError(f"no net_ready from sandbox {missing} after "
                                   f"{self.ready_timeout:g} s")
            time.sleep(POLL_S)
        for n in self.nets:
            self.log(f"sandbox {n.sandbox} ({n.role}, {n.ip}): {self.url(n.sandbox)}")

    def _get(self, n, path, timeout=10.0):
        """One GET as a web_check record."""
        rec = {"ev": "web_check", "sandbox": n.sandbox, "role": n.role, "path": path}
        try:
            status, body, ms = webclient.get(self.ports[n.sandbox], path, timeout)
        except (OSError, ValueError, http.client.HTTPException) as e:
            return {**rec, "status": None, "bytes": 0, "ms": None, "ok": False,
                    "error": f"{type(e).__name__}: {e}"}
        rec.update(status=status, bytes=len(body), ms=round(ms, 3), ok=status == 200)
        if path == "/status" and rec["ok"]:
            try:
                rec["json"] = json.loads(body)
                rec["ok"] = rec["json"].get("sandbox") == n.sandbox
            except ValueError as e:
                rec.update(ok=False, error=f"not JSON: {e}")
        return rec

    def _check(self, n):
        """GET / and /status from n once: two web_check records, and a line in the log."""
        page, status = self._get(n, "/"), self._get(n, "/status")
        st = status.get("json", {})
        detail = (f"rx_frames {st.get('netif', {}).get('rx_frames', '?')}, "
                  f"http requests {st.get('http', {}).get('requests', '?')}"
                  if status["ok"] else status.get("error") or "wrong sandbox")
        self.log(f"sandbox {n.sandbox}: GET / {page['status']} ({page['bytes']} B, "
                 f"{page['ms'] or 0:.0f} ms); GET /status {status['status']}: {detail}")
        return [page, status]

    def _snapshot(self, step, when):
        """Every networked sandbox's /status as net_status records (those that answered)."""
        recs = []
        for n in self.nets:
            r = self._get(n, "/status")
            if r["ok"]:
                recs.append({"ev": "net_status", "phase": step.phase, "step": step.step,
                             "when": when, "sandbox": n.sandbox, "status": r["json"]})
        return recs

    def _load(self, run_dir, alive, recs):
        """Run the steps, appending their records to recs as they come."""
        skip_phase = None
        roles = {n.sandbox: n.role for n in self.nets}
        cancel = lambda: self._stop.is_set() or not alive()   # noqa: E731
        for step in self.steps:
            if cancel():
                break
            if step.phase == skip_phase:
                continue
            recs += self._snapshot(step, "before")
            overflows = listen_overflows()
            client = _ab_target if step.client == "ab" else _httperf_target
            with ThreadPoolExecutor(max_workers=len(step.targets)) as pool:
                done = list(pool.map(lambda sb: client(self, step, sb, cancel), step.targets))
            overflows = listen_overflows() - overflows
            ok = True
            for sb, res in done:
                rec, more = res(run_dir, roles[sb])
                rec["host_listen_overflows"] = overflows
                ok = ok and rec["sustained"]
                recs += [rec, *more]
            recs += self._snapshot(step, "after")
            if step.stepping and not ok:
                skip_phase = step.phase

    def _serve(self, alive):
        """Keep serving for serve_s seconds (None: until interrupt()) while QEMU runs."""
        if self.serve_s == 0:
            return
        what = "until Ctrl-C" if self.serve_s is None else f"for {self.serve_s:g} s"
        self.log(f"serving {what}")
        end = None if self.serve_s is None else time.monotonic() + self.serve_s
        while alive() and not self._stop.is_set() and (end is None or time.monotonic() < end):
            self._stop.wait(POLL_S)


def listen_overflows():
    """The host's count of connections its TCP dropped on a full listen queue
    (TcpExt ListenOverflows, machine-wide). QEMU's user network listens on each
    forward with a backlog of 1: when its main loop lags, httperf's handshakes
    overflow it and the client retransmits from 200 ms on, doubling."""
    lines = Path("/proc/net/netstat").read_text().splitlines()
    for names, values in zip(lines[::2], lines[1::2]):
        if names.startswith("TcpExt:"):
            return int(dict(zip(names.split(), values.split()))["ListenOverflows"])
    return 0


def boot_options(nets, steps=(), serve_s=0.0, log=None, ports=None, icount=False,
                 session=WebSession):
    """boot() keywords for a networked run of nets: QEMU's NIC with one loopback forward
    each (fresh free ports unless given), no vPMU, icount only if asked (TCP against a
    host client needs virtual time to follow wall time: never with steps), and a session
    made by session(nets, ports, steps, serve_s, log) (a WebSession or a subclass)."""
    fwd = netsys.forwards(nets, ports)
    return {"net": [(fwd[n.sandbox], n.ip) for n in nets], "icount": icount, "vpmu": False,
            "session": session(nets, fwd, steps, serve_s, log)}


def _httperf_target(session, step, sb, cancel):
    """httperf on one target of step: (sb, a function(run_dir, role) -> (httperf record,
    load_second records)) that keeps its output and logs a line."""
    res = httperf.run(session.ports[sb], step.rate, step.seconds, step.uri, step.timeout,
                      cancel=cancel)

    def records(run_dir, role):
        out = run_dir / f"httperf-p{step.phase}-s{step.step}-sb{sb}.out"
        out.write_text(res.text)
        call_map = loadseries.calls(res.lines)
        out.with_suffix(".calls.csv").write_text(loadseries.calls_csv(call_map, res.start))
        rec, seconds = _records(step, sb, role, res, call_map, out.name)
        full = [s["replies"] for s in seconds if s["full"]] or [0]
        session.log(f"load phase {step.phase} step {step.step}: sandbox {sb} at "
                    f"{step.rate:g}/s for {step.seconds:g} s: replies/s min {min(full)} "
                    f"mean {sum(full) / len(full):.1f}, errors {rec.get('errors_total')}, "
                    f"reply {rec.get('reply_ms_response')} ms"
                    f"{'' if rec['sustained'] else ' (not sustained)'}")
        return rec, seconds
    return sb, records


def _ab_target(session, step, sb, cancel):
    """ab on one target of step: (sb, a function(run_dir, role) -> (ab record, []))."""
    res = abench.run(session.ports[sb], step.concurrency, step.seconds, step.uri, step.timeout,
                     cancel=cancel)

    def records(run_dir, role):
        out = run_dir / f"ab-p{step.phase}-s{step.step}-sb{sb}.out"
        out.write_text(res.text)
        totals = abench.parse_totals(res.text)
        rec = {"ev": "ab", "phase": step.phase, "step": step.step, "sandbox": sb, "role": role,
               "seconds": step.seconds, "uri": step.uri, "returncode": res.returncode,
               "killed": res.killed, "out": out.name, **totals,
               "host_load_1m": round(os.getloadavg()[0], 2),
               # Every request answered with 2xx: the rate is the guest's, not a failure's.
               "sustained": (not res.killed and res.returncode == 0
                             and totals.get("complete", 0) > 0
                             and totals.get("ok") == totals.get("complete"))}
        session.log(f"load phase {step.phase} run {step.step}: sandbox {sb}, ab -c "
                    f"{step.concurrency} for {step.seconds:g} s: {totals.get('requests_per_s')} "
                    f"req/s, {totals.get('failed')} failed, {totals.get('non_2xx')} non-2xx")
        return rec, []
    return sb, records


def _records(step, sandbox, role, res, call_map, out_name):
    """The httperf record and the load_second records of one target's httperf run."""
    totals = httperf.parse_totals(res.text)
    seconds = loadseries.per_second(call_map, step.seconds)
    common = {"phase": step.phase, "step": step.step, "sandbox": sandbox, "role": role,
              "rate": step.rate}
    rec = {"ev": "httperf", **common, "seconds": step.seconds, "uri": step.uri,
           "returncode": res.returncode, "killed": res.killed, "out": out_name, **totals,
           "start_host_s": res.start,
           "host_load_1m": round(os.getloadavg()[0], 2),   # a busy host slows client and QEMU
           "sustained": not res.killed and loadseries.sustained(totals, seconds, step.rate)}
    return rec, [{"ev": "load_second", **common, **s} for s in seconds]
