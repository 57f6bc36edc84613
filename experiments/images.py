"""Build what runs boot: one build directory per (SCHED, PMC), one ISO per system config.

Every distinct (sched, pmc) pair is built once per batch with
`make BUILD=build/exp/<sched>-<pmc> SCHED=.. PMC=.. iso`, so runs of
different schedulers never share objects. ISOs are cached in that
directory under a hash of the binaries and the config (or native args):
sweep points that boot the same system share one ISO, and a rebuilt
kernel gets new ISOs.
"""
import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PATH = "/usr/sbin:/usr/bin:/sbin:/bin"   # grub-mkrescue, make; not a user's other python


class BuildError(RuntimeError):
    """A failed build; the message ends with the tail of its output."""


def build_dir(sched, pmc, root=ROOT):
    return root / "build" / "exp" / f"{sched}-{pmc}"


def _tail(text, n=15):
    return "\n".join(text.splitlines()[-n:])


def build(sched, pmc, root=ROOT):
    """Build monitor and kernel for (sched, pmc); returns the build directory.

    A failed incremental build is retried once from scratch: the directory
    belongs to the harness, and stale dependency files (a header that was
    deleted or renamed since the last build) fail make before it compiles
    anything.
    """
    out = build_dir(sched, pmc, root)
    _seed(out, pmc)
    cmd = ["make", "-C", str(root), f"-j{os.cpu_count() or 1}", f"BUILD={out}", f"SCHED={sched}",
           f"PMC={pmc}", "iso"]
    for attempt in ("incremental", "clean"):
        if attempt == "clean":
            shutil.rmtree(out, ignore_errors=True)
        r = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "PATH": PATH})
        if r.returncode == 0:
            break
    else:
        raise BuildError(f"`{' '.join(cmd)}` failed:\n{_tail(r.stdout + r.stderr)}")
    # QEMU loads the vPMU plugin, and with its overflow interrupt the doorbell
    # server, from build/ (experiments/qemu.py), not from the image's
    # directory: bring those up to date too, or a stale plugin gives wrong counts.
    plugin = ["make", "-C", str(root), "build/vpmu.so", "build/vpmu-doorbell"]
    r = subprocess.run(plugin, capture_output=True, text=True, env={**os.environ, "PATH": PATH})
    if r.returncode != 0:
        raise BuildError(f"`{' '.join(plugin)}` failed:\n{_tail(r.stdout + r.stderr)}")
    return out


def _seed(out, pmc):
    """Start a new build directory from a built one, of the same PMC if there is one: as
    when one directory is built again with another SCHED= or PMC= (the Makefile rebuilds
    what those change: the policy is one more object, kernel objects follow
    pmc_backend.stamp), make then compiles what differs instead of everything. The
    copies keep their times, and their dependency files are rewritten to name the new
    directory, so make also rebuilds whatever changed since the sibling was built."""
    if out.exists() or not out.parent.exists():
        return
    built = [d for d in sorted(out.parent.iterdir()) if (d / "kernel.elf").exists()]
    if not built:
        return
    src = sorted(built, key=lambda d: not d.name.endswith(f"-{pmc}"))[0]
    shutil.copytree(src, out, symlinks=True, ignore=shutil.ignore_patterns("iso"))
    for d in (out / "obj").rglob("*.d"):
        d.write_text(d.read_text().replace(str(src), str(out)))


def _digest(build, text, native):
    h = hashlib.sha256(b"native\0" if native else b"monitor\0")
    for elf in (["kernel.elf"] if native else ["monitor.elf", "kernel.elf"]):
        h.update((Path(build) / elf).read_bytes())
    h.update(text.encode())
    return h.hexdigest()[:16]


def _mkrescue(tree, iso):
    r = subprocess.run(["grub-mkrescue", "-o", str(iso), str(tree)], capture_output=True,
                       text=True, env={**os.environ, "PATH": PATH})
    if r.returncode != 0:
        raise BuildError(f"grub-mkrescue failed:\n{_tail(r.stdout + r.stderr)}")


def native_iso(build, args, out):
    """The sandbox kernel alone under GRUB, args on its multiboot2 command line.

    scripts/mkiso.sh --native takes no args; the kernel reads them from the
    multiboot2 command-line tag.
    """
    with tempfile.TemporaryDirectory() as tree:
        grub = Path(tree) / "boot" / "grub"
        grub.mkdir(parents=True)
        (Path(tree) / "boot" / "kernel.elf").write_bytes((Path(build) / "kernel.elf").read_bytes())
        (grub / "grub.cfg").write_text(
            "set timeout=0\n"
            'menuentry "Quest-V sandbox kernel (native)" {\n'
            f"\tmultiboot2 /boot/kernel.elf {args}\n"
            "\tboot\n}\n")
        _mkrescue(tree, out)


def monitor_iso(build, config, out, root=ROOT):
    """Monitor + kernel + the system config file config, through scripts/mkiso.sh."""
    r = subprocess.run([str(root / "scripts" / "mkiso.sh"), str(config), str(out)],
                       capture_output=True, text=True, cwd=root,
                       env={**os.environ, "PATH": PATH, "BUILD": str(build)})
    if r.returncode != 0:
        raise BuildError(f"mkiso.sh failed:\n{_tail(r.stdout + r.stderr)}")


def iso_for(run, build, root=ROOT):
    """(ISO, system config file or None natively) that boot run; cached by content."""
    text = run.native_args if run.native else run.config_text()
    base = Path(build) / "iso" / _digest(build, text, run.native)
    iso, conf = base.with_suffix(".iso"), None if run.native else base.with_suffix(".conf")
    if not iso.exists():
        iso.parent.mkdir(parents=True, exist_ok=True)
        part = base.with_suffix(f".{os.getpid()}.part.iso")   # concurrent cluster tasks
        if run.native:
            native_iso(build, text, part)
        else:
            conf.write_text(text)
            monitor_iso(build, conf, part, root)
        part.rename(iso)
    return iso, conf
