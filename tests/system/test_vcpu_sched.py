"""VCPU scheduling in the guest: four sandboxes with different VCPU sets,
under each policy image (make SCHED=rm|edf). Budgets hold under overload,
admitted periodic threads that fit their VCPU never miss, and a VCPU that
fails admission is refused with a reason while the rest run.

Periodic jobs here cost 75% of their VCPU's budget, not 100%: under QEMU's
-icount every vCPU's TSC also advances while TCG's round-robin runs the
other vCPUs, so a thread notices that its job is done up to ~0.2 ms (of
TSC) late, and that time is charged to its budget. Real cores do not lose
time that way; the slack absorbs the emulator, not the scheduler."""
import subprocess
import sys

import pytest

from conftest import ROOT, make_build, make_iso, run_iso

SANDBOXES = [
    # Overload: a spinner on a 20% VCPU must get 20% +- 1%, and must not
    # delay the higher-priority VCPU's jobs.
    ["vcpu = hi main 1000 5000", "thread = job hi periodic 750 5000",
     "vcpu = spin main 2000 10000", "thread = spinner spin busy"],
    # Three Main VCPUs, two periodic jobs and a spinner at the lowest priority.
    ["vcpu = a main 2000 10000", "thread = ja a periodic 1500 10000",
     "vcpu = b main 5000 20000", "thread = jb b periodic 3750 20000",
     "vcpu = c main 10000 50000", "thread = sc c busy"],
    # An I/O VCPU (PIBS) with bursts beside a Main VCPU.
    ["vcpu = m main 3000 10000", "thread = jm m periodic 2250 10000",
     "vcpu = io0 io 0.1", "thread = burst io0 io-burst 300 5000"],
    # Over the bound: v2 must be refused, v1 keeps its guarantee; best
    # effort (never refused) gets what is left.
    ["vcpu = v1 main 6000 10000", "thread = j1 v1 periodic 4500 10000",
     "vcpu = v2 main 5000 10000", "thread = j2 v2 busy",
     "vcpu = bg be", "thread = bgs bg busy"],
]

# Every core arms its timer at most this far ahead (kernel/vsched/dispatch.c
# program_timer): under -icount TCG runs the vCPUs round robin, each for a
# quarter of the time to the next timer of any of them, and a vCPU takes an
# expired timer's interrupt only after the vCPUs before it ran their turn.
# Without steps, core 3 (the best-effort sandbox) took its interrupt up to
# 2.06 ms late, and the same sandbox on core 0 only 0.25 ms. Steps cost
# emulator time: per boot (edf, no vPMU) 80-88 s of CPU with 250 us steps, 98 s
# with 100 us steps, which bring the worst lateness no lower (see the trace test).
TIMER_STEP_US = 250

# Wall seconds per boot: 80-100 s of emulator CPU, which took 260-950 s at
# load 15-30 on two cores.
TIMEOUT_S = 1200

BUSY_SHARE = {"spinner": 200_000, "sc": 200_000}  # C/T in ppm


def system_config():
    text = ""
    for i, lines in enumerate(SANDBOXES):
        text += (f"[sandbox {i}]\ncore = {i}\nmemory = 32M\nconsole = com{i + 1}\n"
                 f'args = "trace timer_step_us={TIMER_STEP_US}"\n')
        text += "\n".join(lines) + "\n\n"
    return text


@pytest.fixture(scope="module", params=["rm", "edf"])
def sched_run(request, tmp_path_factory):
    build = make_build(None if request.param == "rm" else request.param)
    iso = make_iso(system_config(), tmp_path_factory.mktemp(request.param), build=build)
    # Without the vPMU: nothing here reads PMCs, and counting every memory
    # access of the 1 s schedule cost about 20 s of emulator CPU per boot.
    b = run_iso(iso, f"vcpu-sched-{request.param}", vpmu=False, timeout=TIMEOUT_S)
    assert not b.timed_out and b.status == 0, b.run_dir
    (b.run_dir / "system.conf").write_text(system_config())
    return request.param, b


def test_each_sandbox_records_its_policy(sched_run):
    policy, b = sched_run
    assert sorted((r["sandbox"], r["policy"]) for r in b.ev("sched")) == [(i, policy) for i in range(4)]


def test_busy_threads_get_their_budget(sched_run):
    _, b = sched_run
    busy = {t["name"]: t for t in b.ev("thread") if t["kind"] == "busy"}
    for name, share in BUSY_SHARE.items():
        assert abs(busy[name]["util_ppm"] - share) <= 10_000, busy[name]   # +-1% of the core


def test_fitting_periodic_threads_never_miss(sched_run):
    _, b = sched_run
    periodic = [t for t in b.ev("thread") if t["kind"] == "periodic"]
    assert len(periodic) == 5
    for t in periodic:
        assert t["deadline_misses"] == 0, t
        assert t["jobs"] >= 49, t                       # 1 s of 5..20 ms periods


def test_io_vcpu_serves_bursts_within_its_share(sched_run):
    _, b = sched_run
    io = [v for v in b.ev("vcpu") if v["kind"] == "io"]
    assert len(io) == 1 and io[0]["replenishments"] > 0
    burst = [t for t in b.ev("thread") if t["kind"] == "io-burst"][0]
    assert burst["jobs"] > 50
    assert burst["util_ppm"] <= 100_000 + 10_000          # U = 0.1


def test_over_the_bound_vcpu_is_refused(sched_run):
    _, b = sched_run
    refused = [a for a in b.ev("admit") if a["result"] == "rejected"]
    assert [(a["sandbox"], a["vcpu"]) for a in refused] == [(3, "v2")]
    assert refused[0]["reason"]
    assert not [t for t in b.ev("thread") if t["name"] == "j2"]  # its thread never ran


def test_scheduling_needs_no_exits(sched_run):
    _, b = sched_run
    steady = [e for e in b.ev("vm_exits") if e["window"] == "steady"]
    assert len(steady) == 4 and all(e["count"] == 0 for e in steady)


def test_guest_schedules_pass_the_trace_checker(sched_run):
    """The schedule each guest recorded obeys the same rules the simulator's
    traces are checked against, allowing only what the emulated machine
    explains: the timer lateness the guest measured itself, plus the 20 us
    of the interrupt and scheduling path, plus a whole timer step: a thread
    notices that its job is done at its next poll of the TSC, and under
    -icount QEMU 7.2 runs the vCPUs in turn, each turn lasting until the next
    timer deadline of any vCPU (the vCPU after it gets an empty turn that
    only fires the due timers), so between two polls another vCPU may run
    for up to a whole step (measured: 223-228 us past a job's cost in a
    sandbox whose timer was never late)."""
    _, b = sched_run
    late = {s["sandbox"]: s["timer_late_us"] for s in b.ev("trace_summary")}
    for sandbox in range(4):
        tolerance = late[sandbox] + 20 + TIMER_STEP_US
        r = subprocess.run([sys.executable, str(ROOT / "sched/sim/guest_trace.py"),
                            str(b.run_dir / "records.jsonl"), "--sandbox", str(sandbox),
                            "--config", str(b.run_dir / "system.conf"),
                            "--tolerance-us", f"{tolerance:.3f}"],
                           capture_output=True, text=True)
        assert r.returncode == 0, (sandbox, r.stdout[-2000:], r.stderr[-2000:])
    # With 250 us steps the worst per sandbox measured 19-402 us, except core
    # 2's 676 us (rm and edf; with 100 us steps 23-293 us and 746-770 us): the
    # step's own interrupt came late while core 2 was halted in the idle
    # thread (why TCG wakes a halted vCPU that late is not known).
    assert len(late) == 4 and max(late.values()) < 1000, late


def test_best_effort_gets_the_slack_and_nothing_more(sched_run):
    _, b = sched_run
    bg = [t for t in b.ev("thread") if t["name"] == "bgs"][0]
    j1 = [t for t in b.ev("thread") if t["name"] == "j1"][0]
    assert j1["deadline_misses"] == 0
    # v1's job takes 45% of the core; the rest, less scheduling overhead, is best effort's.
    assert 500_000 <= bg["util_ppm"] <= 560_000, bg
    assert [a["result"] for a in b.ev("admit") if a["vcpu"] == "bg"] == ["admitted"]
