"""Boot one configuration, keep its records, print a short summary.

    /usr/bin/python3 -m experiments.boot --iso build/questv.iso --name default
    /usr/bin/python3 -m experiments.boot --iso build/questv.iso --emu bochs

QEMU (TCG, AMD SVM + NPT) is the default emulator; --emu bochs boots the
same ISO in Bochs (Intel VMX + EPT) with the same consoles and records.

Writes results/<name>/<run-id>/: one raw log per console (monitor.log,
com1.log ... com4.log), records.jsonl (every record, with "src"),
run.json (command line, git revision, timings, verdict), a copy of the
system config; results/<name>/latest points at the newest run.
"""
import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from . import bochs, netsys, qemu, webserver
from .records import by_ev, collect, forged, write_jsonl
from .session import Beside, ctrl_c_interrupts

ROOT = Path(__file__).resolve().parent.parent
EMULATORS = {"qemu": qemu, "bochs": bochs}


def git_revision():
    def git(*args):
        r = subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True)
        return r.stdout.strip() if r.returncode == 0 else ""
    return git("rev-parse", "HEAD") or "unknown", bool(git("status", "--porcelain"))


def new_run_dir(results, name):
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    base = Path(results) / name
    run_dir = base / stamp
    n = 1
    while run_dir.exists():
        n += 1
        run_dir = base / f"{stamp}-{n}"
    run_dir.mkdir(parents=True)
    latest = base / "latest"
    if latest.is_symlink() or latest.exists():
        latest.unlink()
    latest.symlink_to(run_dir.name)
    return run_dir


class Boot:
    """One emulator run of an ISO and what it left behind."""

    def __init__(self, run_dir, records, status, timed_out, wall_s, ready_wall_s, cmd, qemu_out,
                 returncode, emulator="qemu"):
        self.run_dir = run_dir
        self.emulator = emulator        # "qemu" or "bochs"
        self.returncode = returncode    # the emulator's exit code (None on timeout)
        self.records = records
        self.status = status            # run_end status, or None
        self.timed_out = timed_out
        self.wall_s = wall_s
        self.ready_wall_s = ready_wall_s  # wall seconds until every sandbox was ready
        self.cmd = cmd
        self.qemu_out = qemu_out        # the emulator's own output

    def ev(self, name):
        return by_ev(self.records, name)

    @property
    def ok(self):
        return self.status == 0 and not self.timed_out and not self.ev("harness_error")


def boot(iso, name, results="results", config=None, timeout=300, emulator="qemu", session=None,
         **qemu_opts):
    """Boot iso under QEMU (or emulator="bochs"), collect everything into a new run directory.

    qemu_opts go to qemu.qemu_command / bochs.bochs_command (cpu, smp, mem,
    net, ...). session: a harness session run beside the emulator
    (experiments/session.py, e.g. webserver.WebSession); its records join
    the run's with "src": "harness". On the main thread the first Ctrl-C
    then interrupts the session (which ends the run), a second one stops
    everything.
    """
    emu = EMULATORS[emulator]
    run_dir = new_run_dir(results, name)
    if emulator == "bochs":
        cmd = bochs.bochs_command(iso, run_dir, **qemu_opts)
    else:
        cmd = qemu.qemu_command(iso, run_dir, **qemu_opts)
    ready = {}
    beside = Beside(session, run_dir) if session else None

    def watch(elapsed):
        # Wall time to "every sandbox ready": read the consoles as they grow.
        if "t" not in ready:
            recs = collect(run_dir)
            plans = by_ev(recs, "monitor_ready")
            if plans and len(by_ev(recs, "sandbox_ready")) >= plans[0]["sandboxes"]:
                ready["t"] = elapsed
        return beside is not None and beside.should_stop()

    with ctrl_c_interrupts(session) as own_sigint:
        try:
            if beside:
                beside.start()
            popen = {"start_new_session": True} if own_sigint else {}
            rc, timed_out, wall, out, cpu = emu.run(cmd, timeout, on_poll=watch, poll_s=0.1,
                                                    **popen)
        finally:
            if beside:
                beside.finish()
            if hasattr(emu, "cleanup"):
                emu.cleanup(run_dir)
    records = collect(run_dir) + (beside.records() if beside else [])
    write_jsonl(records, run_dir / "records.jsonl")
    ends = by_ev(records, "run_end")
    status = ends[-1]["status"] if ends else None
    if config:
        shutil.copy(config, run_dir / "system.conf")
    rev, dirty = git_revision()
    meta = {"iso": str(iso), "command": cmd, "git_revision": rev, "git_dirty": dirty,
            "timeout_s": timeout, "timed_out": timed_out, "qemu_returncode": rc,
            "debug_exit_status": emu.decode_exit(rc), "run_end_status": status,
            "wall_s": round(wall, 3), "cpu_s": cpu,
            "ready_wall_s": round(ready["t"], 3) if "t" in ready else None}
    if emulator != "qemu":
        # Same keys, named for what ran; Bochs's exit status is no verdict.
        meta = {"emulator": emulator, **meta}
        meta[f"{emulator}_returncode"] = meta.pop("qemu_returncode")
    (run_dir / "run.json").write_text(json.dumps(meta, indent=2) + "\n")
    (run_dir / f"{emulator}.out").write_text(out)
    return Boot(run_dir, records, status, timed_out, wall, ready.get("t"), cmd, out, rc, emulator)


def boot_cycles(b):
    """TSC cycles from monitor entry until the last sandbox was ready."""
    mon = b.ev("monitor")
    ready = b.ev("sandbox_ready")
    if not mon or not ready:
        return None
    return max(r["tsc"] for r in ready) - mon[0]["tsc"]


def summary(b):
    """A few human lines about a run."""
    lines = []
    mon = (b.ev("monitor") or [{}])[0]
    mr = (b.ev("monitor_ready") or [{}])[0]
    ready = b.ev("sandbox_ready")
    lines.append(f"run:        {b.run_dir}")
    lines.append(f"monitor:    virt={mon.get('virt', '?')} cpu={mon.get('cpu', '?').strip()!r} "
                 f"cores={mr.get('cores', '?')} sandboxes={mr.get('sandboxes', '?')}")
    for r in sorted(ready, key=lambda r: r["sandbox"]):
        lines.append(f"sandbox {r['sandbox']}:  core {r['core']}, {r['mem_mib']} MiB, ready")
    policies = sorted({r["policy"] for r in b.ev("sched")})
    if policies:
        lines.append(f"scheduler:  {', '.join(policies)} (make SCHED=...)")
    cyc = boot_cycles(b)
    if cyc is not None:
        wall = f"{b.ready_wall_s:.2f} s wall" if b.ready_wall_s is not None else "wall n/a"
        lines.append(f"boot:       {cyc} TSC cycles to all ready ({wall})")
    for window in ("boot", "probe", "steady"):
        ex = [e for e in b.ev("vm_exits") if e["window"] == window]
        if ex:
            per = ", ".join(f"sb{e['sandbox']}={e['count']}" for e in sorted(ex, key=lambda e: e["sandbox"]))
            lines.append(f"exits {window + ':':7} {per}")
    iso = b.ev("isolation")
    if iso:
        count = {k: sum(1 for r in iso if r.get("result") == k)
                 for k in ("blocked", "harmless", "not_tried")}
        sums = b.ev("isolation_checksum")
        same = sum(1 for r in sums if r["unchanged"])
        lines.append(f"isolation:  {count['blocked']}/{len(iso)} attempts blocked, "
                     f"{count['harmless']} harmless, {count['not_tried']} not tried, "
                     f"{same}/{len(sums)} checksums unchanged")
    for r in sorted(b.ev("net_stats"), key=lambda r: r["sandbox"]):
        lines.append(f"net sb{r['sandbox']}:    {r.get('role', '?')}, rx {r.get('rx_frames')} / "
                     f"tx {r.get('tx_frames')} frames, {r.get('http_requests')} HTTP requests, "
                     f"{r.get('cycles_per_frame')} cycles/frame ({r.get('clock', '?')})")
    fake = forged(b.records)
    if fake:
        srcs = ", ".join(sorted({r["src"] for r in fake}))
        lines.append(f"forged:     {len(fake)} monitor record(s) printed by a sandbox ({srcs}): ignored")
    for err in b.ev("config_error"):
        lines.append(f"config error: line {err['line']}: {err['msg']}")
    for ev in ("virt_error", "boot_error", "sandbox_fault", "monitor_exception", "harness_error"):
        for r in b.ev(ev):
            lines.append(f"{ev}: {json.dumps({k: v for k, v in r.items() if k not in ('ev', 'src')})}")
    verdict = "TIMEOUT" if b.timed_out else f"status {b.status}"
    lines.append(f"run_end:    {verdict} ({b.wall_s:.1f} s wall)")
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m experiments.boot", description=__doc__.splitlines()[0])
    ap.add_argument("--iso", required=True)
    ap.add_argument("--name", default="default", help="results/<name>/")
    ap.add_argument("--config", help="system config to keep with the run")
    ap.add_argument("--results", default=str(ROOT / "results"))
    ap.add_argument("--emu", choices=sorted(EMULATORS), default="qemu",
                    help="qemu: AMD SVM+NPT under TCG (default); bochs: Intel VMX+EPT")
    ap.add_argument("--cpu", help=f"CPU model (qemu: {qemu.DEFAULT_CPU}; bochs: {bochs.DEFAULT_CPU})")
    ap.add_argument("--smp", type=int, default=4)
    ap.add_argument("--mem", default=qemu.DEFAULT_MEM)
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--no-icount", action="store_true", help="free-running TSC (faster, not deterministic)")
    ap.add_argument("--gdb", action="store_true", help="start halted, gdbstub on localhost:1234")
    ap.add_argument("--no-vpmu", action="store_true",
                    help="qemu: without the virtual PMU plugin and its ivshmem device")
    ap.add_argument("--iommu", choices=qemu.IOMMUS, default="none",
                    help="qemu: vtd boots q35 with Intel VT-d, amdvi q35 with AMD-Vi "
                         "(default: pc, no IOMMU)")
    ap.add_argument("--serve-s", type=float, default=30,
                    help="a config with networked sandboxes (args net=...): seconds to serve "
                         "after the first checks, then end the run (0: until Ctrl-C)")
    a = ap.parse_args(argv)
    cpu = a.cpu or EMULATORS[a.emu].DEFAULT_CPU
    opts = {"vpmu": False} if a.no_vpmu and a.emu == "qemu" else {}
    opts.update(icount=not a.no_icount, timeout=a.timeout)
    if a.iommu != "none":
        if a.emu != "qemu":
            ap.error("--iommu needs --emu qemu")
        opts["iommu"] = a.iommu
    nets = netsys.from_config(Path(a.config).read_text()) if a.config else []
    if nets and a.emu == "qemu":
        # Served until --serve-s passes (bounded by --timeout beyond it) or Ctrl-C (unbounded).
        opts.update(webserver.boot_options(nets, serve_s=a.serve_s or None, log=print),
                    timeout=a.timeout + a.serve_s if a.serve_s else float("inf"))
    elif nets:
        print(f"note: {a.emu} has no NIC here: the networked sandboxes will not serve")
    b = boot(a.iso, a.name, a.results, a.config, emulator=a.emu, cpu=cpu, smp=a.smp,
             mem=a.mem, gdb=a.gdb, **opts)
    print(summary(b))
    if not b.ok:
        tail = (b.run_dir / "monitor.log").read_text(errors="replace").splitlines()[-10:]
        print("monitor log tail:\n  " + "\n  ".join(tail), file=sys.stderr)
    return 0 if b.ok else 1


if __name__ == "__main__":
    sys.exit(main())
