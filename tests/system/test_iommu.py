"""The system key `iommu` on both machines: `required` on the pc machine (no IOMMU)
ends the boot with a clear error and status 6; on q35 + Intel VT-d every assigned
device is confined and sandboxes are no longer told their host-physical base.
(Serving pages through a confined NIC: test_web.py under iommu=vtd.)"""
import socket

from conftest import make_iso, run_iso, sandbox_section
from experiments import faultplan, spec
from test_recovery import boot_with_faults

STATUS_NO_IOMMU = 6


def test_required_without_an_iommu_refuses_to_boot(tmp_path):
    text = "[system]\niommu = required\n" + "".join(sandbox_section(i) for i in range(4))
    b = run_iso(make_iso(text, tmp_path, "iommu-required"), "iommu-required-pc", timeout=120)
    assert not b.timed_out and b.status == STATUS_NO_IOMMU, f"see {b.run_dir}"
    (err,) = b.ev("iommu_error")
    assert "DMAR" in err["msg"] and "intel-iommu" in err["msg"], err
    assert b.ev("iommu")[0]["iommu"] == "none"
    assert b.ev("sandbox_plan") == [] and b.ev("sandbox_ready") == []


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_required_on_vtd_confines_and_off_does_not(tmp_path):
    """Sandbox 0 owns the e1000 but leaves it alone (no net= argument): what the
    monitor records at boot, and that the run still ends well, is what this checks."""
    sandboxes = sandbox_section(0, extra="pci = 00:03.0") + "".join(
        sandbox_section(i) for i in range(1, 4))
    seen = {}
    for mode in ("required", "off"):
        text = f"[system]\niommu = {mode}\n" + sandboxes
        b = run_iso(make_iso(text, tmp_path, f"iommu-{mode}"), f"iommu-{mode}-vtd",
                    timeout=120, iommu="vtd", vpmu=False, net=[(free_port(), "10.0.2.15")])
        assert b.status == 0 and len(b.ev("sandbox_ready")) == 4, f"see {b.run_dir}"
        seen[mode] = (b.ev("iommu")[0], b.ev("dma_confine"))
    choice, confine = seen["required"]
    assert choice["iommu"] == "vtd" and choice["units"] >= 1 and choice["levels"] in (3, 4)
    assert [(c["sandbox"], c["bdf"], c["confined"]) for c in confine] == [(0, "0x18", True)]
    choice, confine = seen["off"]
    assert choice["iommu"] == "none" and [c["confined"] for c in confine] == [False]


def boot_dma_faults(iommu, name):
    """dma-handover and bad-dma once each, local recovery, on the machine with iommu:
    the Boot, the driver's sandbox and where to look. Checked here: the driver's NIC
    was confined by that IOMMU, both faults were found and recovered, the server
    answered after them, and every kernel's code checksum held."""
    plan = {"kinds": ["dma-handover", "bad-dma"], "count": 2, "mode": "local",
            "gap_ms": 200, "end": False}
    run = spec.parse({"description": "d", "timeout": 150, "qemu": {"iommu": iommu},
                      "system": {"sandboxes": 2, "net": True, "rescue": True}, "fault": plan},
                     name, ["rm"]).runs[0]
    b, session = boot_with_faults(run, name, iommu=iommu)
    driver = faultplan.roles(run.system)[0]
    where = f"see {b.run_dir}"
    assert not b.timed_out and b.status == 0, where
    assert [(c["sandbox"], c["iommu"], c["confined"]) for c in b.ev("dma_confine")] \
        == [(driver, iommu, True)]
    assert session.after["ok"], where
    assert sorted(f["kind"] for f in b.ev("fault")) == ["bad-dma", "dma-handover"], where
    assert all(r["ok"] for r in b.ev("recovered")) and len(b.ev("recovered")) == 2, where
    assert b.ev("integrity") and all(r["unchanged"] for r in b.ev("integrity")), where
    return b, driver, where


def test_dma_faults_under_vtd_are_recorded_and_the_driver_recovers():
    """dma-handover makes the device read another sandbox's memory at once: VT-d
    blocks it and the monitor records it with the owner; bad-dma is stopped by the
    driver's audit before the device sees it. Both recover; nothing was written."""
    b, driver, where = boot_dma_faults("vtd", "test-iommu-faults")
    faults_ = b.ev("dma_fault")
    assert faults_, f"no dma_fault record; {where}"
    assert {(f["sandbox"], f["bdf"], f["access"]) for f in faults_} == {(driver, "0x18", "read")}
    # Each handed-over fault is recorded on its own (the driver's HC_DMA_FAULTS at
    # detection); the audit stopped bad-dma before the device saw it.
    per_kind = {f["kind"]: f["dma_faults"] for f in b.ev("fault")}
    assert per_kind == {"dma-handover": 1, "bad-dma": 0} and len(faults_) == 1, b.ev("fault")
    # The address the device was aimed at: another sandbox's host-physical memory,
    # beyond the driver's own guest-physical RAM.
    assert all(int(f["addr"], 16) >= 32 << 20 for f in faults_), faults_
