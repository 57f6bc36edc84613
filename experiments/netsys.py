"""The networked sandboxes of a system, and the loopback ports that reach them.

A sandbox is networked when its kernel args hold `net=driver` (it owns the
NIC) or `net=vnic` (it reaches the NIC through the driver sandbox's
switch); `ip=` gives its address, by default 10.0.2.(15 + its number).
Each serves HTTP on port 80, which QEMU's user-mode network forwards from
one port of 127.0.0.1 on the host (experiments/qemu.py net_args).
"""
import re
import socket
from dataclasses import dataclass

ROLES = ("driver", "vnic")
GUEST_HTTP_PORT = 80
SECTION = re.compile(r"^\[\s*sandbox\s+([0-9]+)\s*\]$")


@dataclass(frozen=True)
class NetSandbox:
    sandbox: int
    role: str       # "driver" or "vnic"
    ip: str


def from_args(sandbox, args):
    """The NetSandbox that kernel args make of sandbox, or None if it is not networked."""
    opts = dict(tok.split("=", 1) for tok in (args or "").split() if "=" in tok)
    role = opts.get("net")
    if role is None:
        return None
    if role not in ROLES:
        raise ValueError(f"sandbox {sandbox}: net={role}: expected one of {', '.join(ROLES)}")
    return NetSandbox(sandbox, role, opts.get("ip", f"10.0.2.{15 + sandbox}"))


def from_sections(sections):
    """Networked sandboxes of sandbox sections as experiments/sysconf.py lists them."""
    nets = (from_args(i, s.get("args", "")) for i, s in enumerate(sections))
    return [n for n in nets if n]


def from_config(text):
    """Networked sandboxes of a monitor config text (README "System config")."""
    sandbox, out = None, []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("["):
            m = SECTION.match(line)
            sandbox = int(m.group(1)) if m else None   # a [shared ...] section
        elif sandbox is not None and "=" in line:
            key, value = (x.strip() for x in line.split("=", 1))
            if key == "args":
                n = from_args(sandbox, value.strip('"'))
                if n:
                    out.append(n)
    return out


def free_ports(n):
    """n loopback TCP ports free right now (the kernel picks them; all held at once, so
    they differ)."""
    socks = []
    try:
        for _ in range(n):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def forwards(nets, ports=None):
    """{sandbox: host port} for nets; fresh free ports unless ports are given."""
    ports = free_ports(len(nets)) if ports is None else list(ports)
    if len(ports) != len(nets):
        raise ValueError(f"{len(nets)} networked sandboxes, {len(ports)} ports")
    return {n.sandbox: p for n, p in zip(nets, ports)}
