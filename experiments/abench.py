"""One ApacheBench (ab, Debian apache2-utils) load on one sandbox's loopback forward.

httperf paces requests at a fixed rate and spins a core to do so: on a
2-core machine beside QEMU it measures itself before the guest. ab is a
closed loop that waits in poll(): `concurrency` connections at a time (one
GET each, no keep-alive), a new one as soon as one completes, for
`seconds`. Its requests per second are what the guest sustains. Its output
is kept verbatim; parse_totals reads its summary.
"""
import re
import shutil
import subprocess
import time
from dataclasses import dataclass

from .webclient import LOOPBACK, require_loopback

FLOAT = r"([0-9.]+)"
MAX_REQUESTS = 10_000_000   # ab stops at -n or -t, whichever comes first: let -t decide


def command(port, concurrency, seconds, uri="/", timeout=5.0, host=LOOPBACK):
    """ab's argv: concurrency connections at a time for seconds, GET uri, a reply
    slower than timeout seconds an error; socket errors counted, not fatal (-r).
    host must be 127.0.0.1."""
    require_loopback(host)
    if concurrency < 1 or seconds <= 0:
        raise ValueError(f"concurrency must be >= 1 and seconds > 0, got {concurrency}, {seconds}")
    return ["ab", "-r", "-c", str(int(concurrency)), "-t", f"{seconds:g}",
            "-n", str(MAX_REQUESTS), "-s", f"{max(1, round(timeout))}",
            f"http://{host}:{int(port)}{uri}"]


@dataclass
class Result:
    argv: list
    returncode: int
    text: str
    seconds: float          # wall time it ran
    killed: bool = False    # stopped by cancel() or its deadline


def run(port, concurrency, seconds, uri="/", timeout=5.0, cancel=None, host=LOOPBACK):
    """Run ab against host:port and wait for it; cancel() true kills it early. Bounded:
    killed once it runs seconds + timeout + 30 s. FileNotFoundError without ab."""
    argv = command(port, concurrency, seconds, uri, timeout, host)
    if shutil.which("ab") is None:
        raise FileNotFoundError("ab not found: run `make deps` (Debian apache2-utils)")
    start = time.monotonic()
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, errors="replace")
    killed, deadline = False, start + seconds + timeout + 30
    while proc.poll() is None:
        if (cancel and cancel()) or time.monotonic() > deadline:
            proc.kill()
            killed = True
            break
        time.sleep(0.1)
    text = proc.communicate()[0]
    return Result(argv, proc.returncode, text, time.monotonic() - start, killed)


# ab's summary lines: (line prefix, pattern, field names).
TOTALS = [
    ("Concurrency Level:", r"(\d+)", ("concurrency",)),
    ("Time taken for tests:", FLOAT, ("duration_s",)),
    ("Complete requests:", r"(\d+)", ("complete",)),
    ("Failed requests:", r"(\d+)", ("failed",)),
    ("Non-2xx responses:", r"(\d+)", ("non_2xx",)),
    ("Requests per second:", FLOAT, ("requests_per_s",)),
    ("Time per request:", FLOAT + r" \[ms\] \(mean\)$", ("ms_per_request",)),
]
PERCENTILE = re.compile(r"^\s*(50|90|99|100)%\s+(\d+)")


def _number(text):
    return float(text) if "." in text else int(text)


def parse_totals(text):
    """ab's summary as a flat dict: concurrency, duration_s, complete, failed, non_2xx
    (0 when ab printed no such line), requests_per_s, ms_per_request (mean per
    connection), ok (complete - failed - non_2xx) and the reply time percentiles
    p50_ms, p90_ms, p99_ms, max_ms. Missing lines leave their fields out."""
    out = {}
    for line in text.splitlines():
        for prefix, pattern, names in TOTALS:
            m = re.search(pattern, line) if line.startswith(prefix) else None
            if m:
                out.update(zip(names, map(_number, m.groups())))
        m = PERCENTILE.match(line)
        if m:
            out["max_ms" if m.group(1) == "100" else f"p{m.group(1)}_ms"] = int(m.group(2))
    if "complete" in out:
        out.setdefault("non_2xx", 0)
        out["ok"] = out["complete"] - out.get("failed", 0) - out["non_2xx"]
    return out
