"""One terminal line per finished run: done/total, failures, ETA."""
import sys
import time


class Progress:
    def __init__(self, total, stream=sys.stderr, clock=time.monotonic):
        self.total, self.stream, self.clock = total, stream, clock
        self.done = self.failed = 0
        self.start = clock()

    def eta(self):
        """Seconds left: wall time per finished run so far (parallelism included) x runs left."""
        if not self.done:
            return None
        per_run = (self.clock() - self.start) / self.done
        return per_run * (self.total - self.done)

    def finished(self, name, ok, seconds, reason=""):
        self.done += 1
        self.failed += not ok
        eta = self.eta()
        eta_s = "--:--" if eta is None else f"{int(eta) // 60}:{int(eta) % 60:02d}"
        width = len(str(self.total))
        line = (f"[{self.done:{width}}/{self.total}] {'ok  ' if ok else 'FAIL'} {name} "
                f"({seconds:.1f} s)  failed {self.failed}  ETA {eta_s}")
        if not ok and reason:
            line += f"\n      {reason}"
        print(line, file=self.stream, flush=True)
