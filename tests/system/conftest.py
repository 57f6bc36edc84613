"""System-test helpers: build an ISO for a config and boot it in QEMU."""
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from experiments.boot import boot  # noqa: E402

RESULTS = ROOT / "results"


def make_build(sched=None, vpmu=False):
    """The build directory of SCHED=sched (build/ itself for the default policy) with
    its monitor and kernel brought up to date by make; with vpmu also the vPMU plugin
    and doorbell server, which QEMU loads from build/ whatever the image's directory
    (experiments/qemu.py). A failed make fails the test with its command and output."""
    build = ROOT / "build" / f"sched-{sched}" if sched else ROOT / "build"
    steps = [[f"BUILD={build}", *([f"SCHED={sched}"] if sched else []),
              f"{build}/monitor.elf", f"{build}/kernel.elf"]]
    if vpmu:
        steps.append(["build/vpmu.so", "build/vpmu-doorbell"])
    for args in steps:
        r = subprocess.run(["make", "-s", *args], cwd=ROOT, capture_output=True, text=True)
        if r.returncode:
            pytest.fail(f"`make {' '.join(args)}` failed (a fresh checkout needs `make deps` "
                        f"first):\n{(r.stdout + r.stderr)[-3000:]}", pytrace=False)
    return build


def make_iso(config_text, tmp_path, name="system", build=ROOT / "build"):
    """An ISO of the monitor and kernel in build/ with this config text."""
    conf = tmp_path / f"{name}.conf"
    conf.write_bytes(config_text if isinstance(config_text, bytes) else config_text.encode())
    iso = tmp_path / f"{name}.iso"
    subprocess.run([str(ROOT / "scripts/mkiso.sh"), str(conf), str(iso)], check=True,
                   cwd=ROOT, env={"BUILD": str(build), "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"})
    return iso


def run_iso(iso, name, timeout=180, **opts):
    return boot(iso, f"test-{name}", results=str(RESULTS), timeout=timeout, **opts)


def boot_memguard(config_text, tmp_path, name, smp, pmi=True):
    """A config under the memguard kernel with the vPMU (1 MiB 16-way LLC) on smp
    vCPUs, with its overflow interrupt (pmi) or without."""
    iso = make_iso(config_text, tmp_path, build=make_build("memguard", vpmu=True))
    return run_iso(iso, name, smp=smp, vpmu_options="llc=1M:16:64", **({"vpmu_pmi": True} if pmi else {}))


@pytest.fixture(scope="session")
def default_run():
    """One boot of the default configuration, shared by the tests that read it."""
    b = run_iso(ROOT / "build/questv.iso", "default")
    assert not b.timed_out, f"timed out; see {b.run_dir}"
    return b


def sandbox_section(i, core=None, extra=""):
    core = i if core is None else core
    return f"[sandbox {i}]\ncore = {core}\nmemory = 32M\nconsole = com{i + 1}\n{extra}\n"
