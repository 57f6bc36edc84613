"""Inter-sandbox channel (the ipc benchmark): two SPSC rings in a
shared region plus IPIs, no monitor on the data path; a sandbox that is not
a party to the channel cannot touch it."""
from conftest import make_iso, run_iso, sandbox_section

SIZES = [64, 256, 1024, 4096]


def test_channel_round_trips_without_exits(tmp_path):
    text = (sandbox_section(0, extra='args = "exp=ipc steady_ms=0 rounds=50"')
            + sandbox_section(1, extra='args = "exp=ipc steady_ms=0"')
            + sandbox_section(2, extra='args = "steady_ms=100"')
            + "[shared ipc]\nsize = 64K\nsandboxes = 0 1\n")
    b = run_iso(make_iso(text, tmp_path), "ipc", smp=3, vpmu=False)
    assert not b.timed_out and b.status == 0, b.run_dir
    rows = b.ev("ipc")
    assert sorted((r["mode"], r["size"]) for r in rows) == sorted(
        (m, s) for m in ("poll", "ipi") for s in SIZES)
    for mode in ("poll", "ipi"):
        med = {r["size"]: r["median"] for r in rows if r["mode"] == mode}
        assert all(r["rounds"] == 50 and 0 < r["min"] <= r["median"] for r in rows)
        assert med[4096] > med[64]                  # copying 4 KiB costs more than 64 B
    bw = b.ev("ipc_bandwidth")
    assert len(bw) == 1 and bw[0]["bytes"] == 2048 * 4096 and bw[0]["cycles"] > 0
    # The data path needs the monitor for nothing.
    steady = {e["sandbox"]: e["count"] for e in b.ev("vm_exits") if e["window"] == "steady"}
    assert steady[0] == 0 and steady[1] == 0
    # The non-member tried the channel's memory and was blocked.
    probes = [r for r in b.ev("isolation") if r["target"] == "shared:ipc"]
    assert [(r["sandbox"], r["result"]) for r in probes] == [(2, "blocked"), (2, "blocked")]
