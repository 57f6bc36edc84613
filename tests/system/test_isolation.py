"""Isolation probe: every attempt to reach another sandbox, the monitor, a
foreign UART or a reserved MSR is blocked, survived and leaves the others'
memory unchanged; after boot the monitor sees no exits at all."""


def test_every_probe_attempt_blocked(default_run):
    iso = default_run.ev("isolation")
    assert iso, "no isolation records"
    assert [r for r in iso if r["result"] != "blocked"] == []
    for sb in range(4):
        mine = [r for r in iso if r["sandbox"] == sb]
        targets = {(r["target"], r["access"], r.get("dir")) for r in mine}
        for other in set(range(4)) - {sb}:
            assert (f"sandbox:{other}", "read", None) in targets
            assert (f"sandbox:{other}", "write", None) in targets
        assert ("monitor", "read", None) in targets
        assert ("monitor", "write", None) in targets
        ports = {t for t, a, _ in targets if a == "io"}
        assert len(ports) == 3                      # the three UARTs it does not own
        assert ("monitor", "hypercall", "exit_counts") in targets


def test_probing_sandboxes_survive(default_run):
    steady = default_run.ev("steady")
    assert sorted(r["sandbox"] for r in steady) == [0, 1, 2, 3]
    assert default_run.ev("exception") == []
    assert default_run.ev("sandbox_fault") == []


def test_monitor_logged_each_violation(default_run):
    v = default_run.ev("violation")
    for sb in range(4):
        kinds = {r["kind"] for r in v if r["sandbox"] == sb}
        assert {"nested_fault", "io", "msr"} <= kinds


def test_checksums_of_others_unchanged(default_run):
    sums = default_run.ev("isolation_checksum")
    assert len(sums) == 4 * 4                       # 3 other sandboxes + monitor, per prober
    assert all(s["unchanged"] and s["before"] == s["after"] for s in sums)


def test_no_exits_in_steady_state(default_run):
    steady = [e for e in default_run.ev("vm_exits") if e["window"] == "steady"]
    assert sorted(e["sandbox"] for e in steady) == [0, 1, 2, 3]
    assert all(e["count"] == 0 for e in steady)
    # The window really ran: timer ticks and IPIs in every sandbox.
    for s in default_run.ev("steady"):
        assert s["ms"] == 1000
        assert s["timer_ticks"] > 500
        assert s["ipis_sent"] > 50 and s["ipis_received"] > 50


def test_boot_has_no_exits_but_the_probe_handshake(default_run):
    boot = [e for e in default_run.ev("vm_exits") if e["window"] == "boot"]
    assert all(e["by_reason"] == {"hypercall": 1} for e in boot)
