"""The foundation's system checks under Bochs: Intel VMX + EPT.

The same ISO, configs and assertions as the QEMU (AMD SVM + NPT) tests:
the checks of test_boot.py and test_isolation.py are imported here and run
against a Bochs boot (this module's default_run fixture replaces the QEMU
one for them), plus what differs: the monitor picks VMX, Bochs's exit
status is no verdict (the run is judged by run_end), and CPU models
without EPT or without unrestricted guest are refused with a clear error.

Bochs is slower than QEMU (the default run takes about a minute), so the
Bochs variants boot the default configuration once; `-k "not bochs"`
leaves them out.
"""
import shutil

import pytest

from conftest import ROOT, make_iso, run_iso
from experiments import bochs
from test_bad_config import CASES as BAD_CONFIGS, check_refused
from test_faults import CONTAINMENT_CONFIG, check_contained
# The emulator-independent checks, run again here on the Bochs boot.
from test_boot import (test_four_sandboxes_ready_on_distinct_cores,  # noqa: F401
                       test_records_merged_with_source, test_sandbox_memory_is_disjoint)
from test_isolation import (test_boot_has_no_exits_but_the_probe_handshake,  # noqa: F401
                            test_checksums_of_others_unchanged, test_every_probe_attempt_blocked,
                            test_monitor_logged_each_violation, test_no_exits_in_steady_state,
                            test_probing_sandboxes_survive)

STATUS_NO_VIRT = 3

pytestmark = pytest.mark.skipif(shutil.which("bochs") is None,
                                reason="bochs not installed (Debian packages bochs, bochsbios, vgabios)")


def run_bochs(iso, name, timeout=240, **opts):
    return run_iso(iso, f"bochs-{name}", timeout=timeout, emulator="bochs", **opts)


@pytest.fixture(scope="module")
def default_run():
    """One Bochs boot of the default configuration (replaces conftest's QEMU one here)."""
    b = run_bochs(ROOT / "build/questv.iso", "default")
    assert not b.timed_out, f"timed out; see {b.run_dir}"
    return b


def test_bochs_monitor_uses_vmx(default_run):
    mon = default_run.ev("monitor")[0]
    assert mon["virt"] == "vmx"
    assert "Intel" in mon["cpu"]
    ready = default_run.ev("monitor_ready")[0]
    assert ready["cores"] == 4 and ready["sandboxes"] == 4
    # Bochs with `clock: sync=none`: the TSC counts `ips` ticks per emulated second.
    assert 0.9 * bochs.DEFAULT_IPS < ready["tsc_hz"] < 1.1 * bochs.DEFAULT_IPS
    caps = default_run.ev("vmx_caps")
    assert len(caps) == 1 and caps[0]["src"] == "monitor"


def test_bochs_run_ends_cleanly(default_run):
    assert default_run.status == 0
    ends = default_run.ev("sandbox_end")
    assert sorted(e["sandbox"] for e in ends) == [0, 1, 2, 3]
    assert all(e["how"] == "ended" and e["status"] == 0 for e in ends)
    # Bochs stopped on the monitor's "Shutdown" (port 0x8900), not on the timeout;
    # its exit status (1) says nothing about the run.
    assert default_run.emulator == "bochs" and default_run.returncode is not None
    assert "Shutdown port: shutdown requested" in default_run.qemu_out
    # The consoles hold only the guests' output: Bochs's banner went to bochs.out.
    assert "Bochs x86 Emulator" not in (default_run.run_dir / "monitor.log").read_text()
    assert (default_run.run_dir / "bochsrc").exists()


@pytest.mark.parametrize("model,needle", [("core2_penryn_t9600", "no EPT"),
                                          ("corei5_lynnfield_750", "unrestricted guest")])
def test_bochs_cpu_without_ept_or_unrestricted_guest_is_refused(model, needle):
    b = run_bochs(ROOT / "build/questv.iso", f"refused-{model}", timeout=120, cpu=model)
    assert not b.timed_out
    errs = b.ev("virt_error")
    assert len(errs) == 1 and needle in errs[0]["msg"] and "vmx" in errs[0]["msg"], errs
    assert b.status == STATUS_NO_VIRT
    assert b.ev("monitor")[0]["virt"] == "none"
    assert b.ev("sandbox_plan") == [] and b.ev("sandbox_ready") == []


# The config checks are emulator independent (and all run under QEMU); under
# Bochs run those that depend on the machine (its cores, its memory) and one
# parse error, to keep the Bochs share of `make test` near two minutes.
BOCHS_BAD_CONFIGS = ["missing_core", "too_much_memory", "garbage_bytes"]


@pytest.mark.parametrize("case", BOCHS_BAD_CONFIGS)
def test_bochs_bad_config_is_refused(case, tmp_path):
    check_refused(run_bochs(make_iso(BAD_CONFIGS[case][0], tmp_path), f"badconfig-{case}",
                            timeout=120), case)


def test_bochs_faulting_sandboxes_are_contained(tmp_path):
    """A triple fault (VMX exit 2) stops only its sandbox; a wild store (EPT
    violation) is reflected as #GP; the others probe and run steady."""
    check_contained(run_bochs(make_iso(CONTAINMENT_CONFIG, tmp_path), "containment"))
