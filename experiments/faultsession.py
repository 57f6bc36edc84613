"""The host side of a run with NIC driver faults (an experiment's `fault`).

A WebSession (checks, load, /end) that also follows the consoles while
QEMU runs (experiments/consoletail.py): it shows the faults' progress as
they are recovered, serves until every planned fault was recovered or
reported undetected (with `end`, until the driver sandbox and its rescuer
ended by themselves), waits for QEMU's exit (the monitor's integrity
records come last) and then judges the run (experiments/campaign.py).

Its records, after WebSession's (src "harness"):
  seen      {sandbox, of, n, host_s}: when the harness saw an inject (n), fault or
            recovered (n = seq) or progress (n = t_us) record: time.monotonic()
            of this process, the clock of the httperf record's start_host_s. Only
            for runs with a load, whose figure places faults on the load's seconds.
  harness_error {msg}   the campaign failed (campaign.verdict), or the driver sandbox
            stalled (STALL_S): the run fails
  host_sched  what the host's scheduler gave QEMU's threads from the session's start (its
            boot included) to the last fault resolved (experiments/hostsched.py: time on a
            core, time waiting for one)
  campaign  the verdict's figures: always the run's last record
"""
import sys
import threading
import time
from pathlib import Path

from . import campaign, hostsched
from .consoletail import ConsoleTail
from .records import collect
from .session import END_GRACE_S
from .webserver import POLL_S, WebSession

TAIL_S = 0.01           # console poll: how precisely a fault is placed on the load's time line
SHOW_EVERY_S = 2.0      # at most one line this often; one at least every QUIET_S
QUIET_S = 30.0
# The driver sandbox printed nothing this long with faults unresolved: it is stuck (the
# guest itself gives up on a fault after 1 s), and the run ends now, failed, instead of
# at its timeout.
STALL_S = 30.0
STAMPED = {"inject": "n", "fault": "seq", "recovered": "seq", "progress": "t_us"}


class FaultProgress:
    """The faults' progress, one terminal line at most every `every` seconds. The rate
    and ETA count only faults resolved since it began (not those restore()d)."""

    def __init__(self, count, stream=sys.stderr, clock=time.monotonic, every=SHOW_EVERY_S):
        self.count, self.stream, self.clock, self.every = count, stream, clock, every
        self.injected = self.recovered = self.failed = self.false_alarms = self.restored = 0
        self.start, self.shown, self.shown_at, self.ms = clock(), None, None, []

    @property
    def resolved(self):
        """Faults recovered, not recovered or given up on (undetected)."""
        return self.recovered + self.failed

    def see(self, rec):
        """Count one driver record."""
        ev = rec["ev"]
        if ev == "inject":
            self.injected += 1
        elif ev == "undetected":
            self.failed += 1
        elif ev == "recovered" and rec["kind"] == campaign.FALSE_ALARM:
            self.false_alarms += 1
        elif ev == "recovered":
            self.recovered += rec["ok"]
            self.failed += not rec["ok"]
            self.ms.append(rec["recovery_us"] / 1000)

    def restore(self, part):
        """Count a boot finished before this session (experiments/faults.py's state)."""
        rec = part.get("record", {})
        self.injected += rec.get("injected", 0)
        self.recovered += rec.get("recovered", 0)
        self.failed += rec.get("not_recovered", 0)
        self.false_alarms += rec.get("false_alarms", 0)
        self.restored += rec.get("recovered", 0) + rec.get("not_recovered", 0)
        self.ms += [u / 1000 for us in part.get("tally", {}).get("recovery_us", {}).values()
                    for u in us]

    def show(self, final=False):
        """A line if something changed SHOW_EVERY_S after the last, QUIET_S after it anyway."""
        now = self.clock()
        if not final and self.shown_at is not None and (
                now - self.shown_at < self.every
                or (self.shown == self.resolved and now - self.shown_at < QUIET_S)):
            return
        self.shown, self.shown_at = self.resolved, now
        rate = (self.resolved - self.restored) / max(now - self.start, 1e-9)
        eta = (self.count - self.resolved) / rate if rate else None
        p50 = campaign.percentile(self.ms, 0.5)
        print(f"faults: {self.resolved}/{self.count} done, {self.recovered} recovered, "
              f"{self.failed} not recovered, {self.false_alarms} false alarms; recovery "
              f"p50 {p50 or 0:.1f} ms max {max(self.ms, default=0):.1f} ms; {rate:.1f}/s"
              + (f", ETA {int(eta) // 60}:{int(eta) % 60:02d}" if eta is not None and not final
                 else ""), file=self.stream, flush=True)


class FaultSession(WebSession):
    """WebSession for a fault run. plan: faultplan.FaultPlan; driver, rescuer: sandbox
    numbers (rescuer None without one); stream: where progress goes."""

    def __init__(self, nets, ports, steps=(), serve_s=0.0, log=None, plan=None, driver=0,
                 rescuer=None, stream=sys.stderr):
        super().__init__(nets, ports, steps, serve_s, log)
        self.plan, self.driver, self.rescuer = plan, driver, rescuer
        self.progress = FaultProgress(plan.count, stream)
        self.ended, self.stamps, self.stalled = set(), [], None
        self.heard = time.monotonic()       # the driver sandbox's last record
        self._done = threading.Event()
        self.pid, self.sched_from = None, None   # QEMU's, and its threads' schedstat then

    def run(self, run_dir, alive):
        """WebSession's run with the faults followed; then the verdict, as the last records."""
        tail = ConsoleTail(run_dir)
        follower = threading.Thread(target=self._follow, args=(tail, Path(run_dir) / "com1.log"),
                                    daemon=True)
        follower.start()
        recs = super().run(run_dir, alive)
        host = hostsched.record(self.sched_from, hostsched.snapshot(self.pid) if self.pid else None)
        deadline = time.monotonic() + END_GRACE_S
        while alive() and time.monotonic() < deadline:
            time.sleep(POLL_S)
        self._done.set()
        follower.join()
        self._see(tail.poll())
        self.progress.show(final=True)
        rec, problems = campaign.aggregate(collect(run_dir), self.plan.count, self.plan.seed,
                                           self.driver)
        why = campaign.verdict(rec, problems)
        errors = [{"ev": "harness_error", "msg": m} for m in (self.stalled, why) if m]
        return recs + self.stamps + errors + [r for r in (host,) if r] + [rec]

    def _follow(self, tail, console):
        while not self._done.is_set():
            if self.pid is None:        # the session starts just before QEMU does
                self.pid = hostsched.find_pid(console)
                self.sched_from = hostsched.snapshot(self.pid) if self.pid else None
            self._see(tail.poll())
            self.progress.show()
            self._done.wait(TAIL_S)

    def _see(self, recs):
        now = time.monotonic()
        for r in recs:
            ev, sb = r["ev"], r.get("sandbox")
            if ev == "net_stats":
                self.ended.add(sb)
            if sb == self.driver:
                self.progress.see(r)
                # The monitor's records about the driver (a violation each time a stuck
                # driver retries its fault) are no sign that the driver itself runs.
                self.heard = now if r.get("src") != "monitor" else self.heard
            if self.steps and ev in STAMPED:
                self.stamps.append({"ev": "seen", "sandbox": sb, "of": ev, "n": r[STAMPED[ev]],
                                    "host_s": now})

    def _serve(self, alive):
        """Until every planned fault is resolved (and, with end, the driver sandbox and its
        rescuer ended by themselves), QEMU exited, interrupt() or the driver stalled."""
        ending = {self.driver, self.rescuer} - {None} if self.plan.end else set()
        self.log(f"serving until {self.plan.count} fault(s) are resolved")
        self.heard = time.monotonic()
        while alive() and not self._stop.is_set():
            if self.progress.resolved >= self.plan.count and ending <= self.ended:
                return
            if (self.progress.resolved < self.plan.count
                    and time.monotonic() - self.heard > STALL_S):
                self.stalled = (f"the driver sandbox stalled: no record for {STALL_S:g} s with "
                                f"{self.progress.resolved} of {self.plan.count} faults resolved "
                                f"({self.progress.injected} injected)")
                return
            self._stop.wait(POLL_S)


def make(plan, driver, rescuer, stream=sys.stderr):
    """A session factory for webserver.boot_options(session=...)."""
    def session(nets, ports, steps, serve_s, log):
        return FaultSession(nets, ports, steps, serve_s, log, plan, driver, rescuer, stream)
    return session
