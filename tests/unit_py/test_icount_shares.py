"""analysis/icount_shares.py: the real-time jobs' rates from a schedule trace."""
from analysis import icount_shares as sh


def run(sb, act, a, b, insns):
    return {"ev": "trace_run", "sandbox": sb, "act": act, "from": a, "to": b, "insns": insns}


RECORDS = [
    run(0, 0.0, 0.0, 4000.0, 400_000),                     # the first job: left out
    run(0, 10000.0, 10000.0, 11000.0, 100_000),            # one job in two runs:
    run(0, 10000.0, 12000.0, 13000.0, 300_000),            # 400k in 2,000 us: 0.2/ns
    run(0, 20000.0, 20000.0, 21000.0, 500_000),            # 0.5/ns
    run(1, 0.0, 0.0, 20000.0, 9_000_000),                  # another core's run: not the RT's
    {"ev": "trace_idle", "sandbox": 1, "from": 20000.0, "to": 22500.0, "insns": 100},
    {"ev": "trace_idle", "sandbox": 0, "from": 4000.0, "to": 10000.0, "insns": 100},
    {"ev": "thread", "sandbox": 0, "deadline_misses": 1},
]


def test_job_rates_group_runs_by_activation_and_leave_out_the_first_job():
    # Core 1's run (0-20,000 us, 9M instructions: 450 per us) overlaps the second job's
    # two runs by 1,000 us each; its idle span (100 instructions over 2,500 us) the third
    # job's by 1,000 us. Core 0's own idle span is not another core's.
    assert sh.job_rates(RECORDS) == [(2000.0, 400_000, 900_000.0), (1000.0, 500_000, 40.0)]


def test_run_row():
    row = sh.run_row("p", RECORDS)
    assert row["rt_jobs"] == 3
    assert (row["rate_min"], row["rate_max"]) == (0.2, 0.5)
    assert row["share_min"] == 400_000 / 1_300_000
    assert row["rt_max_ran_us"] == 2000.0 and row["rt_deadline_misses"] == 1
    assert row["be_idle_ms"] == 2.5        # best-effort cores only
