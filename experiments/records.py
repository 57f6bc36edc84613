"""Reading the JSON-lines records that monitor and sandboxes print.

Every structured line on a console is one JSON object with an "ev" field.
Anything else on a console (GRUB noise, a truncated last line) is kept in
the raw log but is not a record.
"""
import json
from pathlib import Path

CONSOLES = ["monitor", "com1", "com2", "com3", "com4"]

# Records only the monitor prints: the run's verdict and what it measured of
# the sandboxes. A sandbox can print the same lines on its own UART; they
# stay in records.jsonl under that console's "src" but never count.
MONITOR_EVENTS = frozenset({
    "boot_error", "config_error", "dma_confine", "integrity", "isolation_checksum", "monitor",
    "monitor_exception", "monitor_integrity", "monitor_nmi", "monitor_ready", "npt_audit", "pci", "pci_overflow",
    "probe_timeout", "run_end", "sandbox_end", "sandbox_fault", "sandbox_log", "sandbox_plan",
    "violation", "virt_error", "vm_exits", "vmx_caps",
})


def parse_line(line, src):
    """The record on one console line, tagged with "src"; None if the line holds none."""
    start = line.find("{\"ev\":")
    if start < 0:
        return None
    try:
        rec = json.loads(line[start:])
    except ValueError:
        return None
    if isinstance(rec, dict) and "ev" in rec:
        rec["src"] = src
        return rec
    return None


def parse_console(path, src):
    """Records of one console file, each tagged with "src"."""
    p = Path(path)
    if not p.exists():
        return []
    recs = (parse_line(line, src) for line in p.read_text(errors="replace").splitlines())
    return [r for r in recs if r]


def collect(run_dir):
    """All records of a run directory, console by console."""
    recs = []
    for src in CONSOLES:
        recs.extend(parse_console(Path(run_dir) / f"{src}.log", src))
    return recs


def write_jsonl(records, path):
    with open(path, "w") as f:
        for r in records:
            f.write(json.dumps(r, separators=(",", ":")) + "\n")


def read_jsonl(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def trusted(rec):
    """Is rec from whom it claims? Monitor events count only from the monitor's console
    (a record without "src" was not read from a console: taken as it is)."""
    return rec.get("ev") not in MONITOR_EVENTS or rec.get("src", "monitor") == "monitor"


def forged(records):
    """Monitor events that a sandbox printed on its own console."""
    return [r for r in records if not trusted(r)]


def by_ev(records, ev):
    """The records named ev, monitor events from the monitor's console only."""
    return [r for r in records if r.get("ev") == ev and trusted(r)]
