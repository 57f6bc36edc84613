"""pandas loaders for results/<exp>/: one row per run, or one row per record.

Both read the latest attempt of every run listed in results/<exp>/runs.csv
(written by the experiments runner), so a re-run replaces what analysis sees
while older attempts stay on disk.
"""
import json
from pathlib import Path

from experiments.deps import need
from experiments.records import by_ev, read_jsonl

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "results"


class NoResults(LookupError):
    """The experiment has not run (no results/<exp>/runs.csv)."""


def runs(exp, results=RESULTS):
    """One row per run: parameters, ok, reason, and the summary figures."""
    pd = need("pandas")
    path = Path(results) / exp / "runs.csv"
    if not path.exists():
        raise NoResults(f"{path} missing: run `make exp E={exp}` first")
    df = pd.read_csv(path)
    df["ok"] = df["ok"].astype(str) == "True"
    return df


def failed(exp, results=RESULTS):
    """How many of exp's runs failed (what a section's closing line reports)."""
    return int((~runs(exp, results)["ok"]).sum())


def records(exp, ev, results=RESULTS, ok_only=True):
    """Every record named ev from the runs of exp, each with its run's parameters.

    Columns: the record's fields, then run, rep, native, icount and the
    sweep/case parameters of the run that printed it.
    """
    pd = need("pandas")
    table = runs(exp, results)
    rows = []
    for _, run in table.iterrows():
        if ok_only and not run["ok"]:
            continue
        run_dir = Path(run["run_dir"])
        params = json.loads((run_dir / "params.json").read_text())
        extra = {"run": run["run"], "rep": params["rep"], "native": bool(params["system"].get("native")),
                 "icount": bool(params["qemu"].get("icount", True)), **params["params"]}
        for r in by_ev(read_jsonl(run_dir / "records.jsonl"), ev):
            rows.append({**r, **extra})
    return pd.DataFrame(rows)
