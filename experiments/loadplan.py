"""The `load` part of an experiment: HTTP load on networked sandboxes while a run serves.

    load:
      rate: 120           # requests/s on every target (httperf --rate, one GET per
                          # connection); a list steps up and stops after the first
                          # rate that some target does not sustain
      seconds: 60         # per step
      phases: [driver, 1] # in order; each a sandbox number, a list of them (loaded
                          # at once), driver, vnic (every VNIC sandbox) or net (every
                          # networked sandbox)
      uri: /              # what every request GETs (default /)
      timeout: 5          # a reply slower than this is an error

or, to measure what a sandbox sustains rather than whether it keeps a pace,
ApacheBench (experiments/abench.py) instead of httperf:

      client: ab          # closed loop, no rate: as fast as the guest answers
      concurrency: 10     # connections at a time, per target (default 10)
      repeat: 3           # runs of every phase, back to back (default 1)
      seconds: 5
      phases: [vnic]

A system with a `load` must have networked sandboxes (experiments/netsys.py).
The harness (experiments/webserver.py) runs the steps after every networked
sandbox reported net_ready, then ends the run with GET /end on each.
"""
from dataclasses import dataclass

from .errors import SpecError

KEYS = {"rate", "seconds", "phases", "uri", "timeout", "client", "concurrency", "repeat"}
CLIENTS = ("httperf", "ab")
SELECTORS = ("driver", "vnic", "net")
READY_ALLOWANCE_S = 120   # boot to net_ready, /end to QEMU's exit: what a load adds to


@dataclass(frozen=True)
class Step:
    phase: int
    step: int
    targets: tuple        # sandbox numbers, loaded at once
    rate: float           # httperf: requests/s per target; ab: None
    seconds: float
    uri: str
    timeout: float
    stepping: bool        # part of a rate list: stop the phase once a rate is not sustained
    client: str = "httperf"
    concurrency: int = 0  # ab: connections at a time per target


def _number(v, key, integer=False):
    """v if it is a number > 0 (a whole one if integer); SpecError at key otherwise."""
    ok = isinstance(v, int) if integer else isinstance(v, (int, float))
    if not ok or isinstance(v, bool) or v <= 0:
        raise SpecError(key, f"expected a {'whole ' if integer else ''}number > 0, got {v!r}")
    return v


def _targets(sel, nets, key):
    """The sandbox numbers a phase selector names, checked against nets."""
    by_number = {n.sandbox: n for n in nets}
    if isinstance(sel, str):
        if sel not in SELECTORS:
            raise SpecError(key, f"expected a sandbox number or one of {', '.join(SELECTORS)}, "
                            f"got {sel!r}")
        out = [n.sandbox for n in nets if sel == "net" or n.role == sel]
        if not out:
            raise SpecError(key, f"the system has no {sel} sandbox")
        return tuple(out)
    items = sel if isinstance(sel, list) else [sel]
    for s in items:
        if isinstance(s, bool) or not isinstance(s, int):
            raise SpecError(key, f"expected sandbox numbers, got {s!r}")
        if s not in by_number:
            raise SpecError(key, f"sandbox {s} is not networked (networked: "
                            f"{', '.join(str(n) for n in sorted(by_number)) or 'none'})")
    if not items or len(set(items)) != len(items):
        raise SpecError(key, f"expected distinct sandboxes, got {sel!r}")
    return tuple(items)


def steps(load, nets, key="load"):
    """The checked load's steps, in the order they run. nets: netsys.NetSandbox list."""
    if not isinstance(load, dict):
        raise SpecError(key, "expected a mapping with rate, seconds and phases")
    for k in load:
        if k not in KEYS:
            raise SpecError(f"{key}.{k}", f"unknown key (known: {', '.join(sorted(KEYS))})")
    client = load.get("client", "httperf")
    if client not in CLIENTS:
        raise SpecError(f"{key}.client", f"expected one of {', '.join(CLIENTS)}, got {client!r}")
    httperf = client == "httperf"
    for k in ("seconds", "phases", *(["rate"] if httperf else [])):
        if k not in load:
            raise SpecError(f"{key}.{k}", "missing")
    for k in ("concurrency", "repeat") if httperf else ("rate",):
        if k in load:
            raise SpecError(f"{key}.{k}", f"not a setting of client {client}")
    if not nets:
        raise SpecError(key, "the system has no networked sandbox (kernel args net=driver "
                        "or net=vnic; system: net: true)")
    if client == "ab":
        return _ab_steps(load, nets, key)
    rates = load["rate"] if isinstance(load["rate"], list) else [load["rate"]]
    for i, r in enumerate(rates):
        _number(r, f"{key}.rate" + (f"[{i}]" if isinstance(load["rate"], list) else ""))
    if not rates or any(b <= a for a, b in zip(rates, rates[1:])):
        raise SpecError(f"{key}.rate",
                        f"expected a rate or a rising list of rates, got {load['rate']!r}")
    seconds, uri, timeout, phases = _common(load, nets, key)
    return [Step(p, i, targets, float(r), seconds, uri, timeout, len(rates) > 1)
            for p, targets in enumerate(phases) for i, r in enumerate(rates)]


def _common(load, nets, key):
    """seconds, uri, timeout and each phase's targets, checked."""
    seconds = _number(load["seconds"], f"{key}.seconds", integer=True)
    timeout = _number(load.get("timeout", 5), f"{key}.timeout")
    uri = load.get("uri", "/")
    if not isinstance(uri, str) or not uri.startswith("/") or not uri.isprintable() or " " in uri:
        raise SpecError(f"{key}.uri", f"expected a path like /, got {uri!r}")
    phases = load["phases"]
    if not isinstance(phases, list) or not phases:
        raise SpecError(f"{key}.phases", "expected a non-empty list")
    return (float(seconds), uri, float(timeout),
            [_targets(sel, nets, f"{key}.phases[{p}]") for p, sel in enumerate(phases)])


def _ab_steps(load, nets, key):
    """ab's steps: every phase `repeat` times (step = the repetition)."""
    conc = _number(load.get("concurrency", 10), f"{key}.concurrency", integer=True)
    repeat = _number(load.get("repeat", 1), f"{key}.repeat", integer=True)
    seconds, uri, timeout, phases = _common(load, nets, key)
    return [Step(p, i, targets, None, seconds, uri, timeout, False, "ab", conc)
            for p, targets in enumerate(phases) for i in range(repeat)]


def duration(step_list):
    """Upper bound in seconds of the load itself (every step at its full length)."""
    return sum(s.seconds + s.timeout + 5 for s in step_list)
