"""Running an experiment's batch: build, boot every run, judge it, keep everything.

Layout (LITMUS^RT style: results sit next to the parameters that made them):

    results/<exp>/experiment.yaml          the experiment file of the last batch
    results/<exp>/runs.csv                 the latest attempt of every run, one row each
    results/<exp>/<run>/<attempt>/         one boot: run.json, records.jsonl, logs,
                                           system.conf, params.json, outcome.json,
                                           summary.csv
    results/<exp>/<run>/latest             -> the newest attempt

A run whose latest attempt is ok is complete and skipped by the next batch
(unless rerun): a batch that was interrupted or had failures resumes where
it stopped. A failure of one run (build, ISO, timeout, crash, bad records)
is recorded in its outcome.json and the batch goes on.
"""
import inspect
import io
import json
import os
import shutil
import threading
import time
from dataclasses import asdict
from pathlib import Path

from . import emulator, faultplan, faultsession, images, schema, summary, webserver
from .boot import boot, new_run_dir
from .outcome import judge
from .progress import Progress

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "results"


def run_root(results, run):
    return Path(results) / run.experiment / run.key


def latest_outcome(results, run):
    """The outcome of run's newest attempt, or None if it never ran."""
    p = run_root(results, run) / "latest" / "outcome.json"
    return json.loads(p.read_text()) if p.exists() else None


def complete(results, run):
    """Its newest attempt is ok, and ran the same version of the file (quick or full)."""
    o = latest_outcome(results, run)
    if not (o and o["ok"]):
        return False
    p = run_root(results, run) / "latest" / "params.json"
    return json.loads(p.read_text()).get("profile", "quick") == run.profile


def emulator_options(emulator):
    """boot()'s emulator keyword for emulator; a clear error if this boot() cannot choose."""
    if "emulator" in inspect.signature(boot).parameters:
        return {"emulator": emulator}
    if emulator != "qemu":
        raise RuntimeError(f"emulator: {emulator} needs experiments/boot.py to choose the "
                           "emulator (boot(..., emulator=...)); this tree boots QEMU only")
    return {}


def _params_doc(run):
    return {"experiment": run.experiment, "run": run.key, "rep": run.rep, "params": run.params,
            "sched": run.sched, "pmc": run.pmc, "emulator": run.emulator, "qemu": run.qemu,
            "timeout_s": run.timeout, "system": run.system, "expect": list(run.expect),
            "load": run.load, "fault": asdict(run.fault) if run.fault else None,
            "profile": run.profile}


def _write_attempt(run_dir, run, outcome, extra=None):
    (run_dir / "params.json").write_text(json.dumps(_params_doc(run), indent=2) + "\n")
    (run_dir / "outcome.json").write_text(json.dumps({**outcome, **(extra or {})}, indent=2) + "\n")


def fail_without_boot(results, run, reason):
    """Record a run that failed outside the emulator (build, ISO, harness error)."""
    run_dir = new_run_dir(results, f"{run.experiment}/{run.key}")
    outcome = {"ok": False, "status": None, "reason": reason, "log_tail": {}}
    _write_attempt(run_dir, run, outcome)
    summary.write([{"experiment": run.experiment, "run": run.key, "rep": run.rep, **run.params,
                    "ok": False, "reason": reason, "run_dir": str(run_dir)}],
                  run_dir / "summary.csv")
    return outcome


def boot_one(results, run, iso, conf, record_schema):
    """Boot run from iso; judge it; write params, outcome and summary. Returns the outcome."""
    # The vPMU plugin of the build that made the ISO (<build>/iso/<digest>.iso).
    plugin = {"vpmu_plugin": Path(iso).parent.parent / "vpmu.so"} if run.emulator == "qemu" else {}
    nets = run.nets
    # A batch shows one line per run: a fault run's own progress lines are left out.
    session = (faultsession.make(run.fault, *faultplan.roles(run.system), stream=io.StringIO())
               if run.fault
               else webserver.WebSession)
    web = webserver.boot_options(nets, run.load_steps, icount=run.qemu["icount"],
                                  session=session) if nets else {}
    b = boot(iso, f"{run.experiment}/{run.key}", results=str(results),
             config=str(conf) if conf else None, timeout=run.timeout,
             **emulator_options(run.emulator), **plugin, **{**run.qemu, **web})
    errors, unknown = schema.check(b.records, record_schema)
    outcome = judge(b, run.timeout, errors, run.expect)
    _write_attempt(b.run_dir, run, outcome,
                   {"schema_errors": errors[:20], "unknown_events": unknown})
    summary.write([summary.row(run, b, outcome, b.run_dir)], b.run_dir / "summary.csv")
    return outcome


def collect(results, spec):
    """results/<exp>/runs.csv from the latest attempt of every run; (rows, missing runs)."""
    rows, missing = [], []
    for run in spec.runs:
        p = run_root(results, run) / "latest" / "summary.csv"
        if p.exists():
            rows += summary.read(p)
        else:
            missing.append(run.key)
    if rows:
        summary.write(rows, Path(results) / spec.name / "runs.csv")
    return rows, missing


class Images:
    """Every (sched, pmc) built once and every ISO made once, on first need, by whichever
    lane needs it first. One at a time: builds share build/vpmu.so and both cores.
    build=False uses the build directories as they are (a cluster task after
    `python3 -m experiments build`)."""

    def __init__(self, log, build=True):
        self.log, self.build = log, build
        self.lock = threading.Lock()
        self.dirs = {}    # (sched, pmc) -> build directory, or the BuildError it raised

    def _dir(self, run):
        pair = (run.sched, run.pmc)
        if pair not in self.dirs:
            self.dirs[pair] = images.build_dir(*pair)
            try:
                if self.build:
                    t0 = time.monotonic()
                    images.build(*pair)
                    self.log(f"build: SCHED={run.sched} PMC={run.pmc} -> {self.dirs[pair]} "
                             f"({time.monotonic() - t0:.0f} s)")
                elif not (self.dirs[pair] / "kernel.elf").exists():
                    raise images.BuildError(f"{self.dirs[pair]} is not built: run "
                                            f"`/usr/bin/python3 -m experiments build {run.experiment}`")
            except images.BuildError as e:
                self.dirs[pair] = e
        if isinstance(self.dirs[pair], Exception):
            raise self.dirs[pair]
        return self.dirs[pair]

    def get(self, run):
        """(iso, conf) that boot run; BuildError if they cannot be made."""
        with self.lock:
            return images.iso_for(run, self._dir(run))


def prepare(results, runs, log, build=True):
    """Build every (sched, pmc) once and every ISO once: {run.key: (iso, conf)}. Runs whose
    image cannot be made are recorded as failed right away."""
    imgs, ready = Images(log, build), {}
    for run in runs:
        try:
            ready[run.key] = imgs.get(run)
        except images.BuildError as e:
            fail_without_boot(results, run, f"build failed: {e}")
    return ready


def execute(spec, results=RESULTS, jobs=None, rerun=False, indices=None, build=True, log=print,
            progress_stream=None):
    """Run spec's batch (indices: only those runs); returns (runs attempted, runs failed)."""
    return execute_set([spec], results, jobs, rerun, {spec.name: indices} if indices else None,
                       build, log, progress_stream)


def _todo(specs, results, rerun, indices, log):
    """The runs of specs still to do, in order; copies each experiment file to results."""
    todo = []
    for spec in specs:
        runs = [spec.runs[i] for i in indices[spec.name]] if spec.name in (indices or {}) else spec.runs
        mine = [r for r in runs if rerun or not complete(results, r)]
        (results / spec.name).mkdir(parents=True, exist_ok=True)
        shutil.copy(spec.path, results / spec.name / "experiment.yaml")
        log(f"{spec.name}: {len(runs)} runs, {len(runs) - len(mine)} complete (skipped), "
            f"{len(mine)} to run")
        todo += mine
    return todo


def execute_set(specs, results=RESULTS, jobs=None, rerun=False, indices=None, build=True,
                log=print, progress_stream=None):
    """Run the batches of specs as one: runs under a load (measured in wall time) one at
    a time, every other run beside them on jobs - 1 workers (on all jobs once no loaded
    run is left); one progress line per run across the whole set. Returns (runs
    attempted, runs failed)."""
    results = Path(results)
    started = time.time()
    todo = _todo(specs, results, rerun, indices, log)
    if not todo:
        for spec in specs:
            collect(results, spec)
        return 0, 0
    jobs = jobs or os.cpu_count() or 1
    timed = [r for r in todo if r.load or r.alone]
    free = [r for r in todo if not (r.load or r.alone)]
    if jobs == 1:
        timed, free = [], todo
    elif timed:
        log(f"runs under a load go one at a time; the {len(free)} others beside them "
            f"on {max(1, jobs - 1)} worker(s)")
    record_schema = schema.load()
    imgs = Images(log, build)
    progress = Progress(len(todo), **({"stream": progress_stream} if progress_stream else {}),
                        estimates={f"{r.experiment}/{r.key}": (r in timed, r.wall_s) for r in todo},
                        jobs=jobs)
    lanes = _Lanes(timed, free, jobs)

    def one(run):
        t0 = time.monotonic()
        try:
            image = imgs.get(run)
            if lanes.stopping():     # Ctrl-C while it waited for its image: do not boot
                return
            t0 = time.monotonic()    # the run's own time, without the image it waited for
            outcome = boot_one(results, run, *image, record_schema)
        except images.BuildError as e:
            outcome = fail_without_boot(results, run, f"build failed: {e}")
        except Exception as e:   # a harness or emulator error fails this run, not the batch
            outcome = fail_without_boot(results, run, f"{type(e).__name__}: {e}")
        progress.finished(f"{run.experiment}/{run.key}", outcome["ok"],
                          time.monotonic() - t0, outcome["reason"] or "")

    lanes.run(one)
    for spec in specs:
        collect(results, spec)
    _write_batch(results, specs, started, jobs, len(todo), progress.failed)
    log(f"{', '.join(s.name for s in specs)}: {progress.done - progress.failed}/{progress.done} "
        f"ok, {progress.failed} failed; results in {results}")
    return progress.done, progress.failed


def _write_batch(results, specs, started, jobs, runs, failed):
    """results/batch.json: what the last batch ran and how long it took, builds included."""
    ended = time.time()
    (results / "batch.json").write_text(json.dumps({
        "experiments": [s.name for s in specs], "runs": runs, "failed": failed, "jobs": jobs,
        "profile": specs[0].runs[0].profile if specs and specs[0].runs else "quick",
        "started": round(started, 1), "seconds": round(ended - started, 1),
        "host_load_1m": round(os.getloadavg()[0], 2)}, indent=2) + "\n")


class _Lanes:
    """The timed lane (one run at a time; runs that must be alone wait until the free lane
    is idle, and keep it idle, and go last) and the free lane (up to jobs - 1 runs while
    the timed lane works, jobs after) on threads. An exception that is not a run's
    failure (Ctrl-C) stops both lanes before their next run and is raised again."""

    def __init__(self, timed, free, jobs):
        # Longest first: the last runs of the free lane then fill the gaps evenly.
        self.timed, self.jobs = sorted(timed, key=lambda r: r.alone), jobs
        self.queue = sorted(free, key=lambda r: -r.wall_s)
        self.cond = threading.Condition()
        self.timed_busy, self.alone, self.active, self.error = bool(timed), False, 0, None

    def stopping(self):
        """True once the batch is being stopped: a run not yet booted must not start."""
        return self.error is not None

    def _allowed(self):
        if self.alone:
            return 0
        return max(1, self.jobs - 1) if self.timed_busy else self.jobs

    def _guard(self, fn, run):
        try:
            fn(run)
        except BaseException as e:   # noqa: B036 -- Ctrl-C in a worker stops the batch
            with self.cond:
                self.error = self.error or e
                self.cond.notify_all()

    def _timed_lane(self, fn):
        for run in self.timed:
            if self.error:
                break
            with self.cond:
                self.alone = run.alone
                while self.alone and self.active and not self.error:
                    self.cond.wait()
            self._guard(fn, run)
        with self.cond:
            self.timed_busy = self.alone = False
            self.cond.notify_all()

    def _free_worker(self, fn):
        while True:
            with self.cond:
                while self.queue and not self.error and self.active >= self._allowed():
                    self.cond.wait()
                if not self.queue or self.error:
                    return
                run = self.queue.pop(0)
                self.active += 1
            self._guard(fn, run)
            with self.cond:
                self.active -= 1
                self.cond.notify_all()

    def run(self, fn):
        emulator.stop_children_on_signals()
        threads = [threading.Thread(target=self._timed_lane, args=(fn,), daemon=True)]
        threads += [threading.Thread(target=self._free_worker, args=(fn,), daemon=True)
                    for _ in range(min(self.jobs, len(self.queue)))]
        for t in threads:
            t.start()
        try:
            for t in threads:
                while t.is_alive():
                    t.join(0.2)
        except BaseException as e:   # Ctrl-C or SIGTERM here: the emulators running now
            emulator.stop_all()      # die, queued runs must not start
            with self.cond:
                self.error = self.error or e
                self.cond.notify_all()
            for t in threads:
                t.join()
        if self.error:
            raise self.error
