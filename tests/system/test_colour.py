"""LLC page colouring: a coloured system boots, every isolation attempt is
still blocked, every checksum unchanged, the audit of every nested table
clean (each RAM page where the colours put it), and the monitor records each
sandbox's colours and the 4 KiB leaves its nested table needed. Under QEMU
(SVM+NPT) and Bochs (VMX+EPT): one builder, two formats."""
import shutil

import pytest

from conftest import make_iso, run_iso

# The vPMU's default LLC (8M:16:64) has 128 colours: sandbox 0 gets half,
# the other three share the other half, as the cache-interference split.
CONFIG = "".join(
    f"[sandbox {i}]\ncore = {i}\nmemory = 32M\nconsole = com{i + 1}\n"
    + ("colours = 0-63\n" if i == 0 else "colours = 64-127\nshare_colours = yes\n")
    + 'args = "steady_ms=100"\n\n' for i in range(4))
RAM_PAGES = 32 * 1024 * 1024 // 4096


def check_coloured_run(b):
    assert not b.timed_out, f"timed out; see {b.run_dir}"
    assert sorted(r["sandbox"] for r in b.ev("sandbox_ready")) == [0, 1, 2, 3]
    iso = b.ev("isolation")
    # Memory and platform doors blocked; IPIs harmless or (SVM) not tried by
    # design, as in every system (test_isolation.py checks which is which).
    assert iso and [r for r in iso if r["result"] not in ("blocked", "harmless", "not_tried")] == []
    assert all(r["result"] == "blocked" for r in iso if not r["target"].startswith("ipi:"))
    sums = b.ev("isolation_checksum")
    assert len(sums) == 16 and all(s["unchanged"] for s in sums)
    assert all(r["unchanged"] for r in b.ev("integrity"))
    assert [r["count"] for r in b.ev("vm_exits") if r["window"] == "steady"] == [0] * 4
    audits = b.ev("npt_audit")
    assert len(audits) == 4 and all(a["clean"] and a["pages"]["ram"] == RAM_PAGES for a in audits)
    plans = {r["sandbox"]: r for r in b.ev("sandbox_plan")}
    assert plans[0]["colours"] == "0-63" and plans[0]["ncolours"] == 64
    assert {plans[i]["colours"] for i in (1, 2, 3)} == {"64-127"}
    for p in plans.values():
        # Runs of 64 colours are 256 KiB: no RAM page gets a 2 MiB leaf.
        assert p["leaves_2m"] == 0 and p["leaves_4k"] >= RAM_PAGES
    # So the vPMU charges their TLB misses the walk through 4 KiB nested leaves.
    assert all(r["nested_leaf"] == "4K" for r in b.ev("pmc") if r["backend"] == "vpmu")
    assert b.ev("run_end")[-1]["status"] == 0


def test_coloured_system_boots_isolated(tmp_path):
    check_coloured_run(run_iso(make_iso(CONFIG, tmp_path), "colour", timeout=240))


@pytest.mark.skipif(shutil.which("bochs") is None, reason="bochs is not installed")
def test_bochs_coloured_system_boots_isolated(tmp_path):
    b = run_iso(make_iso(CONFIG, tmp_path), "bochs-colour", timeout=400, emulator="bochs")
    assert b.ev("monitor")[0]["virt"] == "vmx"
    check_coloured_run(b)
