"""The `system` part of an experiment: checked, then written as a monitor config.

    system:
      sandboxes: 4          # a count: sandbox i on core i, console com<i+1>
      memory: 32M           # for every sandbox given by count
      args: "steady_ms=0"   # kernel args of every sandbox given by count
    system:
      sandboxes:            # or one entry per sandbox, keys as in README "System config"
        - {core: 0, memory: 32M, console: com1, args: "exp=hcall"}
      shared:
        - {name: chan0, size: 64K, sandboxes: [0, 1]}
    system:
      sandboxes:            # a task set: its vcpu, thread and policy lines, split at ";",
        - {core: 0, memory: 32M, console: com1,        # go into the sandbox's section
           tasks: "vcpu rt main 9000 10000; thread rtj rt periodic 9000 10000; policy rm slice_us=200"}
    system:
      sandboxes: 3          # with net: true, sandbox 0 owns the NIC (PCI 00:03.0, net=driver)
      net: true             # and every other sandbox has a VNIC (net=vnic) on a shared
                            # region vnic<i> with sandbox 0; ip=10.0.2.(15+i) each;
                            # net: N puts only sandboxes 0..N-1 on the network
      rescue: true          # a region `rescue` (16K) of sandboxes 0 and 1: sandbox 1
                            # watches and restores the NIC driver (experiments/faultplan.py)
      args: ["", "", "steady_ms=30000"]   # a string for all, or one per sandbox
    system:
      native: true          # the sandbox kernel alone under GRUB: no monitor
      args: "exp=tlb"

The monitor does the real checking of a config (it must, since users hand
it configs directly); this module catches in the experiment file, with the
key path, what would otherwise be found only after a boot.
"""
import re

from .errors import SpecError

MAX_SANDBOXES = 8
UARTS = 4
SIZE = re.compile(r"^[0-9]+[KMG]?$")
ARGS = re.compile(r"^[A-Za-z0-9_=.,:+ -]*$")    # what GRUB and the monitor pass unquoted
ARGS_MAX = 127                                  # bootinfo.args is 128 bytes with its NUL
SANDBOX_KEYS = {"core": int, "memory": str, "console": str, "args": str, "ports": str,
                "base": str, "pci": str, "tasks": str}
TASK_KINDS = ("vcpu", "thread", "policy")       # the task-set lines a section may carry
TASK_LINE = re.compile(r"^[A-Za-z0-9_=.,:+ -]*$")
SHARED_KEYS = {"name": str, "size": str, "sandboxes": list}
SYSTEM_KEYS = {"native", "sandboxes", "memory", "args", "shared", "net", "rescue"}
NIC_BDF = "00:03.0"                             # where experiments/qemu.py puts the e1000
VNIC_REGION = "256K"                            # as web.conf: per VNIC, two rings of 1536 B slots
RESCUE = {"name": "rescue", "size": "16K", "sandboxes": [0, 1]}   # as web.conf



def _type_name(t):
    return {int: "an integer", str: "a string", list: "a list"}[t]


def _check_args(args, key):
    if not isinstance(args, str):
        raise SpecError(key, f"expected a string, got {args!r}")
    if len(args) > ARGS_MAX:
        raise SpecError(key, f"longer than {ARGS_MAX} characters")
    if not ARGS.match(args):
        raise SpecError(key, "only letters, digits, spaces and _=.,:+- are allowed")


def task_lines(tasks, key):
    """The `tasks` string as (kind, rest) pairs: one per task-set line."""
    out = []
    for i, line in enumerate(x.strip() for x in tasks.split(";")):
        kind, _, rest = line.partition(" ")
        if kind not in TASK_KINDS or not rest.strip():
            raise SpecError(f"{key}[{i}]", f"expected a line 'vcpu|thread|policy ...', got {line!r}")
        if not TASK_LINE.match(rest):
            raise SpecError(f"{key}[{i}]", "only letters, digits, spaces and _=.,:+- are allowed")
        out.append((kind, rest.strip()))
    return out


def _check_size(v, key):
    if not isinstance(v, str) or not SIZE.match(v):
        raise SpecError(key, f"expected a size like 32M, got {v!r}")


def _check_keys(d, known, key):
    if not isinstance(d, dict):
        raise SpecError(key, f"expected a mapping, got {d!r}")
    for k in d:
        if k not in known:
            raise SpecError(f"{key}.{k}", f"unknown key (known: {', '.join(sorted(known))})")


def sandboxes(system, key="system"):
    """The list of sandbox sections (dicts) a checked system describes."""
    _check_keys(system, SYSTEM_KEYS, key)
    native = system.get("native", False)
    if not isinstance(native, bool):
        raise SpecError(f"{key}.native", f"expected true or false, got {native!r}")
    args = system.get("args", "")
    if not isinstance(args, list):
        _check_args(args, f"{key}.args")
    if native:
        if isinstance(args, list):
            raise SpecError(f"{key}.args", "natively one kernel runs: give one string")
        for k in ("sandboxes", "shared", "memory", "net", "rescue"):
            if k in system:
                raise SpecError(f"{key}.{k}", "not allowed with native: true (no monitor)")
        return []
    spec = system.get("sandboxes", 1)
    if isinstance(spec, bool) or not isinstance(spec, (int, list)):
        raise SpecError(f"{key}.sandboxes", "expected a count or a list of sandboxes")
    if isinstance(spec, int):
        if not 1 <= spec <= UARTS:
            raise SpecError(f"{key}.sandboxes", f"a count must be 1..{UARTS} (one UART each); "
                            "list the sandboxes to have more")
        memory = system.get("memory", "32M")
        _check_size(memory, f"{key}.memory")
        out = [{"core": i, "memory": memory, "console": f"com{i + 1}"} for i in range(spec)]
        for s, a in zip(out, per_sandbox_args(args, spec, f"{key}.args")):
            if a:
                s["args"] = a
        nnet = networked(system)
        if nnet:
            _add_net(out[:nnet], f"{key}.args")
        if _flag(system.get("rescue", False), f"{key}.rescue") and nnet < 2:
            raise SpecError(f"{key}.rescue", "needs net: true (or net: N >= 2): the rescuer "
                            "is sandbox 1, on the network beside the driver sandbox 0")
    else:
        for k in ("memory", "args"):
            if k in system:
                raise SpecError(f"{key}.sandboxes", "with a list, give memory and args per sandbox")
        for k in ("net", "rescue"):
            if k in system:
                raise SpecError(f"{key}.{k}", "only with a count of sandboxes; with a list, give "
                                "pci, args (net=...) and shared regions per sandbox")
        if not 1 <= len(spec) <= MAX_SANDBOXES:
            raise SpecError(f"{key}.sandboxes", f"expected 1..{MAX_SANDBOXES} sandboxes")
        out = []
        for i, s in enumerate(spec):
            k = f"{key}.sandboxes[{i}]"
            _check_keys(s, SANDBOX_KEYS, k)
            for name, t in SANDBOX_KEYS.items():
                if name in s and (not isinstance(s[name], t) or isinstance(s[name], bool)):
                    raise SpecError(f"{k}.{name}", f"expected {_type_name(t)}, got {s[name]!r}")
            if "core" not in s:
                raise SpecError(f"{k}.core", "missing")
            if "memory" in s:
                _check_size(s["memory"], f"{k}.memory")
            if "args" in s:
                _check_args(s["args"], f"{k}.args")
            if "tasks" in s:
                task_lines(s["tasks"], f"{k}.tasks")
            out.append(dict(s))
    for i, sh in enumerate(shared(system)):
        k = f"{key}.shared[{i}]"
        _check_keys(sh, SHARED_KEYS, k)
        for name in SHARED_KEYS:
            if name not in sh:
                raise SpecError(f"{k}.{name}", "missing")
        _check_size(sh["size"], f"{k}.size")
    return out


def _flag(v, key):
    if not isinstance(v, bool):
        raise SpecError(key, f"expected true or false, got {v!r}")
    return v


def per_sandbox_args(args, count, key):
    """The count form's args, one string per sandbox (a list gives each its own)."""
    if not isinstance(args, list):
        return [args] * count
    if len(args) != count:
        raise SpecError(key, f"a list needs one string per sandbox ({count}), got {len(args)}")
    for i, a in enumerate(args):
        _check_args(a, f"{key}[{i}]")
    return args


def networked(system):
    """How many sandboxes (0..n-1) the count form puts on the network: net: true is all,
    net: N the first N, none without net."""
    net, count = system.get("net", False), system.get("sandboxes")
    if net is True or net is False:
        return count if net and isinstance(count, int) else 0
    if not isinstance(net, int) or not isinstance(count, int) or not 1 <= net <= count:
        raise SpecError("system.net", f"expected true, false or 1..sandboxes, got {net!r}")
    return net


def _add_net(out, key):
    """Make sandbox 0 the NIC's driver and every other one of out a VNIC (count form, net)."""
    for i, s in enumerate(out):
        role = "driver" if i == 0 else "vnic"
        s["args"] = f"net={role} ip=10.0.2.{15 + i} {s.get('args', '')}".strip()
        _check_args(s["args"], key)
    out[0]["pci"] = NIC_BDF


def shared(system):
    """The shared regions of a system: its `shared` list, plus one VNIC region per
    VNIC sandbox when the count form has net, and the rescue region with rescue: true."""
    out = list(system.get("shared", []) or [])
    if isinstance(system.get("sandboxes"), int):
        out += [{"name": f"vnic{i}", "size": VNIC_REGION, "sandboxes": [0, i]}
                for i in range(1, networked(system))]
        if system.get("rescue") is True:
            out.append(dict(RESCUE))
    return out


def render(system):
    """The monitor's config text for a checked, non-native system."""
    lines = ["# Written by the experiments harness from the experiment file.", ""]
    for i, s in enumerate(sandboxes(system)):
        lines.append(f"[sandbox {i}]")
        for k in ("core", "memory", "base", "console", "ports", "pci"):
            if k in s:
                lines.append(f"{k} = {s[k]}")
        if s.get("args"):
            lines.append(f'args = "{s["args"]}"')
        if s.get("tasks"):
            lines += [f"{kind} = {rest}" for kind, rest in task_lines(s["tasks"], "tasks")]
        lines.append("")
    for sh in shared(system):
        lines += [f"[shared {sh['name']}]", f"size = {sh['size']}",
                  "sandboxes = " + " ".join(str(x) for x in sh["sandboxes"]), ""]
    return "\n".join(lines)


def cores(system):
    """CPUs the machine needs: one more than the highest core named (1 natively)."""
    sbs = sandboxes(system)
    return max(s["core"] for s in sbs) + 1 if sbs else 1
