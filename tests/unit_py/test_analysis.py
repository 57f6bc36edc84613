"""Analysis on a synthetic results folder: loaders, the TLB figure, the report."""
import json
import math

import pytest

from analysis import gnuplot, load, markdown, report, tlb
from experiments import summary


def fake_results(tmp_path, tlb_points):
    """results/tlb with one run per (native, icount[, colours]); tlb_points: that -> cycles(N)."""
    rows = []
    for point, cycles in tlb_points.items():
        native, icount, colours = (point + ("",))[:3]
        key = f"native-{native}_icount-{icount}_colours-{colours}_r0"
        run_dir = tmp_path / "tlb" / key / "1"
        run_dir.mkdir(parents=True)
        params = {"rep": 0, "params": {"native": native, "colours": colours}, "qemu": {"icount": icount},
                  "system": {"native": native}}
        (run_dir / "params.json").write_text(json.dumps(params))
        recs = [{"ev": "tlb", "virtualized": not native, "order": order, "pages": n,
                 "accesses": 1000, "cycles": cycles(n) * 1000}
                for n in (1, 2, 4) for order in ("sequential", "random")]
        (run_dir / "records.jsonl").write_text("".join(json.dumps(r) + "\n" for r in recs))
        rows.append({"experiment": "tlb", "run": key, "ok": True, "wall_s": 10.0, "cpu_s": 7.5,
                     "ended_at": 1000.0 + 10 * len(rows), "host_load_1m": 1.5,
                     "git_revision": "abc", "git_dirty": False, "run_dir": str(run_dir)})
    rows.append({"experiment": "tlb", "run": "broken_r0", "ok": False, "wall_s": 120.0, "cpu_s": 1,
                 "ended_at": 1200.0, "host_load_1m": 2.25, "git_revision": "abc",
                 "git_dirty": False, "run_dir": str(tmp_path / "nowhere")})
    summary.write(rows, tmp_path / "tlb" / "runs.csv")
    return tmp_path


def test_records_carry_their_run_parameters_and_skip_failed_runs(tmp_path):
    res = fake_results(tmp_path, {(True, True): lambda n: 3})
    df = load.records("tlb", "tlb", res)
    assert len(df) == 6
    assert set(df["native"]) == {True} and set(df["icount"]) == {True}
    assert set(df["run"]) == {"native-True_icount-True_colours-_r0"}


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


def test_coloured_runs_are_their_own_paging(tmp_path):
    res = fake_results(tmp_path, {(True, False): lambda n: 10, (False, False): lambda n: 20,
                                  (False, False, "0-63"): lambda n: 30})
    p = tlb.points(res)
    assert set(p["paging"]) == {"native", "nested", "coloured"}
    text = tlb.section(res, {})
    # N, native, nested, nested/native, coloured, coloured/nested (sequential first)
    assert "| 4 | 10.00 | 20.00 | 2.00 | 30.00 | 1.50 |" in text


def test_report_includes_what_ran_and_lists_what_did_not(tmp_path):
    res = fake_results(tmp_path, {(True, True): lambda n: 3, (False, True): lambda n: 3})
    (res / "batch.json").write_text(json.dumps({"experiments": ["tlb"], "runs": 3, "failed": 1,
                                                "jobs": 2, "profile": "quick", "started": 0,
                                                "seconds": 300.0, "host_load_1m": 1.5}))
    path, done, missing = report.write(res)
    text = path.read_text()
    assert done == ["tlb"]
    assert missing == [exp for exp, _ in report.SECTIONS if exp != "tlb"]
    assert "`make exp E=boot`" in text and "icount" in text
    assert "](tlb/tlb-icount.png)" in text
    # How long it ran, how busy the host was, how firm the figures are; the batch's span.
    assert ("*Ran*: 3 run(s), 140 s of emulator wall time (longest 120 s) and 16 s of its "
            "CPU time, host load average 1.5-2.2") in text
    assert "*Firmness*: icount: exact" in text
    assert "**Runs**: 3.5 min from the first run's start" in text    # 990 s to 1200 s
    assert ("**Last batch**: tlb (3 runs, quick version, -j 2): 5.0 min, image builds "
            "included; host load average 1.5") in text


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


def test_plot_keeps_legend_off_the_lines_and_counts_on_integer_ticks(tmp_path):
    gnuplot.plot(tmp_path / "p", [("a", [(1, 2), (2, 3), (4, 5)])], "t", "sandboxes", "y",
                 logx=True, xtics="data")
    gp = (tmp_path / "p.gp").read_text()
    assert "set key below" in gp and "set key top left" not in gp
    assert 'set xtics ("1" 1, "2" 2, "4" 4)' in gp and "unset mxtics" in gp


def test_marks_are_arrows_from_the_top_not_data_and_panels_stack(tmp_path):
    top = gnuplot.Panel([("r", [(0, 5), (1, 6)])], "s", "replies/s",
                        marks=(gnuplot.Mark(0.5, "fault"), gnuplot.Mark(0.6, "serving again")))
    zoom = gnuplot.Panel([("r", [(0, 1), (10, 0)], "histeps")], "ms", "replies/10 ms",
                         bands=(gnuplot.Band(0, 30),))
    png, _ = gnuplot.plot_panels(tmp_path / "f", [top, zoom], "both")
    gp = (tmp_path / "f.gp").read_text()
    assert png.exists() and "multiplot layout 2,1" in gp
    assert "set arrow from 0.5, graph 1 to 0.5, graph 0.93" in gp     # hangs from the top edge
    assert "set arrow from 0.6, graph 1 to 0.6, graph 0.84" in gp     # next label, next row
    assert "set object rect from 0, graph 0 to 30, graph 1" in gp
    assert "with histeps" in gp
    # Marks and bands are decorations, not series: the data holds the two series only.
    assert (tmp_path / "f.dat").read_text().count("#") == 2


def test_iommu_table_counts_faults_recoveries_dma_records_and_interrupts_per_machine():
    pd = pytest.importorskip("pandas")
    from analysis import iommu
    kinds = ("bad-dma", "dma-handover", "dma-irq")
    faults = pd.DataFrame([{"run": f"{m}-{k}", "iommu": m, "kind": k, "detected_by": "ring_check",
                            "dma_faults": int(m == "vtd" and k == "dma-handover")}
                           for m in ("vtd", "none") for k in kinds] * 2)
    recovered = faults.assign(ok=True, recovery_us=[1000, 2000, 4000, 3000, 5000, 6000] * 2)
    held = pd.DataFrame([{"run": f"{m}-{k}", "unchanged": not (m == "none" and k == "bad-dma")}
                         for m in ("vtd", "none") for k in kinds])
    # Sandbox 1 counts 5 stray interrupts and 1 NMI in every run (the isolation
    # probe's); dma-irq adds 8 per fault without an IOMMU, 4 behind VT-d. The
    # driver's own counts do not matter.
    interrupts = pd.DataFrame(
        [{"run": f"{m}-{k}", "sandbox": 1, "nmis": 1,
          "stray": 5 + (k == "dma-irq") * 2 * (8 if m == "none" else 4)}
         for m in ("vtd", "none") for k in kinds] +
        [{"run": f"{m}-{k}", "sandbox": 0, "nmis": 7, "stray": 9}
         for m in ("vtd", "none") for k in kinds])
    # The device took both dma-irq frames on pc (one after 3 attempts), one of two
    # behind VT-d.
    strikes = pd.DataFrame([{"run": "none-dma-irq", "tries": 3},
                            {"run": "none-dma-irq", "tries": 1},
                            {"run": "vtd-dma-irq", "tries": 1}])
    t = iommu.kinds_table(faults, recovered, held, interrupts, driver=0, strikes=strikes)
    vtd = t[t["machine"] == "q35 + Intel VT-d"].set_index("kind")
    pc = t[t["machine"] == "pc, no IOMMU"].set_index("kind")
    assert vtd.loc["dma-handover", "dma_fault records"] == 2
    assert vtd.loc["bad-dma", "dma_fault records"] == 0
    assert pc.loc["dma-handover", "dma_fault records"] == 0
    assert vtd.loc["dma-handover", "recovery ms median"] == 2.0
    assert pc.loc["dma-handover", "recovery ms median"] == 5.0
    assert pc.loc["bad-dma", "code checksums held"] == "0/1"
    assert vtd.loc["dma-irq", "code checksums held"] == "1/1"
    assert list(t["recovered"]) == [2] * 6 and list(t["faults"]) == [2] * 6
    assert pc.loc["dma-irq", "others' stray irqs"] == 21 and vtd.loc["dma-irq", "others' NMIs"] == 1
    assert pc.loc["dma-irq", "irqs at others per fault"] == 8
    assert vtd.loc["dma-irq", "irqs at others per fault"] == 4
    assert t[t["kind"] != "dma-irq"]["irqs at others per fault"].isna().all()
    assert pc.loc["dma-irq", "window DMAs done (most tries)"] == "2/2 (3)"
    assert vtd.loc["dma-irq", "window DMAs done (most tries)"] == "1/2 (1)"
    assert (t[t["kind"] != "dma-irq"]["window DMAs done (most tries)"] == "").all()


def test_iommu_cost_table_per_machine(tmp_path):
    """iommu-cost: httperf's reply time and the driver sandbox's cycles per frame, one row
    per machine; failed runs and the VNIC's figures left out."""
    pytest.importorskip("pandas")
    from analysis import iommu
    exp = tmp_path / iommu.COST
    rows = ["run,ok,run_dir"]
    for name, machine, ok, ms, cpf in (("iommu-none_r0", "none", True, 2.0, 1000),
                                       ("iommu-vtd_r0", "vtd", True, 3.0, 1500),
                                       ("iommu-vtd_r1", "vtd", False, 99.0, 99999)):
        d = exp / name
        d.mkdir(parents=True)
        (d / "params.json").write_text(json.dumps(
            {"rep": 0, "system": {}, "qemu": {"icount": False}, "params": {"iommu": machine}}))
        recs = [{"ev": "httperf", "replies": 1200, "errors_total": 0, "reply_ms_response": ms},
                {"ev": "net_stats", "role": "driver", "cycles_per_frame": cpf,
                 "frames_handled": 2400},
                {"ev": "net_stats", "role": "vnic", "cycles_per_frame": 7, "frames_handled": 5}]
        (d / "records.jsonl").write_text("".join(json.dumps(r) + "\n" for r in recs))
        rows.append(f"{name},{ok},{d}")
    (exp / "runs.csv").write_text("\n".join(rows) + "\n")
    t = iommu.cost_table(tmp_path).set_index("machine")
    assert t.loc["pc, no IOMMU", "reply ms median (httperf)"] == 2.0
    assert t.loc["q35 + Intel VT-d", "reply ms median (httperf)"] == 3.0
    assert t.loc["q35 + Intel VT-d", "reply ms min-max"] == "3.0-3.0"
    assert t.loc["q35 + Intel VT-d", "driver cycles/frame median"] == 1500
    assert t.loc["q35 + Intel VT-d", "runs"] == 1 and t.loc["pc, no IOMMU", "driver frames"] == 2400
