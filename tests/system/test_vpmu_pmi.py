"""The vPMU's overflow interrupt: four sandboxes, each on its own vCPU and
each running memguard over a best-effort VCPU that streams over 4x the LLC,
so all four vCPUs are busy and each arms its LLC-miss budget at every
dispatch (pmc_arm_overflow on the vPMU's control page). The plugin raises
MSI-X vector i of the ivshmem-doorbell device when vCPU i's counter wraps,
the monitor routed that vector to core i as VEC_PMI, and the kernel's PMI
handler (the hardware path) takes it and decides again.

Latency bound: the plugin notices the wrap at the start of the block after
the one in which it happened, writes the eventfd, and holds its vCPU until
QEMU's main loop has consumed it and raised the MSI; the vCPU then leaves
its translated code at the next block boundary. So the guest runs at most
the rest of two translated blocks (TCG caps a block at 512 instructions)
plus the handler's entry path before the handler reads the counter: we
state 2,000 instructions.
"""

import pytest

from conftest import boot_memguard

BUDGET = 2000
LATENCY_BOUND_INSNS = 2000
POLICY = f"policy = memguard budget={BUDGET} period_us=1000 slice_us=200"


def config():
    return "".join(f"[sandbox {i}]\ncore = {i}\nmemory = 32M\nconsole = com{i + 1}\n"
                   f'args = "steady_ms=20"\nvcpu = pol be\nthread = polw pol busy work=stream:400\n'
                   f"{POLICY}\n\n" for i in range(4))


@pytest.fixture(scope="module")
def pmi_run(tmp_path_factory):
    b = boot_memguard(config(), tmp_path_factory.mktemp("pmi"), "vpmu-pmi", smp=4)
    assert not b.timed_out and b.status == 0, b.run_dir
    return b


def test_every_vcpu_has_the_interrupt(pmi_run):
    pmc = pmi_run.ev("pmc")
    assert len(pmc) == 4 and all(r["overflow_interrupt"] for r in pmc), pmc


def test_budget_interrupts_arrive_within_the_bound(pmi_run):
    runs = pmi_run.ev("sched_run")
    assert len(runs) == 4
    for r in runs:
        # What tells a failure's path apart: armed (the PMU took the budget), unclaimed
        # (interrupts that found no overflow), decisions (interrupts that did).
        seen = {k: v for k, v in r.items() if k.startswith(("pmi_", "mg_", "sandbox"))}
        # About one budget overflow per 1 ms regulation period.
        assert r["pmi_decisions"] >= r["mg_periods"] - 2 and r["mg_periods"] >= 15, \
            f"{seen}; see {pmi_run.run_dir}"
        assert r["pmi_unclaimed"] == 0, f"{seen}; see {pmi_run.run_dir}"
        assert r["pmi_latency_max_insns"] <= LATENCY_BOUND_INSNS, seen


def test_without_the_doorbell_there_is_no_interrupt(tmp_path):
    """Plain ivshmem: the vPMU still counts, but arming is refused (the
    scheduler's timer check stands), so no PMI decision is ever taken."""
    b = boot_memguard(config(), tmp_path, "vpmu-no-pmi", smp=4, pmi=False)
    assert not b.timed_out and b.status == 0, b.run_dir
    assert not any(r["overflow_interrupt"] for r in b.ev("pmc"))
    assert all(r["pmi_decisions"] == 0 and "pmi_armed" not in r for r in b.ev("sched_run"))
