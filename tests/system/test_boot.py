"""The default configuration boots four isolated sandboxes on four cores."""
from experiments.qemu import decode_exit


def test_four_sandboxes_ready_on_distinct_cores(default_run):
    ready = default_run.ev("sandbox_ready")
    assert sorted(r["sandbox"] for r in ready) == [0, 1, 2, 3]
    assert sorted(r["core"] for r in ready) == [0, 1, 2, 3]
    for r in ready:
        assert r["mem_mib"] == 32
        assert r["virtualized"] is True
        assert r["src"] == f"com{r['sandbox'] + 1}"   # each on its own UART


def test_run_ends_cleanly(default_run):
    assert default_run.status == 0
    ends = default_run.ev("sandbox_end")
    assert sorted(e["sandbox"] for e in ends) == [0, 1, 2, 3]
    assert all(e["how"] == "ended" and e["status"] == 0 for e in ends)
    # QEMU's own exit code carries the same status (isa-debug-exit: 2*S+1).
    assert decode_exit(default_run.returncode) == 0


def test_monitor_uses_svm_and_reports_cores(default_run):
    mon = default_run.ev("monitor")[0]
    assert mon["virt"] == "svm"
    ready = default_run.ev("monitor_ready")[0]
    assert ready["cores"] == 4 and ready["sandboxes"] == 4
    # Calibrated clocks are sane (under icount the TSC runs at ~1 GHz).
    assert 0.9e9 < ready["tsc_hz"] < 1.1e9


def test_sandbox_memory_is_disjoint(default_run):
    plans = default_run.ev("sandbox_plan")
    spans = sorted((int(p["base"], 16), int(p["base"], 16) + (p["mem_mib"] << 20)) for p in plans)
    for (a0, a1), (b0, _) in zip(spans, spans[1:]):
        assert a1 <= b0
    # No sandbox region starts below the largest sandbox: none can be named
    # by an address of another sandbox's own RAM.
    assert all(base >= 32 << 20 for base, _ in spans)


def test_records_merged_with_source(default_run):
    path = default_run.run_dir / "records.jsonl"
    lines = path.read_text().splitlines()
    assert len(lines) == len(default_run.records) > 0
    assert {r["src"] for r in default_run.records} == {"monitor", "com1", "com2", "com3", "com4"}
    latest = default_run.run_dir.parent / "latest"
    assert latest.resolve() == default_run.run_dir.resolve()
