"""experiments/hostsched.py: finding the emulator by its console, and the host_sched record
from two snapshots of its threads' schedstat (a fake /proc)."""
from experiments import hostsched


def _proc(tmp_path, pid, console, threads):
    d = tmp_path / str(pid)
    (d / "task").mkdir(parents=True, exist_ok=True)
    (d / "cmdline").write_bytes(b"\0".join([b"qemu-system-x86_64", b"-serial",
                                            b"file:" + str(console).encode(), b""]))
    for tid, (run, wait) in threads.items():
        (d / "task" / str(tid)).mkdir(exist_ok=True)
        (d / "task" / str(tid) / "schedstat").write_text(f"{run} {wait} 7\n")


def test_the_emulator_is_found_by_its_console_and_its_threads_waits_summed(tmp_path):
    proc = tmp_path / "proc"
    run_dir = tmp_path / "run"
    _proc(proc, 41, tmp_path / "other" / "com1.log", {41: (5, 5)})
    _proc(proc, 42, run_dir / "com1.log", {42: (1_000_000_000, 0), 43: (0, 0), 44: (9, 9)})
    (proc / "self").mkdir()                          # not a pid: skipped
    assert hostsched.find_pid(run_dir / "com1.log", proc) == 42
    assert hostsched.find_pid(tmp_path / "none" / "com1.log", proc) is None
    before = hostsched.snapshot(42, proc)
    _proc(proc, 42, run_dir / "com1.log",
          {42: (3_000_000_000, 4_000_000_000), 43: (1_000_000_000, 1_000_000_000), 44: (9, 9)})
    after = hostsched.snapshot(42, proc)
    after["at"] = before["at"] + 10.0                # a 10 s window
    r = hostsched.record(before, after)
    # Thread 44 did not run in the window: not counted.
    assert (r["threads"], r["run_s"], r["wait_s"], r["wall_s"]) == (2, 3.0, 5.0, 10.0)
    assert r["wait_pct_max"] == 40.0                 # thread 42 waited 4 s of 10
    assert hostsched.snapshot(99, proc) is None and hostsched.record(before, None) is None
