"""The fault campaign: `make faults N=100000 [SEED=1] [IOMMU=vtd|amdvi] [J=2] [ICOUNT=1]`
(faults.yaml).

    /usr/bin/python3 -m experiments.faults -n 100000 --seed 1 [--iommu vtd|amdvi] [-j 2]
                                           [--per-boot 5000] [--icount]

Runs the experiment `faults` as boots of at most --per-boot faults each,
-j boots at a time (a fault run keeps a host core only about half busy:
its guest waits between faults). Boot 0 injects from SEED itself, so a
campaign of one boot is exactly `make faults N=n SEED=S`; boot i > 0 from a
seed derived from (SEED, i), named in its record, so any boot can be rerun
alone. Every finished boot is kept in

    results/faults/campaign-n<N>-s<SEED>[-<iommu>][-icount]/state.jsonl   (the plan, then a line a boot)
    results/faults/campaign-n<N>-s<SEED>[-<iommu>][-icount]/boot<i>/      (the boots' runs)

and a rerun with the same N and SEED starts only the boots not kept there
(a boot interrupted half way starts again from its first fault: each fault
counts once). Progress, with an ETA from this session's rate, goes to
stderr while the faults are recovered; then the campaign verdict
(experiments/campaign.py merge) goes to stdout as one `campaign` record,
also appended to state.jsonl. Exit status 0 only when every fault was
found and recovered and every check held; otherwise 1, with the command
that reproduces the first failing boot.

--icount runs QEMU under -icount (virtual time: the guest's clocks count
instructions, so the host's load does not show in the recovery times; the
vCPUs then share one host thread, which is slower).
"""
import argparse
import dataclasses
import hashlib
import json
import os
import signal
import sys
import threading
import time
from pathlib import Path

from . import campaign, faultplan, qemu, runner, schema, spec as specs
from .consoletail import ConsoleTail
from .deps import need
from .faultsession import FaultProgress
from .records import read_jsonl

NAME = "faults"
BASE_S = 60             # boot, checks, the end of the run
PER_FAULT_S = 0.12      # measured ~45 ms per fault (20 ms gaps, 1 in 4 a 50 ms hang): margin
ICOUNT_SLOWER = 4       # icount, one host thread for all vCPUs: 7-9 faults/s against 21-37/s
PER_BOOT = 5000         # ~3 min a boot here: boot and end cost ~7-15 s of it
SEED_SPACE = 2**31 - 1  # derived seeds stay short: a sandbox has 127 characters of args
ICOUNT_SEED_SPACE = 10**6 - 1   # and shorter under icount, whose clock=icount takes 13 more
FOLLOW_S = 1.0          # how often the consoles of running boots are read for progress
SHOW_EVERY_S = 10.0


def timeout_s(n, icount=False):
    """A boot's timeout for n faults."""
    return BASE_S + n * PER_FAULT_S * (ICOUNT_SLOWER if icount else 1)


def campaign_spec(n, seed, path=None, iommu="none", icount=False):
    """faults.yaml with n faults from seed, its timeout sized from n; iommu vtd or
    amdvi: on q35 with that IOMMU (experiments/qemu.py machine_args); icount: QEMU
    under -icount."""
    path = path or specs.path_of(NAME)
    raw = need("yaml").safe_load(path.read_text())
    raw["fault"] = {**raw["fault"], "count": n, "seed": seed}
    if iommu != "none":
        raw["qemu"] = {**(raw.get("qemu") or {}), "iommu": iommu}
    if icount:
        raw["qemu"] = {**(raw.get("qemu") or {}), "icount": True}
    raw["timeout"] = timeout_s(n, icount)
    s = specs.parse(raw, NAME, specs.policies())
    s.path = path
    return s


def boot_seed(seed, i, space=SEED_SPACE):
    """The seed of boot i of a campaign from seed: seed itself for boot 0, else 1..space."""
    if i == 0:
        return seed
    digest = hashlib.sha256(f"questv-faults/{seed}/{i}".encode()).digest()
    return int.from_bytes(digest[:8], "little") % space + 1


def boots(n, seed, per_boot, icount=False):
    """[(i, faults, seed)] of a campaign of n faults."""
    space = ICOUNT_SEED_SPACE if icount else SEED_SPACE
    return [(i, min(per_boot, n - start), boot_seed(seed, i, space))
            for i, start in enumerate(range(0, n, per_boot))]


def campaign_dir(results, n, seed, iommu, icount=False):
    return Path(results) / NAME / (f"campaign-n{n}-s{seed}" + ("" if iommu == "none" else f"-{iommu}")
                                   + ("-icount" if icount else ""))


class State:
    """state.jsonl: the plan on its first line, then one line per finished boot."""

    def __init__(self, folder, plan):
        self.path = Path(folder) / "state.jsonl"
        self.lock = threading.Lock()
        if not self.path.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._append({"ev": "campaign_plan", **plan})
        lines = read_jsonl(self.path)
        if {k: lines[0].get(k) for k in plan} != plan:
            raise SystemExit(f"{self.path} was made by another plan {lines[0]}: rerun with "
                             "its options, or move the folder away to start again")
        self.parts = {p["boot"]: p for p in lines if "boot" in p}

    def _append(self, rec):
        with self.lock, open(self.path, "a") as f:
            f.write(json.dumps(rec) + "\n")
            f.flush()
            os.fsync(f.fileno())

    def keep(self, part):
        self._append(part)
        self.parts[part["boot"]] = part

    def done(self, rec):
        self._append(rec)


def busy_s(parts):
    """Wall seconds in which at least one boot ran (sessions and lanes overlap-free)."""
    total, end = 0.0, None
    for a, b in sorted((p["started"], p["ended"]) for p in parts):
        if end is None or a > end:
            total, end = total + b - a, b
        elif b > end:
            total, end = total + b - end, b
    return total


class Follower:
    """Reads the consoles of the boots running now and shows the campaign's progress."""

    def __init__(self, progress, driver):
        self.progress, self.driver = progress, driver
        self.running, self.lock, self.stop = {}, threading.Lock(), threading.Event()

    def watch(self, i, run_root, before):
        """Boot i's attempt will be the folder under run_root that is not in before."""
        with self.lock:
            self.running[i] = [Path(run_root), before, None]

    def unwatch(self, i):
        """Boot i ended: its last records are counted."""
        with self.lock:
            self._feed(self.running.pop(i))

    def _feed(self, boot):
        root, before, tail = boot
        if tail is None:
            new = sorted(_attempts(root) - before)
            if not new:
                return
            tail = boot[2] = ConsoleTail(root / new[0])
        for r in tail.poll():
            if r.get("sandbox") == self.driver:
                self.progress.see(r)

    def loop(self):
        while not self.stop.wait(FOLLOW_S):
            with self.lock:
                for boot in self.running.values():
                    self._feed(boot)
                self.progress.show()


def _attempts(run_root):
    root = Path(run_root)
    return ({d.name for d in root.iterdir() if d.is_dir() and not d.is_symlink()}
            if root.exists() else set())


def _interrupted(run_dir):
    """QEMU was stopped by Ctrl-C or SIGTERM (the harness's own stops are SIGKILL)."""
    p = Path(run_dir) / "run.json"
    rc = json.loads(p.read_text()).get("qemu_returncode") if p.exists() else None
    return rc in (-signal.SIGINT, -signal.SIGTERM)


def run_boot(results, s, key, i, count, images, follower, log):
    """Boot i of the campaign (its spec s, its run folder key): its part for state.jsonl,
    or None when its emulator was interrupted (Ctrl-C, SIGTERM)."""
    run = dataclasses.replace(s.runs[0], key=key)
    root = runner.run_root(results, run)
    before, started = _attempts(root), time.time()
    follower.watch(i, root, before)
    try:
        outcome = runner.boot_one(results, run, *images.get(run), schema.load())
    except Exception as e:   # a build or harness error fails this boot, not the campaign
        outcome = {"ok": False, "reason": f"{type(e).__name__}: {e}"}
    finally:
        follower.unwatch(i)
    made = sorted(_attempts(root) - before)
    if made and _interrupted(root / made[0]):
        return None
    base = {"boot": i, "count": count, "seed": run.fault.seed, "started": started,
            "ended": time.time(), "run_dir": str(root / made[0]) if made else None}
    if not made or not (root / made[0] / "records.jsonl").exists():
        return {**base, "error": f"the boot left no records: {outcome['reason']}"}
    p = campaign.part(read_jsonl(root / made[0] / "records.jsonl"), count, run.fault.seed,
                      follower.driver)
    if not outcome["ok"] and not (outcome["reason"] or "").startswith("harness: fault campaign"):
        p["problems"].append(f"run failed: {outcome['reason']}")
    log(f"boot {i}: {p['record']['recovered']}/{count} recovered"
        f"{'' if outcome['ok'] else ' - ' + outcome['reason']} ({base['run_dir']})")
    return {**base, **p}


def _kill_children():
    """Stop the emulators this process started (its direct children, by pid)."""
    for task in Path("/proc/self/task").iterdir():
        try:
            pids = (task / "children").read_text().split()
        except FileNotFoundError:        # the thread ended meanwhile
            continue
        for pid in pids:
            try:
                os.kill(int(pid), signal.SIGTERM)
            except ProcessLookupError:
                pass


def _on_term(signum, frame):
    raise KeyboardInterrupt


def run_lanes(todo, jobs, one):
    """one(boot) for every boot of todo, on up to jobs threads. Ctrl-C, SIGTERM or an
    exception out of one() stops every lane: the emulators running are stopped, their
    boots are not kept (one() returns None once stopping() is true), and it is raised here."""
    queue, lock, stop, errors = list(todo), threading.Lock(), threading.Event(), []

    def lane():
        try:
            while not stop.is_set():
                with lock:
                    if not queue:
                        return
                    boot = queue.pop(0)
                one(boot, stop.is_set)
        except BaseException as e:   # noqa: B036 -- stops the campaign, raised below
            errors.append(e)
            stop.set()

    threads = [threading.Thread(target=lane, daemon=True) for _ in range(min(jobs, len(todo)))]
    main = threading.current_thread() is threading.main_thread()
    old = signal.signal(signal.SIGTERM, _on_term) if main else None
    try:
        for t in threads:
            t.start()
        for t in threads:
            while t.is_alive():
                t.join(0.2)
        if errors:
            raise errors[0]
    except BaseException:
        stop.set()
        _kill_children()
        for t in threads:
            t.join()
        raise
    finally:
        if main:
            signal.signal(signal.SIGTERM, old)


def run_campaign(n, seed, iommu="none", jobs=1, per_boot=PER_BOOT, results=runner.RESULTS,
                 stream=sys.stderr, icount=False):
    """Run (or resume) the campaign: (merged campaign record, problems, boots' parts)."""
    folder = campaign_dir(results, n, seed, iommu, icount)
    state = State(folder, {"n": n, "seed": seed, "iommu": iommu, "per_boot": per_boot,
                           **({"icount": True} if icount else {})})
    plan = boots(n, seed, per_boot, icount)
    todo = [b for b in plan if b[0] not in state.parts]

    def log(msg):
        print(f"{NAME}: {msg}", file=stream, flush=True)
    log(f"{n} faults, seed {seed}: {len(plan)} boot(s) of up to {per_boot}, "
        f"{len(plan) - len(todo)} kept in {folder / 'state.jsonl'}, {len(todo)} to run, "
        f"{jobs} at a time")
    progress = FaultProgress(n, stream, every=SHOW_EVERY_S)
    for p in state.parts.values():
        progress.restore(p)
    driver = faultplan.roles(campaign_spec(1, seed, iommu=iommu, icount=icount).runs[0].system)[0]
    follower = Follower(progress, driver)
    images = runner.Images(log)

    def one(boot, stopping):
        i, count, bseed = boot
        part = run_boot(results, campaign_spec(count, bseed, iommu=iommu, icount=icount),
                        f"{folder.name}/boot{i:04d}", i, count, images, follower, log)
        if part is None:            # its emulator got the Ctrl-C first
            raise KeyboardInterrupt
        if not stopping():          # an interrupted boot starts again next time
            state.keep(part)

    watcher = threading.Thread(target=follower.loop, daemon=True)
    watcher.start()
    try:
        run_lanes(todo, jobs, one)
    except KeyboardInterrupt:
        log(f"interrupted: {len(state.parts)} of {len(plan)} boots kept; the same command "
            "resumes")
        raise
    finally:
        follower.stop.set()
        watcher.join()
    progress.show(final=True)
    parts = [state.parts[i] for i, _, _ in plan]
    rec, problems = campaign.merge(parts, n, seed)
    rec["busy_s"] = round(busy_s(parts), 1)
    rec["faults_per_s"] = round(rec["injected"] / rec["busy_s"], 1) if rec["busy_s"] else None
    state.done(rec)
    return rec, problems, parts


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m experiments.faults",
                                 description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=10000, help="faults to inject")
    ap.add_argument("--seed", type=int, default=1, help="the random sequence (kinds, gaps)")
    ap.add_argument("--iommu", choices=qemu.IOMMUS, default="none",
                    help="vtd: boot q35 with Intel VT-d confining the NIC, amdvi with AMD-Vi")
    ap.add_argument("-j", "--jobs", type=int, default=1, help="boots at a time")
    ap.add_argument("--per-boot", type=int, default=PER_BOOT, help="faults per boot at most")
    ap.add_argument("--icount", action="store_true",
                    help="QEMU under -icount: virtual time, the host's load not counted")
    ap.add_argument("--results", default=str(runner.RESULTS))
    a = ap.parse_args(argv)
    if a.n < 1 or a.per_boot < 1 or a.jobs < 1:
        ap.error("-n, --per-boot and -j must be at least 1")
    try:
        rec, problems, parts = run_campaign(a.n, a.seed, a.iommu, a.jobs, a.per_boot, a.results,
                                            icount=a.icount)
    except KeyboardInterrupt:
        return 130
    print(json.dumps(rec))
    why = campaign.verdict(rec, problems)
    if why:
        print(f"FAILED: {why}", file=sys.stderr)
        bad = next((p for p in parts if "error" in p or p["problems"]
                    or p["record"]["not_recovered"]), None)
        if bad:
            print(f"reproduce its boot {bad['boot']}: make faults N={bad['count']} "
                  f"SEED={bad['seed']}{'' if a.iommu == 'none' else ' IOMMU=' + a.iommu}"
                  f"{' ICOUNT=1' if a.icount else ''}",
                  file=sys.stderr)
    return 1 if why else 0


if __name__ == "__main__":
    sys.exit(main())
