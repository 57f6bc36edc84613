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
import json
import os
import shutil
import time
from dataclasses import asdict
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from . import faultplan, faultsession, images, schema, summary, webserver
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
    o = latest_outcome(results, run)
    return bool(o and o["ok"])


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
            "load": run.load, "fault": asdict(run.fault) if run.fault else None}


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
    session = (faultsession.make(run.fault, *faultplan.roles(run.system)) if run.fault
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


def prepare(results, runs, log, build=True):
    """Build every (sched, pmc) once and every ISO once: {run.key: (iso, conf)}.

    build=False uses the build directories as they are (a cluster task
    after `python3 -m experiments build`). Runs whose image cannot be made
    are recorded as failed right away.
    """
    ready, builds = {}, {}
    for run in runs:
        pair = (run.sched, run.pmc)
        if pair not in builds:
            builds[pair] = images.build_dir(*pair)
            try:
                if build:
                    log(f"build: SCHED={run.sched} PMC={run.pmc} -> {builds[pair]}")
                    images.build(*pair)
                elif not (builds[pair] / "kernel.elf").exists():
                    raise images.BuildError(f"{builds[pair]} is not built: run "
                                            f"`/usr/bin/python3 -m experiments build {run.experiment}`")
            except images.BuildError as e:
                builds[pair] = e
        try:
            if isinstance(builds[pair], Exception):
                raise builds[pair]
            ready[run.key] = images.iso_for(run, builds[pair])
        except images.BuildError as e:
            fail_without_boot(results, run, f"build failed: {e}")
    return ready


def execute(spec, results=RESULTS, jobs=None, rerun=False, indices=None, build=True, log=print,
            progress_stream=None):
    """Run spec's batch; returns (runs attempted, runs failed)."""
    results = Path(results)
    runs = [spec.runs[i] for i in indices] if indices is not None else spec.runs
    todo = [r for r in runs if rerun or not complete(results, r)]
    (results / spec.name).mkdir(parents=True, exist_ok=True)
    shutil.copy(spec.path, results / spec.name / "experiment.yaml")
    skipped = len(runs) - len(todo)
    log(f"{spec.name}: {len(runs)} runs, {skipped} complete (skipped), {len(todo)} to run")
    if not todo:
        collect(results, spec)
        return 0, 0
    jobs = jobs or os.cpu_count() or 1
    if jobs > 1 and any(r.nets for r in todo):
        # A load is measured in wall time (and httperf spins a core): alone, or not at all.
        log(f"{spec.name}: networked runs go one at a time")
        jobs = 1
    record_schema = schema.load()
    ready = prepare(results, todo, log, build)
    kwargs = {"stream": progress_stream} if progress_stream else {}
    progress = Progress(len(todo), **kwargs)
    for run in todo:
        if run.key not in ready:
            progress.finished(run.key, False, 0, latest_outcome(results, run)["reason"])

    def one(run):
        t0 = time.monotonic()
        try:
            outcome = boot_one(results, run, *ready[run.key], record_schema)
        except Exception as e:   # a harness or emulator error fails this run, not the batch
            outcome = fail_without_boot(results, run, f"{type(e).__name__}: {e}")
        return run, outcome, time.monotonic() - t0

    pool = ThreadPoolExecutor(max_workers=jobs)
    try:
        futures = [pool.submit(one, r) for r in todo if r.key in ready]
        for f in as_completed(futures):
            run, outcome, secs = f.result()
            progress.finished(run.key, outcome["ok"], secs, outcome["reason"] or "")
    finally:
        # On Ctrl-C, the emulators running now die with the terminal's SIGINT;
        # the runs still queued must not start.
        pool.shutdown(wait=True, cancel_futures=True)
    collect(results, spec)
    log(f"{spec.name}: {progress.done - progress.failed}/{progress.done} ok, "
        f"{progress.failed} failed; results in {results / spec.name}")
    return progress.done, progress.failed
