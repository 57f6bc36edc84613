"""Experiment `cache-interference`: what cache-aware scheduling and memguard buy over rm.

One row per (policy, mix, colours) in results/<exp>/<run-id>/summary.csv (run-id:
when the analysis ran; `analysis-latest` points at the newest), with

  rt_deadline_misses      the real-time thread's missed deadlines (TSC time,
                          the scheduler's own clock)
  rt_max_response_us      its largest and 99th-percentile (nearest rank)
  rt_p99_response_us      response time, over the jobs after the first (which
                          starts on a cold cache under every policy), in
                          *modelled* time: the vPMU's core
                          cycles from release to completion, which add miss
                          penalties (200 cycles per LLC miss) that icount's
                          TSC lacks; converted at the TSC rate
  rt_max_response_tsc_us  the same in TSC (instruction) time
  rt_llc_misses, rt_mpki  its LLC misses and misses per 1000 instructions
  be_instructions_per_s   best-effort instructions per virtual second, all cores
  estimator_mean_error    occupancy estimate vs the vPMU's per-VCPU truth, mean
  estimator_max_error     and worst absolute error over every sample of every
                          VCPU, as a fraction of the LLC
  mg_max_over_budget      memguard: largest best-effort misses of a period /
  mg_periods_over_5pct    budget, and the fraction of periods more than 5% over
  colours                 the real-time sandbox's LLC colours, or `none`
  config                  the configuration's name: its policy, or the case's
                          `config` where one policy runs with other parameters
  rt_jobs                 the real-time thread's completed jobs
  be_polluter_progress    bytes the streaming best-effort threads covered, and
  be_cpu_progress         passes the CPU-bound ones did, per virtual second
                          (under icount instructions per second are the same
                          whichever best-effort VCPU runs: only work done shows)
  *_vs_rm                 those two as a fraction of rm's without colours, same mix
  rt_misses_per_job       the real-time task's LLC misses per job, and the
  rt_pass_lines           lines one pass of its job covers (LINE-byte lines):
                          a job whose lines did not survive since its last
                          one misses at least that many

plus a figure of the real-time task's misses and response time per policy,
a figure per mix of its worst response against best-effort progress (one
point per configuration: the trade-off frontier), and the goals of cache-aware scheduling and memguard, checked against the table
(measured, not promised).
"""
import datetime
import json
from pathlib import Path

from experiments.deps import need
from experiments.records import read_jsonl

from . import gnuplot, load, markdown
from .sections import finish_section

EXP = "cache-interference"
POLICIES = ["rm", "edf", "cache-aware", "memguard"]
RT_SANDBOX = 0
LINE = 64          # the vPMU's LLC line (the experiment's llc=1M:16:64)


def _run_row(run, records):
    """The summary figures of one run's records (a list of dicts)."""
    by = {}
    for r in records:
        by.setdefault(r.get("ev"), []).append(r)
    rt_thread = next(t for t in by.get("thread", []) if t["sandbox"] == RT_SANDBOX)
    rt_vcpu = next(v for v in by.get("vcpu", []) if v["sandbox"] == RT_SANDBOX)
    runs = by.get("sched_run", [])
    tsc_hz = by["monitor_ready"][0]["tsc_hz"]
    seconds = max(r["elapsed_cycles"] for r in runs) / tsc_hz
    llc = runs[0]["llc_lines"]
    vcpus = by.get("vcpu", [])
    be = [v for v in vcpus if v["kind"] == "be"]
    est = [v for v in vcpus if v.get("est_samples")]
    samples = sum(v["est_samples"] for v in est)
    be_threads = [t for t in by.get("thread", []) if t["sandbox"] != RT_SANDBOX]
    progress = lambda work, key: sum(t.get(key, 0) for t in be_threads  # noqa: E731
                                     if t.get("work") == work) / seconds
    row = {
        "policy": run["policy"], "mix": run["mix"], "colours": str(run.get("colours", "none")),
        "config": run.get("config", run["policy"]),
        "rt_deadline_misses": rt_thread["deadline_misses"],
        "rt_max_response_us": rt_thread.get("model_max_response_us"),
        "rt_p99_response_us": rt_thread.get("model_p99_response_us"),
        "rt_llc_misses": rt_vcpu["llc_misses"],
        "be_instructions_per_s": sum(v["instructions"] for v in be) / seconds,
        "estimator_mean_error": (sum(v["est_err_mean_lines"] * v["est_samples"] for v in est)
                                 / samples / llc) if samples else float("nan"),
        "estimator_max_error": max((v["est_err_max_lines"] for v in est), default=float("nan")) / llc,
        "rt_max_response_tsc_us": rt_thread["max_response_us"],
        "rt_p99_response_tsc_us": rt_thread.get("p99_response_us"),
        "rt_mpki": 1000 * rt_vcpu["llc_misses"] / max(rt_vcpu["instructions"], 1),
        "rt_jobs": rt_thread["jobs"],
        "rt_misses_per_job": rt_vcpu["llc_misses"] / max(rt_thread["jobs"], 1),
        "rt_pass_lines": (rt_thread.get("work_bytes", 0) / max(rt_thread.get("work_passes", 0), 1)
                          / LINE),
        "llc_lines": llc,
        "be_polluter_progress": progress("stream", "work_bytes"),
        "be_cpu_progress": progress("compute", "work_passes"),
    }
    mg = [r for r in runs if r.get("mg_budget") and r.get("mg_periods")
          and any(v["sandbox"] == r["sandbox"] for v in be)]
    if mg:
        row["mg_max_over_budget"] = max(r["mg_max_period_misses"] / r["mg_budget"] for r in mg)
        row["mg_periods_over_5pct"] = (sum(r["mg_periods_over_5pct"] for r in mg)
                                       / sum(r["mg_periods"] for r in mg))
    return row


def summary(exp=EXP, results=load.RESULTS):
    """The summary table: one row per (policy, mix) of the latest ok runs."""
    pd = need("pandas")
    rows = []
    for _, run in load.runs(exp, results).iterrows():
        if not run["ok"]:
            continue
        run_dir = Path(run["run_dir"])
        params = json.loads((run_dir / "params.json").read_text())["params"]
        rows.append(_run_row(params, list(read_jsonl(run_dir / "records.jsonl"))))
    if not rows:
        raise load.NoResults(f"{exp}: no successful runs")
    df = pd.DataFrame(rows)
    df["policy"] = pd.Categorical(df["policy"], [p for p in POLICIES if p in set(df["policy"])])
    return _with_ratios(df.sort_values(["mix", "colours", "policy", "config"]).reset_index(drop=True))


def _with_ratios(df):
    """Best-effort progress as a fraction of rm's without colours in the same mix; the
    memguard columns, empty when no memguard run is in the table."""
    for col in ("mg_max_over_budget", "mg_periods_over_5pct"):
        if col not in df:
            df[col] = float("nan")
    for col in ("be_polluter_progress", "be_cpu_progress"):
        base = df[(df["policy"] == "rm") & (df["colours"] == "none")].set_index("mix")[col]
        df[col + "_vs_rm"] = [v / base[m] if m in base and base[m] else float("nan")
                              for m, v in zip(df["mix"], df[col])]
    return df


def write_summary(df, exp=EXP, results=load.RESULTS):
    """results/<exp>/analysis-<time>/summary.csv, and analysis-latest -> it."""
    base = Path(results) / exp
    run_dir = base / f"analysis-{datetime.datetime.now().strftime('%Y%m%d-%H%M%S')}"
    run_dir.mkdir(parents=True, exist_ok=True)
    path = run_dir / "summary.csv"
    df.to_csv(path, index=False)
    latest = base / "analysis-latest"
    if latest.is_symlink() or latest.exists():
        latest.unlink()
    latest.symlink_to(run_dir.name)
    return path


def targets(df):
    """The goals, per mix, checked against the table: against rm without colours."""
    lines = []
    cut = lambda a, b: 100 * (1 - b / a) if a else float("nan")  # noqa: E731
    for mix, g in df.groupby("mix", observed=True):
        base = g[(g["policy"] == "rm") & (g["colours"] == "none")]
        if base.empty:
            continue
        rm = base.iloc[0]
        keeps = g[(g["be_polluter_progress_vs_rm"] >= 0.9) & (g["be_cpu_progress_vs_rm"] >= 0.9)
                  & (g["rt_deadline_misses"] == 0)]
        best = keeps.loc[keeps["rt_max_response_us"].idxmin()] if not keeps.empty else None
        lines.append(
            f"- `{mix}`: best configuration keeping every best-effort class >= 90% of rm and 0 "
            "deadline misses: " + (f"{best.config}, colours {best.colours}, worst response "
                                   f"{cut(rm.rt_max_response_us, best.rt_max_response_us):+.1f}% cut "
                                   "(target >= 30%)" if best is not None else "none"))
        for ca in g[(g["policy"] == "cache-aware") & (g["colours"] == "none")].itertuples():
            lines.append(
                f"- `{mix}`: {ca.config} vs rm (no colours): real-time LLC misses "
                f"{cut(rm.rt_llc_misses, ca.rt_llc_misses):+.1f}% cut (target >= 50%); best effort "
                f"keeps {100 * ca.be_polluter_progress_vs_rm:.0f}% (polluters) and "
                f"{100 * ca.be_cpu_progress_vs_rm:.0f}% (CPU-bound) of its rm progress; "
                f"{ca.rt_misses_per_job:.0f} misses per job against rm's "
                f"{rm.rt_misses_per_job:.0f}, one pass of the job being {ca.rt_pass_lines:.0f} lines")
        mg = g[(g["policy"] == "memguard") & (g["colours"] == "none")]
        if not mg.empty and "mg_max_over_budget" in mg and mg.iloc[0].notna()["mg_max_over_budget"]:
            mg = mg.iloc[0]
            lines.append(f"- `{mix}`: memguard: worst period {100 * (mg.mg_max_over_budget - 1):+.0f}% "
                         f"against the budget, {100 * mg.mg_periods_over_5pct:.0f}% of periods more "
                         "than 5% over (target: within 5%)")
    lines.append(f"- estimator mean error at most {100 * df['estimator_mean_error'].max():.1f}% "
                 "of the LLC over every run (target <= 10%)")
    return "\n".join(lines) + "\n"


def cap_sweep(df):
    """cache-aware's configurations without colours, one row each: per mix, the cut in the
    real-time task's LLC misses against rm without colours, and what each best-effort class
    keeps of its rm progress (polluters / CPU-bound), in percent."""
    pd = need("pandas")
    ca = df[(df["policy"] == "cache-aware") & (df["colours"] == "none")]
    rm = df[(df["policy"] == "rm") & (df["colours"] == "none")].set_index("mix")["rt_llc_misses"]
    rows = []
    for cfg, g in ca.groupby("config", sort=False):
        row = {"config": cfg}
        for r in g.sort_values("mix").itertuples():
            cut = 100 * (1 - r.rt_llc_misses / rm[r.mix]) if r.mix in rm and rm[r.mix] else float("nan")
            row[f"{r.mix} misses cut %"] = cut
            row[f"{r.mix} BE kept % (pol/cpu)"] = (f"{100 * r.be_polluter_progress_vs_rm:.0f} / "
                                                   f"{100 * r.be_cpu_progress_vs_rm:.0f}")
            row[f"{r.mix} RT misses"] = int(r.rt_deadline_misses)
        rows.append(row)
    return pd.DataFrame(rows)


def frontier(df, out):
    """Per mix: real-time worst response against best-effort progress (its worse class, as
    a fraction of rm without colours), one point per configuration."""
    figs = []
    for mix, g in df.groupby("mix", observed=True):
        series = [(f"{r.config} colours={r.colours}",
                   [(min(r.be_polluter_progress_vs_rm, r.be_cpu_progress_vs_rm), r.rt_max_response_us)])
                  for r in g.itertuples()]
        figs += gnuplot.plot(out / f"{out.name}-frontier-{mix}", series,
                             f"Trade-off frontier, mix {mix}",
                             "best-effort progress, worse class (fraction of rm without colours)",
                             "real-time worst response (us, modelled)")
    return figs


def figures(df, out):
    """Real-time LLC misses and modelled max response per configuration without colours,
    against the polluting cores."""
    figs = []
    x = {m: i + 1 for i, m in enumerate(sorted(df["mix"].unique()))}
    for col, title, ylabel in (("rt_llc_misses", "Real-time task: LLC misses", "LLC misses"),
                               ("rt_max_response_us", "Real-time task: max response (modelled)",
                                "microseconds (vPMU core cycles)")):
        series = []
        plain = df[df["colours"] == "none"]
        for cfg in plain["config"].unique():
            s = plain[plain["config"] == cfg]
            series.append((cfg, [(x[m], v) for m, v in zip(s["mix"], s[col])]))
        figs += gnuplot.plot(out / f"{out.name}-{col}", series, title,
                             "polluting cores (mix pol1..pol3)", ylabel, xtics="data")
    return figs


def section(results=load.RESULTS, published=None, exp=EXP):
    """Markdown section for REPORT.md; also writes summary.csv, the table and figures."""
    out = Path(results) / exp
    runs = load.runs(exp, results)
    failed = int((~runs["ok"]).sum())
    df = summary(exp, results)
    csv = write_summary(df, exp, results)
    figs = figures(df, out) + frontier(df, out)
    shown = df[["config", "mix", "colours", "rt_jobs", "rt_deadline_misses", "rt_max_response_us",
                "rt_p99_response_us", "rt_max_response_tsc_us", "rt_llc_misses", "rt_mpki",
                "be_polluter_progress_vs_rm", "be_cpu_progress_vs_rm", "mg_periods_over_5pct",
                "mg_max_over_budget", "estimator_mean_error", "estimator_max_error"]]
    text = [f"## Cache-aware scheduling (`{exp}`)\n\n",
            "Four sandboxes on four cores under the vPMU (icount; LLC 1 MiB, 16-way, LRU). "
            "Sandbox 0: a real-time Main VCPU (9/10 ms) whose periodic job makes two passes "
            "over half the LLC; sandboxes 1-3: best-effort VCPUs, a polluter streaming over 4x the LLC "
            "beside a CPU-bound one, or the CPU-bound one alone (mix polN: N polluting cores). "
            "Colours: `none`, or the real-time sandbox on LLC colours 0-7 of the 16 (half the "
            "LLC, host pages of those colours only) with the best-effort sandboxes sharing "
            "8-15. Every sandbox runs with `yield_turn` (each timer interrupt ends its vCPU's "
            "turn in QEMU's icount round robin, which otherwise can leave the real-time vCPU "
            "a small share of virtual time for milliseconds: see cache-interference-trace). "
            "memguard (1 ms periods, 2000 misses each) runs with the vPMU's overflow "
            "interrupt. cache-aware-strict is cache-aware guarding all the time and letting "
            "polluters fall up to 90% behind: what keeping the real-time lines between jobs "
            "costs. "
            "Response times: *modelled* (the vPMU's core cycles, which charge 200 cycles per LLC "
            "miss; under icount the TSC counts instructions only, so TSC response times cannot "
            "show cache interference), over the jobs after the first (cold for every policy), "
            "and in TSC time (`rt_max_response_tsc_us`, the clock "
            "deadlines are judged on). Estimator error: the occupancy estimate of every VCPU "
            "at each of its samples against the vPMU's lines-owned truth, as a fraction of the "
            f"LLC. Summary: `{csv.relative_to(Path(results))}`.\n\n",
            markdown.table(shown, digits=3),
            "Best-effort progress: bytes the polluters streamed and passes the CPU-bound "
            "threads did per virtual second, as a fraction of rm's without colours "
            "(`be_*_progress` in the CSV). cache-aware holds polluters back from `guard_us` "
            "before the real-time job's release to its end and lets them make the time up "
            "between jobs; what they have not made up stays within `max_hold_pct` of the "
            "time best effort is runnable.\n\n"
            "\n**cache-aware's cap and guard.** Per mix: the cut in the real-time task's LLC "
            "misses against rm without colours (target >= 50%), what the polluters and the "
            "CPU-bound best effort keep of their rm progress, and the real-time deadline "
            "misses. `cache-aware-holdN`: the 200 us guard with `max_hold_pct=N`; "
            "`cache-aware-gapN`: the guard spans the whole period (`guard_us=10000`; gap100: no cap), so "
            "polluters are held between jobs too, within the cap. A job whose lines did not "
            "survive since its last one misses at least one pass (8,192 lines): below that "
            "floor only by keeping polluters from streaming between jobs.\n\n",
            markdown.table(cap_sweep(df), digits=1),
            "\n**Goals, against what was measured.** Some configuration should cut the "
            "real-time task's worst response by at least 30% against rm without colours, every "
            "best-effort class keeping at least 90% of its rm progress, with no deadline miss; "
            "cache-aware alone should cut its LLC misses by at least 50%; memguard should hold "
            "each throttled core within 5% of its LLC-miss budget per period; the occupancy "
            "estimate should err by at most 10% of the LLC on average:\n\n", targets(df),
            "".join(f"\n![{f.stem}]({exp}/{f.name})" for f in figs if f.suffix == ".png"), "\n"]
    return finish_section(exp, results, text, failed)


def tiny_section(results=load.RESULTS, published=None):
    """The CI variant, analysed the same way (not part of REPORT.md)."""
    return section(results, published, exp=EXP + "-tiny")
