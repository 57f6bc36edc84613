"""The virtual PMU seen from the guest: the monitor hands the
ivshmem device to every sandbox, the kernel finds it (or says why not), and
its counts agree with cachegrind and show cross-core LLC interference."""
import json

from conftest import ROOT, RESULTS, run_iso
from experiments import qemu
from experiments.vpmu_validate import guest_regions, rel, validate, xcore, xcore_ok

BUILD = ROOT / "build"


def test_every_sandbox_finds_the_vpmu(default_run):
    b = default_run
    assert b.ok
    ivshmem = [r for r in b.ev("pci") if r["vendor"] == "0x1af4" and r["device"] == "0x1110"]
    assert len(ivshmem) == 1 and "bar2" in ivshmem[0]
    pmc = sorted(b.ev("pmc"), key=lambda r: r["sandbox"])
    assert [r["backend"] for r in pmc] == ["vpmu"] * 4
    # Sandbox i runs on core i, QEMU's vCPU i; under NPT the walks are 2-D,
    # through nested tables whose RAM leaves are 2 MiB (no colours).
    assert [r["vcpu"] for r in pmc] == [0, 1, 2, 3]
    assert all(r["paging"] == "nested" and r["nested_leaf"] == "2M" and r["bar2"] == ivshmem[0]["bar2"]
               for r in pmc)
    totals = [json.loads(line) for line in (b.run_dir / "vpmu.jsonl").read_text().splitlines()]
    assert [t["vcpu"] for t in totals] == [0, 1, 2, 3]
    assert all(t["instructions"] > 0 for t in totals)
    # No sandbox counted, so the plugin never instrumented memory (the fast path).
    assert all(t["l1d_accesses"] == 0 for t in totals)
    assert not qemu.vpmu_shm(b.run_dir).exists(), "the run's shared file must be removed"


def test_only_the_own_control_page_is_writable(default_run):
    # The kernel wrote its own control page (paging=nested above); writes
    # anywhere else in BAR2 fault in the nested page table.
    probes = [r for r in default_run.ev("isolation") if r["target"].startswith("vpmu:")]
    assert len(probes) == 4 * 3
    assert all(r["result"] == "blocked" for r in probes)


def test_without_the_plugin_the_kernel_says_why():
    b = run_iso(ROOT / "build/questv.iso", "no-vpmu", vpmu=False)
    assert b.ok
    pmc = b.ev("pmc")
    assert len(pmc) == 4
    assert all(r["backend"] == "none" and "vPMU" in r["why"] for r in pmc)
    assert not b.ev("pci") or not any(r["device"] == "0x1110" for r in b.ev("pci"))


def test_two_small_workloads_match_cachegrind_within_2_percent():
    rows = validate(["seq_walk", "pointer_chase"], 1 << 20, 2, "32K:8:64", "512K:16:64", BUILD,
                    RESULTS / "test-vpmu")
    for r in rows:
        assert r["l1d_diff"] <= 2.0, r
        assert r["llc_diff"] <= 2.0, r
        assert r["cg_llc"] > 10000, "the workload must miss the LLC to test anything"


def test_counts_are_deterministic_under_icount():
    runs = [guest_regions(["stride_walk"], 1 << 20, 1, "32K:8:64", "512K:16:64", BUILD,
                          RESULTS / "test-vpmu", name=f"determinism-{i}")[0]["stride_walk"]
            for i in range(2)]
    # Each boot makes its own ISO, and GRUB's path length depends on the
    # image's bytes (timestamps): the clock differs by then, the counts not.
    for r in runs:
        for key in ("src", "tsc_begin", "tsc_end"):
            r.pop(key)
    assert runs[0] == runs[1]


def test_cross_core_interference_is_seen_and_attributed():
    x = xcore(BUILD, RESULTS / "test-vpmu")
    alone, victim, streamer = x["alone"], x["victim"], x["streamer"]
    # Alone, half the LLC stays cached after the warm-up pass.
    assert alone["llc_misses"] < 0.01 * alone["llc_references"]
    # Beside the streamer the victim misses, and re-fills what was taken.
    assert victim["llc_misses"] > 10 * max(alone["llc_misses"], 100)
    assert victim["llc_fills"] == victim["llc_misses"]
    # The streamer evicted the victim's lines: its cross-evictions match the
    # victim's extra misses (each evicted line is missed once more).
    assert rel(victim["llc_misses"] - alone["llc_misses"], streamer["llc_cross_evictions"]) < 5
    assert xcore_ok(x)
    # The pair really overlapped: the streamer ran across the victim's whole region.
    assert streamer["tsc_begin"] <= victim["tsc_begin"] and streamer["tsc_end"] >= victim["tsc_end"]


def test_count_all_counts_every_vcpu_from_the_boot():
    b = run_iso(ROOT / "build/questv.iso", "vpmu-count-all", vpmu_options="count=all,interval=20M")
    assert b.ok
    lines = [json.loads(line) for line in (b.run_dir / "vpmu.jsonl").read_text().splitlines()]
    totals = [x for x in lines if "interval" not in x]
    assert [t["vcpu"] for t in totals] == [0, 1, 2, 3]
    # No sandbox enabled a counter, yet memory was counted on every vCPU.
    assert all(t["l1d_accesses"] > 0 and t["llc_misses"] > 0 for t in totals)
    for t in totals:
        mine = [x for x in lines if "interval" in x and x["vcpu"] == t["vcpu"]]
        assert len(mine) >= t["instructions"] // (20 << 20)
        assert sum(x["l1d_misses"] for x in mine) == t["l1d_misses"]
