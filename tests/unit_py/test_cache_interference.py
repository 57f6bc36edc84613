"""analysis/cache_interference.py: the summary row of one run, and the targets text."""
import math

import pandas as pd

from analysis import cache_interference as ci

LLC = 16384


def records(misses_rt=1000, be_instr=(600, 400), mg=None):
    recs = [{"ev": "monitor_ready", "tsc_hz": 1_000_000_000},
            {"ev": "thread", "sandbox": 0, "name": "rtj", "deadline_misses": 0, "jobs": 10,
             "max_response_us": 900, "p99_response_us": 800, "model_max_response_us": 1200,
             "model_p99_response_us": 1100},
            {"ev": "vcpu", "sandbox": 0, "name": "rt", "kind": "main", "llc_misses": misses_rt,
             "instructions": 100_000, "est_samples": 4, "est_err_mean_lines": LLC // 8,
             "est_err_max_lines": LLC // 4},
            {"ev": "vcpu", "sandbox": 1, "name": "pol", "kind": "be", "llc_misses": 5000,
             "instructions": be_instr[0], "est_samples": 12, "est_err_mean_lines": 0,
             "est_err_max_lines": LLC // 2},
            {"ev": "vcpu", "sandbox": 1, "name": "cpu", "kind": "be", "llc_misses": 10,
             "instructions": be_instr[1]}]
    for sb in (0, 1):
        run = {"ev": "sched_run", "sandbox": sb, "elapsed_cycles": 500_000_000, "llc_lines": LLC}
        run.update(mg or {})
        recs.append(run)
    return recs


def test_row_figures():
    row = ci._run_row({"policy": "rm", "mix": "pol1"}, records())
    assert row["rt_llc_misses"] == 1000 and row["rt_mpki"] == 10
    assert row["rt_max_response_us"] == 1200 and row["rt_max_response_tsc_us"] == 900
    assert row["be_instructions_per_s"] == 2000        # 1000 instructions in 0.5 s
    # Sample-weighted: (4 * LLC/8 + 12 * 0) / 16 samples, as a fraction of the LLC.
    assert math.isclose(row["estimator_mean_error"], (4 / 16) / 8)
    assert row["estimator_max_error"] == 0.5
    assert "mg_max_over_budget" not in row


def test_memguard_budget_only_where_best_effort_runs():
    mg = {"mg_budget": 100, "mg_periods": 10, "mg_max_period_misses": 150, "mg_periods_over_5pct": 2}
    row = ci._run_row({"policy": "memguard", "mix": "pol1"}, records(mg=mg))
    assert row["mg_max_over_budget"] == 1.5 and row["mg_periods_over_5pct"] == 0.2


def test_targets_compare_cache_aware_with_rm():
    rows = [ci._run_row({"policy": p, "mix": "pol1"}, records(misses_rt=m, be_instr=(600, b)))
            for p, m, b in (("rm", 1000, 400), ("cache-aware", 600, 300))]
    df = pd.DataFrame(rows)
    df["policy"] = pd.Categorical(df["policy"], ["rm", "cache-aware"])
    text = ci.targets(df)
    assert "real-time LLC misses +40.0% cut" in text
    assert "best-effort throughput -10.0% change" in text
