"""Running a harness session beside the emulator (experiments/boot.py boot(session=...)).

A session is an object with run(run_dir, alive) -> records and interrupt()
(experiments/webserver.py is one). It runs on its own thread while the
emulator runs; alive() tells it whether the emulator still does. Once it
returns, the emulator has END_GRACE_S to exit by itself before it is
stopped, so a run whose guest ignores the session's end is still bounded.
"""
import contextlib
import signal
import threading
import time

END_GRACE_S = 60


class Beside:
    """One session on its thread; records() once finish() returned."""

    def __init__(self, session, run_dir):
        self.session, self.run_dir = session, run_dir
        self.exited = threading.Event()
        self.done_at = None
        self.overstayed = False     # the emulator had to be stopped after the session
        self._records = []
        self._thread = threading.Thread(target=self._body, daemon=True)

    def _body(self):
        try:
            self._records = list(self.session.run(self.run_dir, lambda: not self.exited.is_set()))
        except Exception as e:   # a bug in a session fails its run, with the reason
            self._records = [{"ev": "harness_error", "msg": f"{type(e).__name__}: {e}"}]
        self.done_at = time.monotonic()

    def start(self):
        """Start the session's thread (the emulator is about to start)."""
        self._thread.start()

    def should_stop(self):
        """True once the session ended END_GRACE_S ago and the emulator still runs."""
        self.overstayed = self.done_at is not None and time.monotonic() - self.done_at > END_GRACE_S
        return self.overstayed

    def finish(self):
        """After the emulator exited: let the session see it and return."""
        self.exited.set()
        self._thread.join()

    def records(self):
        """The session's records, tagged src "harness" (plus why the emulator was stopped)."""
        recs = list(self._records)
        if self.overstayed:
            recs.append({"ev": "harness_error", "msg": f"the emulator still ran {END_GRACE_S} s "
                         "after the session ended the run: stopped"})
        return [{**r, "src": "harness"} for r in recs]


@contextlib.contextmanager
def ctrl_c_interrupts(session):
    """While inside (on the main thread): the first Ctrl-C calls session.interrupt() (the
    session ends the run cleanly), the next one raises KeyboardInterrupt. The terminal's
    Ctrl-C does not reach the emulator itself: it runs in its own process group
    (emulator.supervise)."""
    if session is None or threading.current_thread() is not threading.main_thread():
        yield
        return
    hits = []

    def handler(signum, frame):
        hits.append(signum)
        if len(hits) > 1:
            raise KeyboardInterrupt
        session.interrupt()
    old = signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)
