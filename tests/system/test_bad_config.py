"""A bad system config ends the run with one clear error record naming the
line and the problem, a non-zero status, and no sandbox started."""
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
