"""The system key `iommu` on both machines: `required` on the pc machine (no IOMMU)
ends the boot with a clear error and status 6; on q35 + Intel VT-d every assigned
device is confined and sandboxes are no longer told their host-physical base.
(Serving pages through a confined NIC: test_web.py under iommu=vtd.)"""
import socket

from conftest import make_iso, run_iso, sandbox_section

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
