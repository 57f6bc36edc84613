"""Reading the JSON-lines records that monitor and sandboxes print.

Every structured line on a console is one JSON object with an "ev" field.
Anything else on a console (GRUB noise, a truncated last line) is kept in
the raw log but is not a record.
"""
import json
from pathlib import Path

CONSOLES = ["monitor", "com1", "com2", "com3", "com4"]


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


def by_ev(records, ev):
    return [r for r in records if r.get("ev") == ev]
