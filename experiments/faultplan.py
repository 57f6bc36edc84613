"""The `fault` part of an experiment: NIC driver faults, as the driver sandbox's kernel args.

    fault:
      kinds: [wild-write, hang]   # or all (a random kind each time; the default);
                                  # wild-write, descriptor-corruption, hang, bad-dma,
                                  # dma-handover, tx-wild-write, tx-hang, dma-irq
                                  # (or wild, desc, hang, dma, dmah, txwild, txhang,
                                  # dmai), cycled in order; all never picks dma-irq
      at_ms: 20000                # first strike, ms after the driver sandbox began serving
      count: 1                    # strikes, one at a time (each after the last recovered)
      gap_ms: 100                 # then one every gap/2..3gap/2 ms after a recovery
      mode: local                 # local | remote | alternate (per pass through kinds)
      seed: 1                     # kinds (all), gaps and garbage
      end: false                  # the driver sandbox ends by itself after the last
                                  # recovery (its rescuer follows); a VNIC sandbox
                                  # behind it can then no longer be reached to end
                                  # it. Default: the harness ends every sandbox with
                                  # GET /end once every fault is resolved
      hang_ms: 2                  # the rescuer's heartbeat age that starts its NMI
                                  # probes (a hang is confirmed by 3 answers from the
                                  # same spot of driver code: kernel/contain.h)
      nic_reset: false            # recovery resets the device (QEMU: 1 s without receive)

Faults strike the sandbox that owns the NIC (net=driver): tx-* kinds in the
driver's send, the others in its receive poll. Hang faults and
remote recovery need a rescuer: a shared region `rescue` of the driver
sandbox and one networked sandbox (system: {net: true, rescue: true}). The
guest's side is kernel/net/recovery/net_faults.h; only values other than its
defaults are written, since a sandbox has 127 characters of args in all.
"""
from dataclasses import dataclass

from . import netsys, sysconf
from .errors import SpecError

KINDS = {"wild-write": "wild", "descriptor-corruption": "desc", "hang": "hang", "bad-dma": "dma",
         "dma-handover": "dmah", "tx-wild-write": "txwild", "tx-hang": "txhang", "dma-irq": "dmai"}
HANGS = ("hang", "tx-hang")     # found by the rescuer's watchdog
SHORT = {v: k for k, v in KINDS.items()}
MODES = ("local", "remote", "alternate")
KEYS = {"kinds", "at_ms", "count", "gap_ms", "mode", "seed", "end", "hang_ms", "nic_reset"}
MAX_KINDS = 8                   # the guest's plan holds 8 listed kinds
MAX_COUNT = 1_000_000
RESCUE_REGION = "rescue"
# The guest's defaults (net_faults.h, net_sandbox.c): not written when equal.
GUEST_DEFAULTS = {"at_ms": 1000, "gap_ms": 100, "mode": "local", "seed": 1, "hang_ms": 2}


@dataclass(frozen=True)
class FaultPlan:
    kinds: tuple            # long names, or () for all
    at_ms: int
    count: int
    gap_ms: int
    mode: str
    seed: int
    end: bool
    hang_ms: int
    nic_reset: bool

    @property
    def needs_rescuer(self):
        """Hangs are found by the rescuer's watchdog; remote recovery is the rescuer's."""
        return not self.kinds or any(k in self.kinds for k in HANGS) or self.mode != "local"

    def driver_args(self, icount):
        """The driver sandbox's extra kernel args (clock= labels its recovery cycles:
        under icount its TSC counts instructions)."""
        kinds = ",".join(KINDS[k] for k in self.kinds) if self.kinds else "all"
        out = [f"nicfault={kinds}", f"nicfaults={self.count}"]
        for key, arg in (("at_ms", "nicfault_at_ms"), ("gap_ms", "nicfault_gap_ms"),
                         ("mode", "nicfault_mode"), ("seed", "fault_seed")):
            if getattr(self, key) != GUEST_DEFAULTS[key]:
                out.append(f"{arg}={getattr(self, key)}")
        out += ["end_after_faults"] * self.end + ["nic_reset"] * self.nic_reset
        if icount:
            out.append("clock=icount")
        return " ".join(out)

    def rescuer_args(self):
        return "" if self.hang_ms == GUEST_DEFAULTS["hang_ms"] else f"hang_ms={self.hang_ms}"


def _whole(v, key, lo, hi):
    if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
        raise SpecError(key, f"expected a whole number {lo}..{hi}, got {v!r}")
    return v


def _flag(v, key):
    if not isinstance(v, bool):
        raise SpecError(key, f"expected true or false, got {v!r}")
    return v


def _kinds(v, key):
    """() for all, else the long names of a list (short spellings accepted)."""
    if v == "all":
        return ()
    items = [v] if isinstance(v, str) else v
    if not isinstance(items, list) or not items:
        raise SpecError(key, "expected all, a kind or a non-empty list of kinds")
    if len(items) > MAX_KINDS:
        raise SpecError(key, f"at most {MAX_KINDS} kinds (the guest's plan holds {MAX_KINDS})")
    out = []
    for i, k in enumerate(items):
        name = SHORT.get(k, k)
        if name not in KINDS:
            raise SpecError(f"{key}[{i}]", f"unknown kind {k!r} (known: {', '.join(KINDS)}, "
                            f"or {', '.join(SHORT)})")
        out.append(name)
    return tuple(out)


def parse(fault, key="fault"):
    """The checked FaultPlan of an experiment's `fault` mapping."""
    if not isinstance(fault, dict):
        raise SpecError(key, "expected a mapping (kinds, at_ms, count, gap_ms, mode, seed, ...)")
    for k in fault:
        if k not in KEYS:
            raise SpecError(f"{key}.{k}", f"unknown key (known: {', '.join(sorted(KEYS))})")
    mode = fault.get("mode", "local")
    if mode not in MODES:
        raise SpecError(f"{key}.mode", f"expected one of {', '.join(MODES)}, got {mode!r}")
    return FaultPlan(kinds=_kinds(fault.get("kinds", "all"), f"{key}.kinds"),
                     at_ms=_whole(fault.get("at_ms", 1000), f"{key}.at_ms", 0, 3_600_000),
                     count=_whole(fault.get("count", 1), f"{key}.count", 1, MAX_COUNT),
                     gap_ms=_whole(fault.get("gap_ms", 100), f"{key}.gap_ms", 0, 600_000),
                     mode=mode,
                     seed=_whole(fault.get("seed", 1), f"{key}.seed", 1, 2**63 - 1),
                     end=_flag(fault.get("end", False), f"{key}.end"),
                     hang_ms=_whole(fault.get("hang_ms", GUEST_DEFAULTS["hang_ms"]),
                                    f"{key}.hang_ms", 1, 60_000),
                     nic_reset=_flag(fault.get("nic_reset", False), f"{key}.nic_reset"))


def _join(*args):
    return " ".join(a for a in args if a)


def roles(system):
    """(driver sandbox or None, its rescuer or None) of a checked system."""
    nets = netsys.from_sections(sysconf.sandboxes(system))
    driver = next((n.sandbox for n in nets if n.role == "driver"), None)
    rescue = next((r for r in sysconf.shared(system)
                   if r["name"] == RESCUE_REGION and driver in r["sandboxes"]), None)
    return driver, next((s for s in rescue["sandboxes"] if s != driver), None) if rescue else None


def apply(plan, system, icount, key="fault"):
    """system with the plan's args added to the driver sandbox's (and its rescuer's)."""
    driver, rescuer = roles(system)
    if driver is None:
        raise SpecError(key, "the system has no NIC driver sandbox to fault (net=driver; "
                        "system: {net: true})")
    if plan.needs_rescuer and rescuer is None:
        raise SpecError(key, "hang faults, kinds: all and remote or alternate recovery need a "
                        "rescuer: add rescue: true to system (a shared region `rescue` of the "
                        "driver sandbox and a networked one)")
    extra = {driver: plan.driver_args(icount), rescuer: plan.rescuer_args()}
    out = dict(system)
    if isinstance(system.get("sandboxes"), list):
        out["sandboxes"] = [{**s, "args": _join(s.get("args", ""), extra.get(i, ""))}
                            for i, s in enumerate(system["sandboxes"])]
    else:
        base = sysconf.per_sandbox_args(system.get("args", ""), system["sandboxes"], "system.args")
        out["args"] = [_join(a, extra.get(i, "")) for i, a in enumerate(base)]
    try:
        sysconf.sandboxes(out)
    except SpecError as e:
        raise SpecError(key, f"sandbox {driver}'s kernel args do not fit ({e.problem}): "
                        f"{extra[driver]!r}; leave out settings or system args") from None
    return out
