"""Experiment definitions: experiments/configs/<name>.yaml, checked and expanded into runs.

    description: Time to all sandboxes ready, for 1, 2 and 4 sandboxes.
    sched: rm               # SCHED= build flag (a sched/policy_<name>.c)
    pmc: none               # PMC= build flag: vpmu | intel | amd | none
    emulator: qemu          # qemu | bochs
    qemu: {icount: true, cpu: "qemu64,+svm,+npt", mem: 512M, smp: 4, vpmu: true}
    timeout: 120            # seconds per run, then the emulator is killed
    repetitions: 1          # runs of every point
    expect: [hcall]         # events every run must print (else it failed)
    cases:                  # explicit parameter sets (optional); the first key
      - {workload: steady, args: "steady_ms=100"}   # names the case in run folders
    sweep:                  # lists: every combination runs, for every case
      sandboxes: [1, 2, 4]
    system: {sandboxes: "{sandboxes}", memory: 32M, args: "{args}"}
    load: {rate: 120, seconds: 60, phases: [driver, 1]}   # HTTP load (experiments/loadplan.py)
    fault: {kinds: [hang], at_ms: 20000, mode: remote}      # NIC driver faults (experiments/faultplan.py)
    wall_s: 20              # about how long one run takes on an idle 2-core machine (the ETA)
    alone: true             # nothing else runs beside it in a batch (a capacity figure)
    full: {repetitions: 3}  # a longer, firmer version (run --full, make reproduce FULL=1):
                            # merged over the file, mappings key by key

A system with networked sandboxes (experiments/netsys.py) gets a NIC, runs
without the vPMU and by default without icount; runs with a load go one at
a time (experiments/runner.py): a load is measured against wall time. icount is refused with a load
(TCP against a host client needs virtual time to follow wall time) but
allowed without one: the NIC then only talks to QEMU's user network (ARP).

Everything but sweep and cases may use "{param}" placeholders
(experiments/sweep.py). smp defaults to the cores the system uses. Every
error names the file, the key and the problem (errors.SpecError).
"""
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import faultplan, loadplan, netsys, qemu, sweep, sysconf
from .deps import need
from .errors import SpecError

ROOT = Path(__file__).resolve().parent.parent
CONFIG_DIR = ROOT / "experiments" / "configs"
TOP_KEYS = {"description", "sched", "pmc", "emulator", "qemu", "timeout", "repetitions",
            "expect", "sweep", "cases", "system", "load", "fault", "wall_s", "alone", "full"}
# vpmu: load the virtual PMU (default true); vpmu_options: plugin geometry
# and latencies ("llc=2M:16:64,...", see pmc/qemu-plugin/vpmu_args.c).
# iommu: none (machine pc), vtd (q35 + Intel VT-d) or amdvi (q35 + AMD-Vi;
# experiments/qemu.py machine_args).
# vpmu_pmi: the vPMU with its overflow interrupt (an ivshmem-doorbell device; qemu.vpmu_args).
QEMU_KEYS = {"icount": bool, "cpu": str, "mem": str, "smp": int, "vpmu": bool, "vpmu_options": str,
             "iommu": str, "vpmu_pmi": bool}
EMULATORS = ("qemu", "bochs")
PMC_BACKENDS = ("none", "vpmu", "intel", "amd")
IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
DEFAULTS = {"sched": "rm", "pmc": "none", "emulator": "qemu", "timeout": 300, "repetitions": 1}


@dataclass(frozen=True)
class Run:
    """One boot of an experiment: a sweep point and a repetition, fully resolved."""
    experiment: str
    key: str                 # its folder: results/<experiment>/<key>/
    params: dict = field(hash=False)
    rep: int = 0
    sched: str = "rm"
    pmc: str = "none"
    emulator: str = "qemu"
    qemu: dict = field(default_factory=dict, hash=False)   # QEMU_KEYS
    timeout: float = 300
    system: dict = field(default_factory=dict, hash=False)
    expect: tuple = ()       # events the run must print at least once to count as ok
    load: dict = field(default=None, hash=False)   # loadplan's `load`, or None
    fault: faultplan.FaultPlan = None               # the checked `fault`, or None
    wall_s: float = 30       # expected wall time (the progress line's ETA)
    alone: bool = False      # a batch runs nothing beside it
    profile: str = "quick"   # "full" when the file's `full` part was merged in

    @property
    def nets(self):
        """Its networked sandboxes (netsys.NetSandbox), none natively."""
        return netsys.from_sections(sysconf.sandboxes(self.system))

    @property
    def load_steps(self):
        return loadplan.steps(self.load, self.nets) if self.load else []

    @property
    def native(self):
        return bool(self.system.get("native"))

    @property
    def native_args(self):
        return self.system.get("args", "")

    def config_text(self):
        """The monitor's system config for this run (not for native runs)."""
        return sysconf.render(self.system)


@dataclass
class Spec:
    name: str
    path: Path
    description: str
    runs: list


def policies(root=ROOT):
    """Scheduler names the tree provides (one sched/policy_<name>.c each; the
    file name spells a hyphen of the name as _, as sched/sched.mk does)."""
    return sorted(p.stem[len("policy_"):].replace("_", "-") for p in (root / "sched").glob("policy_*.c"))


def names(config_dir=CONFIG_DIR):
    return sorted(p.stem for p in Path(config_dir).glob("*.yaml"))


def path_of(name, config_dir=CONFIG_DIR):
    """An experiment's file: a NAME in config_dir, or a path to a .yaml file."""
    p = Path(name)
    if p.suffix == ".yaml" and p.exists():
        return p
    p = Path(config_dir) / f"{name}.yaml"
    if not p.exists():
        raise SpecError("experiment", f"no such experiment {name!r} "
                        f"(have: {', '.join(names(config_dir)) or 'none'})", str(p))
    return p


def _expect(cond, key, problem):
    if not cond:
        raise SpecError(key, problem)


def _scalar(v):
    return isinstance(v, (int, float, str, bool))


def _check_params(raw):
    """sweep and cases: names are identifiers, values scalars, no name in both."""
    sw = raw.get("sweep") or {}
    _expect(isinstance(sw, dict), "sweep", "expected a mapping of parameter: [values]")
    for k, vals in sw.items():
        _expect(isinstance(k, str) and IDENT.match(k), f"sweep.{k}", "not an identifier")
        _expect(isinstance(vals, list) and vals, f"sweep.{k}", "expected a non-empty list")
        for i, v in enumerate(vals):
            _expect(_scalar(v), f"sweep.{k}[{i}]", f"expected a number, string or boolean, got {v!r}")
    cases = raw.get("cases") or []
    _expect(isinstance(cases, list), "cases", "expected a list of parameter mappings")
    for i, case in enumerate(cases):
        _expect(isinstance(case, dict) and case, f"cases[{i}]", "expected a non-empty mapping")
        for k, v in case.items():
            _expect(isinstance(k, str) and IDENT.match(k), f"cases[{i}].{k}", "not an identifier")
            _expect(k not in sw, f"cases[{i}].{k}", "also a sweep parameter")
            _expect(_scalar(v), f"cases[{i}].{k}", f"expected a number, string or boolean, got {v!r}")
    return sw, cases


def _resolve(raw, params, policy_names):
    """The settings of one point: placeholders filled, every value checked."""
    body = {k: v for k, v in raw.items()
            if k not in ("sweep", "cases", "description", "wall_s", "alone")}
    s = {**DEFAULTS, **sweep.substitute(body, params)}
    _expect(isinstance(s["sched"], str) and s["sched"] in policy_names, "sched",
            f"unknown scheduler {s['sched']!r} (have: {', '.join(policy_names)})")
    _expect(s["pmc"] in PMC_BACKENDS, "pmc", f"expected one of {', '.join(PMC_BACKENDS)}, got {s['pmc']!r}")
    _expect(s["emulator"] in EMULATORS, "emulator",
            f"expected one of {', '.join(EMULATORS)}, got {s['emulator']!r}")
    reps = s["repetitions"]
    _expect(isinstance(reps, int) and not isinstance(reps, bool) and reps >= 1, "repetitions",
            f"expected an integer >= 1, got {reps!r}")
    expect = s.get("expect", [])
    _expect(isinstance(expect, list) and all(isinstance(e, str) and IDENT.match(e) for e in expect),
            "expect", f"expected a list of event names, got {expect!r}")
    t = s["timeout"]
    _expect(isinstance(t, (int, float)) and not isinstance(t, bool) and t > 0, "timeout",
            f"expected seconds > 0, got {t!r}")
    q = s.get("qemu") or {}
    _expect(isinstance(q, dict), "qemu", "expected a mapping")
    for k, v in q.items():
        _expect(k in QEMU_KEYS, f"qemu.{k}", f"unknown key (known: {', '.join(sorted(QEMU_KEYS))})")
        want = QEMU_KEYS[k]
        _expect(isinstance(v, want) and (want is bool or not isinstance(v, bool)), f"qemu.{k}",
                f"expected {'true or false' if want is bool else want.__name__}, got {v!r}")
    _expect(q.get("iommu", "none") in qemu.IOMMUS, "qemu.iommu",
            f"expected one of {', '.join(qemu.IOMMUS)}, got {q.get('iommu')!r}")
    _expect(q.get("iommu", "none") == "none" or s["emulator"] == "qemu", "qemu.iommu",
            "an IOMMU needs emulator qemu")
    system = s.get("system")
    _expect(isinstance(system, dict), "system", "missing (the machine to boot)")
    sections = sysconf.sandboxes(system)
    try:
        nets = netsys.from_sections(sections)
    except ValueError as e:     # net=<unknown role>
        raise SpecError("system", str(e)) from None
    _expect(not (nets and q.get("vpmu")), "qemu.vpmu", "must be false with networked sandboxes")
    _expect(not (nets and "load" in s and q.get("icount")), "qemu.icount", "must be false with "
            "a load (TCP against a host client needs virtual time to follow wall time)")
    _expect(not nets or s["emulator"] == "qemu", "emulator", "networked sandboxes need qemu")
    q = {"icount": not nets, "smp": sysconf.cores(system), **({"vpmu": False} if nets else {}), **q}
    _expect(q["smp"] >= sysconf.cores(system), "qemu.smp",
            f"{q['smp']} CPUs, but the system uses {sysconf.cores(system)} cores")
    if "fault" in s:
        plan = faultplan.parse(s["fault"])
        system = faultplan.apply(plan, system, q["icount"])
        s["fault"] = plan
    if "load" in s:
        need_s = loadplan.duration(loadplan.steps(s["load"], nets)) + loadplan.READY_ALLOWANCE_S
        _expect(t >= need_s, "timeout", f"{t:g} s is shorter than the load plus boot and end "
                f"({need_s:g} s)")
    return {**s, "qemu": q, "system": system}


def merged(base, over):
    """base with over laid on it: mappings merged key by key, anything else replaced."""
    out = dict(base)
    for k, v in over.items():
        out[k] = merged(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def _profile(raw, full):
    """raw without its `full` part, or (full) with it merged in."""
    over = raw.get("full", {})
    _expect(isinstance(over, dict), "full", "expected a mapping of keys to override")
    for k in over:
        _expect(k in TOP_KEYS - {"full", "description"}, f"full.{k}",
                "unknown key, or one the full version cannot change")
    body = {k: v for k, v in raw.items() if k != "full"}
    return merged(body, over) if full else body


def parse(raw, name, policy_names, full=False):
    """The runs of an experiment given as a loaded YAML mapping (full: its longer version)."""
    _expect(isinstance(raw, dict), "experiment", "expected a mapping at the top level")
    for k in raw:
        _expect(k in TOP_KEYS, str(k), f"unknown key (known: {', '.join(sorted(TOP_KEYS))})")
    raw = _profile(raw, full)
    wall, alone = raw.get("wall_s", 30), raw.get("alone", False)
    _expect(isinstance(wall, (int, float)) and not isinstance(wall, bool) and wall > 0, "wall_s",
            f"expected seconds > 0, got {wall!r}")
    _expect(isinstance(alone, bool), "alone", f"expected true or false, got {alone!r}")
    desc = raw.get("description")
    _expect(isinstance(desc, str) and desc.strip(), "description", "missing: say what it measures")
    sw, cases = _check_params(raw)
    runs, seen = [], {}
    for base, params in sweep.expand(sw, cases):
        s = _resolve(raw, params, policy_names)
        _expect(base not in seen, "cases",
                f"points {seen.get(base)} and {params} get the same run name {base!r}: "
                "the first key of each case must tell the cases apart")
        seen[base] = params
        for rep in range(s["repetitions"]):
            runs.append(Run(experiment=name, key=f"{base}_r{rep}", params=params, rep=rep,
                            sched=s["sched"], pmc=s["pmc"], emulator=s["emulator"],
                            qemu=s["qemu"], timeout=float(s["timeout"]), system=s["system"],
                            expect=tuple(s.get("expect", [])), load=s.get("load"),
                            fault=s.get("fault"), wall_s=float(wall), alone=alone,
                            profile="full" if full else "quick"))
    return Spec(name, None, desc.strip(), runs)


def load(name, config_dir=CONFIG_DIR, root=ROOT, full=False):
    """The checked experiment NAME (or path), its full version if asked; SpecError names
    file, key and problem."""
    yaml = need("yaml")
    path = path_of(name, config_dir)
    try:
        raw = yaml.safe_load(path.read_text())
    except yaml.YAMLError as e:
        raise SpecError("yaml", str(e).replace("\n", " "), str(path)) from None
    try:
        spec = parse(raw, path.stem, policies(root), full)
    except SpecError as e:
        raise SpecError(e.key, e.problem, str(path)) from None
    spec.path = path
    return spec
