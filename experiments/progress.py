"""One terminal line per finished run: done/total across the whole batch, failures, ETA."""
import sys
import time


class Progress:
    """total runs; estimates ({name: (timed, expected seconds)}) and jobs make the ETA
    follow the batch's plan: runs under a load (timed) one at a time, the others beside
    them on jobs - 1 workers (all jobs once no timed run is left, one lane if jobs is 1).
    Without estimates: wall time per finished run so far x runs left."""

    def __init__(self, total, stream=sys.stderr, clock=time.monotonic, estimates=None, jobs=1):
        self.total, self.stream, self.clock = total, stream, clock
        self.estimates, self.jobs = dict(estimates or {}), jobs
        self.done = self.failed = 0
        self.start = clock()
        self._spent = self._expected = 0.0   # of finished runs with an estimate

    def eta(self):
        """Seconds left, or None before the first run finished."""
        if not self.done:
            return None
        if not self.estimates:
            return (self.clock() - self.start) / self.done * (self.total - self.done)
        # Runs so far took `scale` times their estimates (a busy or slower machine).
        scale = self._spent / self._expected if self._expected else 1.0
        timed = sum(e for t, e in self.estimates.values() if t)
        free = sum(e for t, e in self.estimates.values() if not t)
        if self.jobs <= 1:
            return scale * (timed + free)
        beside = max(1, self.jobs - 1) if timed else self.jobs
        return scale * max(timed, free / beside)

    def finished(self, name, ok, seconds, reason=""):
        self.done += 1
        self.failed += not ok
        if name in self.estimates:
            self._expected += self.estimates.pop(name)[1]
            self._spent += seconds
        eta = self.eta()
        eta_s = "--:--" if eta is None else f"{int(eta) // 60}:{int(eta) % 60:02d}"
        width = len(str(self.total))
        line = (f"[{self.done:{width}}/{self.total}] {'ok  ' if ok else 'FAIL'} {name} "
                f"({seconds:.1f} s)  failed {self.failed}  ETA {eta_s}")
        if not ok and reason:
            line += f"\n      {reason}"
        print(line, file=self.stream, flush=True)
