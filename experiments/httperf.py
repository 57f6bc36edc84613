"""One httperf load on one sandbox's loopback forward, with every call timestamped.

httperf (Debian package httperf) opens `--rate` connections per second, one
GET each, and prints totals at the end; `-v` adds reply-rate samples every
5 s only. For a per-second series we ask it to print each request's
summary (`SS<call>:` when the request went out) and each reply's header
and summary (`RH<call>:HTTP/1.x <status>`, `RS<call>:` when the reply was
complete), run it line-buffered (stdbuf -oL) and stamp every line as it
arrives: experiments/loadseries.py turns those stamps into seconds.
httperf's output is kept verbatim, and its totals stay the reference.
"""
import re
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass, field

from .webclient import LOOPBACK, require_loopback

FLOAT = r"([0-9.]+)"


def command(port, rate, seconds, uri="/", timeout=5.0, host=LOOPBACK):
    """httperf's argv (line-buffered): rate connections/s for seconds, one GET of uri
    each, a reply slower than timeout seconds an error. host must be 127.0.0.1."""
    require_loopback(host)
    if rate <= 0 or seconds <= 0:
        raise ValueError(f"rate and seconds must be > 0, got {rate}, {seconds}")
    return ["stdbuf", "-oL", "httperf", "-v", f"--server={host}", f"--port={int(port)}",
            f"--uri={uri}", f"--rate={rate:g}", f"--num-conns={max(1, round(rate * seconds))}",
            "--num-calls=1", f"--timeout={timeout:g}",
            "--print-request=body", "--print-reply=header"]


@dataclass
class Result:
    argv: list
    returncode: int
    start: float                                 # time.monotonic() when httperf started
    lines: list = field(default_factory=list)    # (monotonic seconds, line) in arrival order
    killed: bool = False                         # stopped by cancel() or its deadline

    @property
    def text(self):
        return "".join(line for _, line in self.lines)


def run(port, rate, seconds, uri="/", timeout=5.0, cancel=None, host=LOOPBACK):
    """Run httperf against host:port and wait for it; cancel() true kills it early.

    Bounded: killed once it runs seconds + timeout + 30 s (it cannot take
    longer by itself). Raises FileNotFoundError if httperf is not installed.
    """
    argv = command(port, rate, seconds, uri, timeout, host)
    if shutil.which("httperf") is None:
        raise FileNotFoundError("httperf not found: run `make deps` (Debian httperf)")
    start = time.monotonic()
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, errors="replace")
    res = Result(argv, None, start)

    def read():
        for line in proc.stdout:
            res.lines.append((time.monotonic(), line))
    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    deadline = start + seconds + timeout + 30
    while proc.poll() is None:
        if (cancel and cancel()) or time.monotonic() > deadline:
            proc.kill()
            res.killed = True
            break
        time.sleep(0.1)
    proc.wait()
    reader.join(timeout=5)
    res.returncode = proc.returncode
    return res


# httperf's summary lines: (line prefix, pattern, field names). Numbers only.
TOTALS = [
    ("Total:", r"connections (\d+) requests (\d+) replies (\d+) test-duration " + FLOAT,
     ("connections", "requests", "replies", "duration_s")),
    ("Connection rate:", FLOAT, ("conn_rate",)),
    ("Connection time [ms]: min", r"min " + FLOAT + r" avg " + FLOAT + r" max " + FLOAT,
     ("conn_ms_min", "conn_ms_avg", "conn_ms_max")),
    ("Request rate:", FLOAT, ("request_rate",)),
    ("Reply rate [replies/s]:", r"min " + FLOAT + r" avg " + FLOAT + r" max " + FLOAT
     + r" stddev " + FLOAT + r" \((\d+) samples\)",
     ("reply_rate_min", "reply_rate_avg", "reply_rate_max", "reply_rate_stddev",
      "reply_rate_samples")),
    ("Reply time [ms]:", r"response " + FLOAT + r" transfer " + FLOAT,
     ("reply_ms_response", "reply_ms_transfer")),
    ("Reply status:", r"1xx=(\d+) 2xx=(\d+) 3xx=(\d+) 4xx=(\d+) 5xx=(\d+)",
     ("status_1xx", "status_2xx", "status_3xx", "status_4xx", "status_5xx")),
    # httperf spins: well under 100% means other processes took its core (see its man page).
    ("CPU time [s]:", r"total " + FLOAT + "%", ("cpu_pct",)),
]
ERROR_PAIR = re.compile(r"([a-z-]+) (\d+)")


def _number(text):
    """A number of httperf's output: float with a decimal point, int without."""
    return float(text) if "." in text else int(text)


def parse_totals(text):
    """httperf's summary as a flat dict: connections, requests, replies, duration_s,
    rates, reply times (ms), status counts, its CPU share (cpu_pct), errors
    (errors_total, errors_client_timo, ...)
    and the -v reply-rate samples (reply_rate_5s: one per 5 s). Missing lines leave
    their fields out (httperf killed before its summary)."""
    out, samples = {}, []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("reply-rate ="):
            samples.append(float(line.split("=", 1)[1]))
        elif line.startswith("Errors:"):
            for name, n in ERROR_PAIR.findall(line[len("Errors:"):]):
                out["errors_" + name.replace("-", "_")] = int(n)
        else:
            for prefix, pattern, names in TOTALS:
                m = re.search(pattern, line) if line.startswith(prefix) else None
                if m:
                    out.update(zip(names, map(_number, m.groups())))
    if samples:
        out["reply_rate_5s"] = samples
    return out
