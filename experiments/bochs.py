"""Booting an ISO in Bochs (Intel VMX + EPT) with every console captured.

Bochs is the Intel counterpart of the QEMU runner (qemu.py): Debian's Bochs
2.7 emulates VMX with EPT, VPID and unrestricted guest. It runs headless
(rfb display that waits for no client), with its debugger told to just
continue, and stops when the monitor writes "Shutdown" to port 0x8900.

Consoles: the monitor's port 0xE9 comes out on Bochs's stdout, which is
written to monitor.log (Bochs's own banner and debugger lines are moved to
bochs.out after the run); COM1..COM4 go to com1.log..com4.log.

The exit status is not a verdict: Bochs exits 1 after a clean shutdown.
Runs are judged by their run_end record, as under QEMU.

Time: `clock: sync=none` makes the emulated clocks follow the instruction
count (`ips` instructions per emulated second), so runs are deterministic;
the TSC then counts ips ticks per emulated second.
"""
import re
from pathlib import Path

from .emulator import supervise

DEFAULT_CPU = "corei7_sandy_bridge_2600k"   # VMX with EPT, VPID, unrestricted guest
NO_EPT_CPU = "core2_penryn_t9600"            # VMX without EPT: the monitor must refuse it
DEFAULT_MEM = "512M"
DEFAULT_IPS = 4000000                        # Bochs's default: emulated instructions per second
BIOS_DIR = Path("/usr/share/bochs")

# Lines Bochs itself prints on stdout (banner, debugger), not the guest's.
_BOCHS_LINE = re.compile(r"^(=+$|\s*Bochs x86 Emulator|\s*Built from|\s*Timestamp:|Next at t=|"
                         r"\(\d+\)\.?\s*\[|<bochs:\d+>|\s*$)")


def _megabytes(mem):
    s = str(mem).strip().upper()
    if s.endswith("G"):
        return int(s[:-1]) * 1024
    if s.endswith("M"):
        return int(s[:-1])
    return int(s)


def bochsrc_text(iso, run_dir, cpu=DEFAULT_CPU, smp=4, mem=DEFAULT_MEM, ips=DEFAULT_IPS):
    """The bochsrc for one run; consoles go to run_dir."""
    run_dir = Path(run_dir).resolve()
    lines = [
        f"megs: {_megabytes(mem)}",
        f"cpu: model={cpu}, count={smp}, ips={ips}, reset_on_triple_fault=0",
        f"romimage: file={BIOS_DIR / 'BIOS-bochs-latest'}",
        f"vgaromimage: file={BIOS_DIR / 'VGABIOS-lgpl-latest'}",
        f'ata0-master: type=cdrom, path="{Path(iso).resolve()}", status=inserted',
        "boot: cdrom",
        "port_e9_hack: enabled=1",
    ]
    for i in range(1, 5):
        lines.append(f'com{i}: enabled=1, mode=file, dev="{run_dir / f"com{i}.log"}"')
    lines += [
        "clock: sync=none, time0=1",            # instruction-driven, deterministic
        'display_library: rfb, options="timeout=0"',
        "sound: driver=dummy",                  # the ALSA plugin aborts without a sound card
        "speaker: enabled=0",
        "panic: action=fatal",
        "error: action=report",
        f'log: "{run_dir / "bochs.log"}"',
    ]
    return "\n".join(lines) + "\n"


def bochs_command(iso, run_dir, cpu=DEFAULT_CPU, smp=4, mem=DEFAULT_MEM, ips=DEFAULT_IPS,
                  icount=True, gdb=False):
    """Write run_dir/bochsrc (and the debugger script) and return the command line.

    icount is accepted for symmetry with qemu_command: Bochs with
    `clock: sync=none` is always instruction-driven.
    """
    if gdb:
        raise ValueError("--gdb is QEMU only; Bochs has its own debugger (bochs -f run_dir/bochsrc)")
    run_dir = Path(run_dir)
    rc = run_dir / "bochsrc"
    rc.write_text(bochsrc_text(iso, run_dir, cpu, smp, mem, ips))
    script = run_dir / "bochs.dbg"
    script.write_text("c\n")                   # the debugger is compiled in: just continue
    return ["bochs", "-q", "-f", str(rc), "-rc", str(script)]


def decode_exit(returncode):
    """Bochs's exit status carries no run status (1 even after a clean shutdown)."""
    return None


def _run_dir_of(cmd):
    return Path(cmd[cmd.index("-f") + 1]).parent


def split_stdout(run_dir):
    """Move Bochs's own banner/debugger lines from monitor.log to bochs.out."""
    mon = Path(run_dir) / "monitor.log"
    if not mon.exists():
        return ""
    guest, own = [], []
    for line in mon.read_text(errors="replace").splitlines(keepends=True):
        (own if _BOCHS_LINE.match(line) and '{"ev":' not in line else guest).append(line)
    mon.write_text("".join(guest))
    return "".join(own)


def run(cmd, timeout, on_poll=None, poll_s=0.05):
    """Run Bochs until it exits or timeout seconds pass (then kill it).

    Same contract as qemu.run: returns (returncode or None, timed_out, wall
    seconds, Bochs's own output, its CPU seconds).
    """
    run_dir = _run_dir_of(cmd)
    with open(run_dir / "monitor.log", "wb") as out, open(run_dir / "bochs.err", "wb") as err:
        proc, timed_out, wall, cpu = supervise(cmd, timeout, on_poll, poll_s, "bochs",
                                               stdout=out, stderr=err, cwd=run_dir)
    own = split_stdout(run_dir)
    errs = (run_dir / "bochs.err").read_text(errors="replace")
    (run_dir / "bochs.err").unlink()
    return (None if timed_out else proc.returncode), timed_out, wall, own + errs, cpu
