"""Judging one finished boot: did it work, and if not, why (with the log tail)."""
from pathlib import Path

from .qemu import decode_exit
from .records import CONSOLES

STATUS_NAMES = {1: "a sandbox reported failure", 2: "bad system config", 3: "no SVM/NPT",
                4: "a sandbox faulted or failed", 5: "boot error"}
# Records whose first occurrence explains a failed run best.
EXPLAINING = ("config_error", "virt_error", "boot_error", "sandbox_fault", "experiment_error",
              "monitor_exception", "exception")


def run_status(b):
    """The run's status: the monitor's run_end; natively the kernel's debug-exit code, or
    (under Bochs, whose exit code says nothing) the kernel's own sandbox_done record."""
    if b.status is not None:
        return b.status
    if getattr(b, "emulator", "qemu") == "qemu":   # Boot.emulator is newer than Boot
        return decode_exit(b.returncode)
    done = b.ev("sandbox_done")
    return max(d["status"] for d in done) if done else None


def log_tail(run_dir, lines=10):
    """The last lines of every console and of the emulator's own output."""
    out = {}
    for name in [f"{c}.log" for c in CONSOLES] + ["qemu.out", "bochs.out"]:
        p = Path(run_dir) / name
        if p.exists() and p.stat().st_size:
            out[name] = p.read_text(errors="replace").splitlines()[-lines:]
    return out


def judge(b, timeout, schema_errors, expect=()):
    """{"ok", "status", "reason", "log_tail"} for Boot b; expect: events it must have printed."""
    status = run_status(b)
    reason = None
    harness = b.ev("harness_error")
    if b.timed_out:
        reason = f"timeout: killed after {timeout:g} s"
    elif harness:
        reason = f"harness: {harness[0]['msg']}"
    elif status is None:
        reason = f"emulator exited with code {b.returncode} without a run status"
    elif status != 0:
        reason = f"run status {status} ({STATUS_NAMES.get(status, 'unknown')})"
        for ev in EXPLAINING:
            first = b.ev(ev)
            if first:
                detail = {k: v for k, v in first[0].items() if k not in ("ev", "src")}
                reason += f"; {ev}: {detail}"
                break
    elif schema_errors:
        reason = f"{len(schema_errors)} record(s) fail the schema, first: {schema_errors[0]}"
    elif any(not b.ev(ev) for ev in expect):
        reason = "no record of " + ", ".join(ev for ev in expect if not b.ev(ev)) + " (expect:)"
    return {"ok": reason is None, "status": status, "reason": reason,
            "log_tail": log_tail(b.run_dir) if reason else {}}
