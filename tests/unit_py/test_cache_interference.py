"""analysis/cache_interference.py: the summary row of one run, and the targets text."""
import math

import pandas as pd

from analysis import cache_interference as ci

LLC = 16384


def records(misses_rt=1000, be_instr=(600, 400), mg=None, progress=(4096, 10), response=1200):
    recs = [{"ev": "monitor_ready", "tsc_hz": 1_000_000_000},
            {"ev": "thread", "sandbox": 0, "name": "rtj", "deadline_misses": 0, "jobs": 10,
             "max_response_us": 900, "p99_response_us": 800, "model_max_response_us": response,
             "model_p99_response_us": 1100, "work": "reuse", "work_bytes": 2 * 524288,
             "work_passes": 2},
            {"ev": "thread", "sandbox": 1, "name": "polw", "work": "stream",
             "work_bytes": progress[0], "work_passes": 1},
            {"ev": "thread", "sandbox": 1, "name": "cpuw", "work": "compute",
             "work_bytes": 64, "work_passes": progress[1]},
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
    assert row["colours"] == "none" and row["rt_jobs"] == 10
    # Work done per virtual second, per class: bytes streamed, CPU-bound passes.
    assert row["be_polluter_progress"] == 8192 and row["be_cpu_progress"] == 20
    # Misses per job against the lines one pass of the job covers (512 KiB / 64 B).
    assert row["rt_misses_per_job"] == 100 and row["rt_pass_lines"] == 8192


def test_memguard_budget_only_where_best_effort_runs():
    mg = {"mg_budget": 100, "mg_periods": 10, "mg_max_period_misses": 150, "mg_periods_over_5pct": 2}
    row = ci._run_row({"policy": "memguard", "mix": "pol1"}, records(mg=mg))
    assert row["mg_max_over_budget"] == 1.5 and row["mg_periods_over_5pct"] == 0.2


def _frame(specs):
    """summary() on rows built from (policy, colours, rt misses, progress, response)."""
    rows = []
    for pol, col, m, prog, resp in specs:
        rows.append(ci._run_row({"policy": pol, "mix": "pol1", "colours": col},
                                records(misses_rt=m, progress=prog, response=resp)))
    df = pd.DataFrame(rows)
    df["policy"] = pd.Categorical(df["policy"], ["rm", "cache-aware"])
    return df


def test_ratios_to_rm_without_colours():
    df = _frame([("rm", "none", 1000, (4096, 10), 1200),
                 ("rm", "0-7", 800, (2048, 10), 1000),
                 ("cache-aware", "none", 400, (3900, 9), 700)])
    df = ci._with_ratios(df)
    ca = df[df["policy"] == "cache-aware"].iloc[0]
    assert math.isclose(ca.be_polluter_progress_vs_rm, 3900 / 4096)
    assert math.isclose(ca.be_cpu_progress_vs_rm, 0.9)
    assert df[df["colours"] == "0-7"].iloc[0].be_polluter_progress_vs_rm == 0.5
    assert df["mg_max_over_budget"].isna().all()


def test_targets_pick_the_best_configuration_that_keeps_best_effort():
    df = ci._with_ratios(_frame([("rm", "none", 1000, (4096, 10), 1000),
                                 ("rm", "0-7", 800, (2048, 10), 500),          # BE at 50%: excluded
                                 ("cache-aware", "none", 400, (4096, 9), 600)]))
    text = ci.targets(df)
    assert "cache-aware, colours none, worst response +40.0% cut" in text
    assert "real-time LLC misses +60.0% cut" in text
    assert "keeps 100% (polluters) and 90% (CPU-bound)" in text


def test_each_cache_aware_configuration_gets_its_target_line():
    rows = [ci._run_row({"policy": "rm", "mix": "pol1"}, records(misses_rt=1000)),
            ci._run_row({"policy": "cache-aware", "mix": "pol1"}, records(misses_rt=900)),
            ci._run_row({"policy": "cache-aware", "mix": "pol1", "config": "cache-aware-strict"},
                        records(misses_rt=300, progress=(1024, 10)))]
    assert [r["config"] for r in rows] == ["rm", "cache-aware", "cache-aware-strict"]
    text = ci.targets(ci._with_ratios(pd.DataFrame(rows)))
    assert "cache-aware vs rm (no colours): real-time LLC misses +10.0% cut" in text
    assert ("cache-aware-strict vs rm (no colours): real-time LLC misses +70.0% cut (target >= 50%); "
            "best effort keeps 25% (polluters)") in text


def test_cap_sweep_one_row_per_cache_aware_configuration_without_colours():
    rows = [ci._run_row({"policy": "rm", "mix": "pol1"}, records(misses_rt=1000)),
            ci._run_row({"policy": "rm", "mix": "pol1", "colours": "0-7"}, records(misses_rt=10)),
            ci._run_row({"policy": "cache-aware", "mix": "pol1", "config": "cache-aware-hold50"},
                        records(misses_rt=700, progress=(2048, 10))),
            ci._run_row({"policy": "cache-aware", "mix": "pol1", "config": "cache-aware-gap40"},
                        records(misses_rt=250, progress=(1024, 12)))]
    table = ci.cap_sweep(ci._with_ratios(pd.DataFrame(rows)))
    assert list(table["config"]) == ["cache-aware-hold50", "cache-aware-gap40"]
    assert [round(c, 9) for c in table["pol1 misses cut %"]] == [30.0, 75.0]
    assert list(table["pol1 BE kept % (pol/cpu)"]) == ["50 / 100", "25 / 120"]
    assert list(table["pol1 RT misses"]) == [0, 0]
