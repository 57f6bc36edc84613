"""Experiment `cache-interference-trace`: how QEMU's -icount round robin shared virtual
time among the vCPUs, seen from the real-time task.

Under icount the TSC advances by one tick per instruction of whichever vCPU runs, so a
real-time job's TSC time (what its budget and deadline are judged on) is its own
instructions divided by its share of virtual time. Per run, from the guest's schedule
trace (`trace_run` records with the instructions the vPMU counted in each run):

  rate_min/median/max   the real-time job's instructions per TSC ns while it ran, over
                        the jobs after the first (4 busy vCPUs sharing fairly: 0.25)
  share_min             the smallest share of a job: its instructions over those all four
                        cores executed while it ran (fair among four busy vCPUs: 0.25;
                        unlike the rate, free of the vPMU counting more instructions than
                        icount's clock advanced, as it does with yield_turn)
  rt_max_ran_us         the most TSC time one job ran (its budget: 9,000 us)
  rt_deadline_misses    the real-time thread's missed deadlines
  be_idle_ms            the time the best-effort cores idled (a halted vCPU changes
                        which vCPUs the round robin serves)
"""
from collections import defaultdict
from pathlib import Path

from experiments.deps import need
from experiments.records import read_jsonl

from . import load, markdown
from .sections import finish_section

EXP = "cache-interference-trace"
RT_SANDBOX = 0


def job_rates(records):
    """(ran_us, instructions, others) of each real-time job after the first, from its
    trace_run records (grouped by activation); others: the instructions the other cores
    executed while it ran (each of their runs and idle spans pro rata of its overlap)."""
    jobs = defaultdict(list)
    spans = [r for r in records if r.get("ev") in ("trace_run", "trace_idle") and r["to"] > r["from"]]
    for r in spans:
        if r["ev"] == "trace_run" and r.get("sandbox") == RT_SANDBOX:
            jobs[r["act"]].append(r)
    out = []
    for act in sorted(jobs)[1:]:
        mine = jobs[act]
        others = sum(o.get("insns", 0) * (min(o["to"], m["to"]) - max(o["from"], m["from"]))
                     / (o["to"] - o["from"])
                     for m in mine for o in spans
                     if o.get("sandbox") != RT_SANDBOX and o["to"] > m["from"] and o["from"] < m["to"])
        out.append((sum(m["to"] - m["from"] for m in mine), sum(m.get("insns", 0) for m in mine),
                    others))
    return out


def run_row(point, records):
    """The figures of one run."""
    jobs = [j for j in job_rates(records) if j[0] > 0]
    rates = sorted(ins / 1000 / ran for ran, ins, _ in jobs)
    shares = [ins / (ins + others) for _, ins, others in jobs if ins + others]
    rt = next(t for t in records if t.get("ev") == "thread" and t.get("sandbox") == RT_SANDBOX)
    idle = sum(r["to"] - r["from"] for r in records
               if r.get("ev") == "trace_idle" and r.get("sandbox") != RT_SANDBOX)
    return {"point": point, "rt_jobs": len(jobs) + 1,
            "rate_min": rates[0] if rates else float("nan"),
            "rate_median": rates[len(rates) // 2] if rates else float("nan"),
            "rate_max": rates[-1] if rates else float("nan"),
            "share_min": min(shares, default=float("nan")),
            "rt_max_ran_us": max((j[0] for j in jobs), default=float("nan")),
            "rt_deadline_misses": rt["deadline_misses"], "be_idle_ms": idle / 1000}


def section(results=load.RESULTS, published=None, exp=EXP):
    """Markdown section; also writes results/<exp>/<exp>.md."""
    pd = need("pandas")
    runs = load.runs(exp, results)
    rows = [run_row(run["point"], list(read_jsonl(Path(run["run_dir"]) / "records.jsonl")))
            for _, run in runs[runs["ok"]].iterrows()]
    if not rows:
        raise load.NoResults(f"{exp}: no successful runs")
    text = [f"## Virtual time under icount (`{exp}`)\n\n",
            "The cache-interference set-up (mix pol3, no colours) with every sandbox tracing "
            "its schedule. Under `-icount` QEMU 7.2 runs the vCPUs round robin on one thread; "
            "a turn lasts until the next timer deadline of any vCPU, and the vCPU after the "
            "one that reached it gets an empty turn that only runs the due timers, so the "
            "rotation skips every second vCPU, and which vCPUs it starves changes when a "
            "core halts. A real-time job's TSC time is its instructions over its share of "
            "virtual time. `yield_turn` ends a vCPU's turn at each of its timer interrupts "
            "(`pause`); `timer_step_us=50` adds a timer interrupt every 50 us. Rates: the "
            "job's instructions per TSC ns while it ran; `share_min`: the smallest fraction a "
            "job had of the instructions all four cores executed while it ran (fair: 0.25).\n\n", markdown.table(pd.DataFrame(rows), digits=3)]
    return finish_section(exp, results, text, int((~runs["ok"]).sum()))
