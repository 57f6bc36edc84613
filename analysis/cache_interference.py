"""Experiment `cache-interference`: what cache-aware scheduling and memguard buy over rm.

One row per (policy, mix) in results/<exp>/<run-id>/summary.csv (run-id:
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

plus a figure of the real-time task's misses and response time per policy,
and the goals of cache-aware scheduling and memguard, checked against the table
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
    row = {
        "policy": run["policy"], "mix": run["mix"],
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
        "llc_lines": llc,
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
    return df.sort_values(["mix", "policy"]).reset_index(drop=True)


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
    """The goals, per mix, checked against the table: cache-aware against rm, memguard's budget."""
    lines = []
    for mix, g in df.groupby("mix", observed=True):
        p = {r["policy"]: r for _, r in g.iterrows()}
        if "rm" in p and "cache-aware" in p:
            rm, ca = p["rm"], p["cache-aware"]
            cut = lambda a, b: 100 * (1 - b / a) if a else float("nan")  # noqa: E731
            lines.append(
                f"- `{mix}`: cache-aware vs rm: real-time LLC misses {cut(rm.rt_llc_misses, ca.rt_llc_misses):+.1f}% cut "
                f"(target >= 30%), max response {cut(rm.rt_max_response_us, ca.rt_max_response_us):+.1f}% cut "
                f"(target >= 20%), best-effort throughput "
                f"{-cut(rm.be_instructions_per_s, ca.be_instructions_per_s):+.1f}% change (target >= -10%)")
        if "memguard" in p and "mg_max_over_budget" in p["memguard"]:
            mg = p["memguard"]
            lines.append(f"- `{mix}`: memguard: worst period {100 * (mg.mg_max_over_budget - 1):+.0f}% "
                         f"against the budget, {100 * mg.mg_periods_over_5pct:.0f}% of periods more "
                         "than 5% over (target: within 5%)")
    return "\n".join(lines) + "\n"


def figures(df, out):
    """Real-time LLC misses and modelled max response per policy, against the polluting cores."""
    figs = []
    x = {m: i + 1 for i, m in enumerate(sorted(df["mix"].unique()))}
    for col, title, ylabel in (("rt_llc_misses", "Real-time task: LLC misses", "LLC misses"),
                               ("rt_max_response_us", "Real-time task: max response (modelled)",
                                "microseconds (vPMU core cycles)")):
        series = []
        for pol in df["policy"].cat.categories:
            s = df[df["policy"] == pol]
            series.append((pol, [(x[m], v) for m, v in zip(s["mix"], s[col])]))
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
    figs = figures(df, out)
    shown = df[["policy", "mix", "rt_deadline_misses", "rt_max_response_us", "rt_p99_response_us",
                "rt_max_response_tsc_us", "rt_llc_misses", "rt_mpki", "be_instructions_per_s",
                "estimator_mean_error", "estimator_max_error"]]
    text = [f"## Cache-aware scheduling (`{exp}`)\n\n",
            "Four sandboxes on four cores under the vPMU (icount; LLC 1 MiB, 16-way, LRU). "
            "Sandbox 0: a real-time Main VCPU (9/10 ms) whose periodic job makes two passes "
            "over half the LLC; sandboxes 1-3: best-effort VCPUs, a polluter streaming over 4x the LLC "
            "beside a CPU-bound one, or the CPU-bound one alone (mix polN: N polluting cores). "
            "Response times: *modelled* (the vPMU's core cycles, which charge 200 cycles per LLC "
            "miss; under icount the TSC counts instructions only, so TSC response times cannot "
            "show cache interference), over the jobs after the first (cold for every policy), "
            "and in TSC time (`rt_max_response_tsc_us`, the clock "
            "deadlines are judged on). Estimator error: the occupancy estimate of every VCPU "
            "at each of its samples against the vPMU's lines-owned truth, as a fraction of the "
            f"LLC. Summary: `{csv.relative_to(Path(results))}`.\n\n",
            markdown.table(shown, digits=3),
            "\n**Goals, against what was measured.** Cache-aware scheduling should cut the "
            "real-time task's LLC misses by at least 30% and its worst response by at least 20% "
            "against rm, costing best-effort throughput at most 10%; memguard should hold each "
            "throttled core within 5% of its LLC-miss budget per period:\n\n", targets(df),
            "".join(f"\n![{f.stem}]({exp}/{f.name})" for f in figs if f.suffix == ".png"), "\n"]
    return finish_section(exp, results, text, failed)


def tiny_section(results=load.RESULTS, published=None):
    """The CI variant, analysed the same way (not part of REPORT.md)."""
    return section(results, published, exp=EXP + "-tiny")
