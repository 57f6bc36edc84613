"""A bad system config ends the run with one clear error record naming the
line and the problem, a non-zero status, and no sandbox started."""
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import make_iso, run_iso, sandbox_section

STATUS_CONFIG = 2

GOOD = "".join(sandbox_section(i) for i in range(4))

CASES = {
    "unknown_key": (sandbox_section(0) + "[sandbox 1]\ncore = 1\ncpu = 3\nmemory = 32M\n", 8, "unknown key"),
    "overlapping_memory": ("[sandbox 0]\ncore = 0\nmemory = 32M\nbase = 0x4000000\n"
                           "[sandbox 1]\ncore = 1\nmemory = 32M\nbase = 0x5000000\n", 5, "overlaps"),
    "core_twice": (sandbox_section(0) + sandbox_section(1, core=0), 7, "already given"),
    "port_twice": (sandbox_section(0) + "[sandbox 1]\ncore = 1\nmemory = 32M\nports = 0x3fa\n", 9, "0x3fa"),
    "too_much_memory": ("".join(f"[sandbox {i}]\ncore = {i}\nmemory = 256M\n" for i in range(4)), None, "MiB"),
    "garbage_bytes": (b"[sandbox 0]\ncore = 0\n\x00\xff\xfe garbage\n", 3, "invalid byte"),
    "missing_core": (GOOD + "[sandbox 4]\ncore = 9\nmemory = 32M\n", 21, "core 9"),
    "monitor_port": (sandbox_section(0) + "ports = 0xf4\n", 6, "reserved for the monitor"),
    "empty": ("# nothing here\n", None, "no sandbox"),
    "colour_past_count": ("[system]\nllc = 1M:16:64\n" + sandbox_section(0, extra="colours = 8-16"),
                          7, "colour 16 of sandbox 0 is past the LLC's 16 colours"),
    "colour_empty_set": (sandbox_section(0, extra="colours = 9-2"), 5, "is empty"),
    "colour_shared": (sandbox_section(0, extra="colours = 0-7")
                      + sandbox_section(1, extra="colours = 7-15\nshare_colours = yes"),
                      10, "colour 7 of sandbox 1 is also sandbox 0's"),
    "colour_short_of_memory": ("[system]\nllc = 1M:16:64\n" + sandbox_section(0, extra="colours = 1-15")
                               + "[sandbox 1]\ncore = 1\nmemory = 128M\ncolours = 0\n",
                               11, "colours cannot supply sandbox 1's 128 MiB"),
    "iommu_value": ("[system]\niommu = maybe\n" + GOOD, 2, "not off, auto or required"),
    # The I/O-port allowlist: what the parser refuses on any PC, by name ...
    "port_dangerous": (sandbox_section(0) + "ports = 0x378-0x37f, 0x92\n", 6, "system control port A"),
    # ... and what only the machine's PCI and ACPI tell.
    "port_not_allowed": (sandbox_section(0) + "ports = 0x300-0x31f\n", 1, "port 0x300 is not on the allowlist"),
}

# Every port no config may grant, one boot each (QEMU): (ports, line, message).
REFUSED_PORTS = {
    "isa_dma": ("0x0-0x7", 6, "port 0x0 is refused: the ISA DMA controller"),
    "dma_pages": ("0x87", 6, "port 0x87 is refused: the ISA DMA page registers"),
    "isa_dma2": ("0xc8", 6, "port 0xc8 is refused: the second ISA DMA controller"),
    "kbd_data": ("0x60", 6, "port 0x60 is refused: the keyboard controller"),
    "kbd_cmd": ("0x64-0x67", 6, "port 0x64 is refused: the keyboard controller"),
    "port_a": ("0x92", 6, "port 0x92 is refused: system control port A"),
    "smi": ("0xb2", 6, "port 0xb2 is refused: the APM/SMI command port"),
    "elcr": ("0x4d0", 6, "port 0x4d0 is refused: the PIC edge/level registers"),
    "fw_cfg": ("0x510-0x51b", 6, "port 0x510 is refused: QEMU fw_cfg"),
    "fw_cfg_dma": ("0x514", 6, "port 0x514 is refused: QEMU fw_cfg"),
    "acpi_pm": ("0x604", 6, "port 0x604 is refused: the PIIX4/ICH9 ACPI PM block"),
    "shutdown": ("0x8900", 6, "port 0x8900 is refused: the emulator's shutdown port"),
    "acpi_pm_bochs": ("0xb004", 6, "port 0xb004 is refused: the PIIX4 ACPI PM block under Bochs"),
    "reset_control": ("0xcf9", 6, "port 0xcf9 is reserved for the monitor"),
    "acpi_gpe0": ("0xafe0", 1, "port 0xafe0 is refused: the ACPI GPE0 block"),
    "ide_bar": ("0xc000", 1, "port 0xc000 is an I/O BAR of PCI 00:01.1, which sandbox 0 does not own"),
    "ide_legacy": ("0x1f0-0x1f7", 1, "port 0x1f0 is not on the allowlist"),
}


def check_refused(b, case):
    """The run of bad config `case` ended as a refused config must."""
    _, line, needle = CASES[case]
    assert not b.timed_out
    errors = b.ev("config_error")
    assert len(errors) == 1, b.records
    if line is not None:
        assert errors[0]["line"] == line, errors[0]
    assert needle in errors[0]["msg"], errors[0]
    assert b.status == STATUS_CONFIG
    assert b.ev("sandbox_plan") == [] and b.ev("sandbox_ready") == []


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_config_is_refused(case, tmp_path):
    b = run_iso(make_iso(CASES[case][0], tmp_path), f"badconfig-{case}", timeout=120)
    check_refused(b, case)
    assert b.returncode == 2 * STATUS_CONFIG + 1


def test_every_refused_port(tmp_path):
    """One boot per refused port, four at a time (a refused config ends in seconds)."""
    def boot(case):
        text = sandbox_section(0) + f"ports = {REFUSED_PORTS[case][0]}\n"
        return case, run_iso(make_iso(text, tmp_path, name=case), f"badport-{case}", timeout=180)
    with ThreadPoolExecutor(max_workers=4) as pool:
        runs = dict(pool.map(boot, sorted(REFUSED_PORTS)))
    for case, b in runs.items():
        _, line, needle = REFUSED_PORTS[case]
        errors = b.ev("config_error")
        assert not b.timed_out and len(errors) == 1, (case, b.run_dir)
        assert errors[0]["line"] == line and needle in errors[0]["msg"], (case, errors[0])
        assert b.status == STATUS_CONFIG and b.ev("sandbox_ready") == [], case


def test_own_function_io_bar_is_granted(tmp_path):
    """The allowlist's last entry: the I/O BAR of a function the sandbox owns."""
    text = sandbox_section(0, extra="pci = 00:01.1\nports = 0xc000-0xc00f") + \
        "".join(sandbox_section(i) for i in range(1, 4))
    b = run_iso(make_iso(text, tmp_path), "ownbar", timeout=180)
    assert b.ev("config_error") == [] and b.ev("sandbox_ready"), b.records
