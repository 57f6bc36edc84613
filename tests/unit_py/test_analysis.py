"""Analysis on a synthetic results folder: loaders, the TLB figure, the report."""
import json
import math

import pytest

from analysis import gnuplot, load, markdown, report, tlb
from experiments import summary


def fake_results(tmp_path, tlb_points):
    """results/tlb with one run per (native, icount); tlb_points: (native, icount) -> cycles(N)."""
    rows = []
    for (native, icount), cycles in tlb_points.items():
        key = f"native-{native}_icount-{icount}_r0"
        run_dir = tmp_path / "tlb" / key / "1"
        run_dir.mkdir(parents=True)
        params = {"rep": 0, "params": {"native": native}, "qemu": {"icount": icount},
                  "system": {"native": native}}
        (run_dir / "params.json").write_text(json.dumps(params))
        recs = [{"ev": "tlb", "virtualized": not native, "order": order, "pages": n,
                 "accesses": 1000, "cycles": cycles(n) * 1000}
                for n in (1, 2, 4) for order in ("sequential", "random")]
        (run_dir / "records.jsonl").write_text("".join(json.dumps(r) + "\n" for r in recs))
        rows.append({"experiment": "tlb", "run": key, "ok": True, "git_revision": "abc",
                     "git_dirty": False, "run_dir": str(run_dir)})
    rows.append({"experiment": "tlb", "run": "broken_r0", "ok": False, "git_revision": "abc",
                 "git_dirty": False, "run_dir": str(tmp_path / "nowhere")})
    summary.write(rows, tmp_path / "tlb" / "runs.csv")
    return tmp_path


def test_records_carry_their_run_parameters_and_skip_failed_runs(tmp_path):
    res = fake_results(tmp_path, {(True, True): lambda n: 3})
    df = load.records("tlb", "tlb", res)
    assert len(df) == 6
    assert set(df["native"]) == {True} and set(df["icount"]) == {True}
    assert set(df["run"]) == {"native-True_icount-True_r0"}


def test_missing_experiment_is_a_clear_error(tmp_path):
    with pytest.raises(load.NoResults, match="make exp E=boot"):
        load.runs("boot", tmp_path)


def test_tlb_points_are_cycles_per_access_by_mode(tmp_path):
    res = fake_results(tmp_path, {(True, False): lambda n: 10 * n, (False, False): lambda n: 20 * n})
    p = tlb.points(res)
    nested = p[(p["paging"] == "nested") & (p["order"] == "random")].sort_values("pages")
    assert list(nested["per_access"]) == [20, 40, 80]
    text = tlb.section(res, {"tlb_overheads": {"claim": "c", "source": "s"}})
    assert "| 4 | 40.00 | 80.00 | 2.00 |" in text          # N, native, nested, ratio
    assert "**1 run(s) failed**" in text
    assert (res / "tlb" / "tlb-tsc.png").stat().st_size > 0
    assert (res / "tlb" / "tlb-tsc.svg").read_text().lstrip().startswith("<?xml")


def test_report_includes_what_ran_and_lists_what_did_not(tmp_path):
    res = fake_results(tmp_path, {(True, True): lambda n: 3, (False, True): lambda n: 3})
    path, done, missing = report.write(res)
    text = path.read_text()
    assert done == ["tlb"]
    assert missing == [exp for exp, _ in report.SECTIONS if exp != "tlb"]
    assert "`make exp E=boot`" in text and "icount" in text
    assert "](tlb/tlb-icount.png)" in text


def test_markdown_table_formats_numbers_and_missing_values():
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame([{"N": 1024, "x": 2.5, "y": math.nan, "s": "a|b"}])
    assert markdown.table(df, digits=2).splitlines() == [
        "| N | x | y | s |", "|---|---|---|---|", "| 1,024 | 2.50 | n/a | a\\|b |"]


def test_plot_keeps_data_and_script_and_refuses_no_data(tmp_path):
    png, svg = gnuplot.plot(tmp_path / "p", [("a", [(1, 2), (2, 3)]), ("b", [(1, 1)])],
                            'say "hi"\nthere', "x", "y", logx=True)
    assert png.exists() and svg.exists()
    assert (tmp_path / "p.dat").read_text() == "# a\n1 2\n2 3\n\n\n# b\n1 1\n"
    assert "set title \"say 'hi' there\"" in (tmp_path / "p.gp").read_text()
    with pytest.raises(gnuplot.PlotError, match="no data"):
        gnuplot.plot(tmp_path / "q", [("a", [])], "t", "x", "y")
