"""Following a run's consoles while the emulator writes them: new records as they come.

experiments/records.py collect() reads whole files; a session that watches
a long run (thousands of faults) reads only what was added since its last
look, and keeps a line the emulator has not finished yet for the next one.
"""
from pathlib import Path

from .records import CONSOLES, parse_line


class ConsoleTail:
    """The records added to run_dir's consoles since the last poll()."""

    def __init__(self, run_dir, consoles=CONSOLES):
        self.run_dir, self.consoles = Path(run_dir), list(consoles)
        self.offset = {c: 0 for c in self.consoles}
        self.partial = {c: b"" for c in self.consoles}

    def poll(self):
        """New complete records, console by console, in the order each console printed them."""
        out = []
        for src in self.consoles:
            path = self.run_dir / f"{src}.log"
            if not path.exists():
                continue
            with open(path, "rb") as f:
                f.seek(self.offset[src])
                data = f.read()
            self.offset[src] += len(data)
            *lines, self.partial[src] = (self.partial[src] + data).split(b"\n")
            recs = (parse_line(line.decode(errors="replace"), src) for line in lines)
            out += [r for r in recs if r]
        return out
