"""The webserver figure and the Shared Driver Costs table on synthetic results."""
import json

import pytest

from analysis import shared_driver, webserver
from experiments import summary

pytest.importorskip("pandas")


def write_runs(tmp_path, exp, runs):
    """results/<exp> with one ok run per (key, params, records)."""
    rows = []
    for key, params, recs in runs:
        run_dir = tmp_path / exp / key / "1"
        run_dir.mkdir(parents=True)
        (run_dir / "params.json").write_text(json.dumps(
            {"rep": 0, "params": params, "qemu": {"icount": False}, "system": {}}))
        (run_dir / "records.jsonl").write_text("".join(json.dumps(r) + "\n" for r in recs))
        rows.append({"experiment": exp, "run": key, "ok": True, "git_revision": "abc",
                     "git_dirty": False, "run_dir": str(run_dir)})
    summary.write(rows, tmp_path / exp / "runs.csv")
    return tmp_path


def perf(phase, step, sandbox, role, rate, sustained, replies, errors=0):
    return {"ev": "httperf", "phase": phase, "step": step, "sandbox": sandbox, "role": role,
            "rate": rate, "seconds": 3, "sustained": sustained, "connections": rate * 3,
            "replies": replies, "errors_total": errors, "reply_ms_response": 1.5, "cpu_pct": 99.0,
            "host_listen_overflows": 0}


def second(phase, sandbox, role, t, replies, sent=120, full=True):
    return {"ev": "load_second", "phase": phase, "step": 0, "sandbox": sandbox, "role": role,
            "rate": 120, "t": t, "full": full, "sent": sent, "replies": replies, "errors": 0,
            "reply_ms_mean": 1.0, "reply_ms_max": 4.0}


def test_webserver_table_and_figure(tmp_path):
    recs = [perf(0, 0, 0, "driver", 120, True, 360), perf(1, 0, 1, "vnic", 120, False, 355, 5),
            second(0, 0, "driver", 0, 120), second(0, 0, "driver", 1, 119),
            second(0, 0, "driver", 2, 121), second(0, 0, "driver", 3, 0, sent=0, full=False),
            second(1, 1, "vnic", 0, 120), second(1, 1, "vnic", 1, 100, sent=101),
            second(1, 1, "vnic", 2, 120)]
    res = write_runs(tmp_path, "webserver", [("default_r0", {}, recs)])
    p = webserver.placements(res).set_index("sandbox")
    assert (p.loc[0, "seconds"], p.loc[0, "replies_min"], p.loc[0, "replies_mean"]) == (3, 119, 120)
    assert p.loc[0, "low"] == 0 and p.loc[1, "low"] == 1 and p.loc[1, "sent_min"] == 101
    assert p.loc[1, "errors"] == 5
    text = webserver.section(res)
    assert "| driver (sandbox 0) | 120 | 3 | 119 | 120.0 | 121 | 0 | 120 | 0 |" in text
    assert (res / "webserver" / "webserver.png").stat().st_size > 0


def ab(step, sandbox, rps, complete=1000, ok=1000):
    return {"ev": "ab", "phase": 0, "step": step, "sandbox": sandbox, "role": "vnic",
            "seconds": 5, "sustained": ok == complete, "complete": complete, "ok": ok,
            "requests_per_s": rps}


def test_shared_driver_capacity_and_cycles(tmp_path):
    def stats(sandbox, role, cpf):
        return {"ev": "net_stats", "sandbox": sandbox, "role": role, "cycles_per_frame": cpf,
                "frames_handled": 1000, "rx_frames": 600, "tx_frames": 400, "http_requests": 9,
                "busy_cycles": cpf * 1000, "clock": "tsc"}
    one = [ab(0, 1, 2000), ab(1, 1, 2200), stats(0, "driver", 2000), stats(1, "vnic", 3000)]
    two = [ab(0, 1, 1000), ab(0, 2, 1100), ab(1, 1, 900, 950, 940), ab(1, 2, 1000),
           stats(0, "driver", 2500), stats(1, "vnic", 3000), stats(2, "vnic", 3200)]
    res = write_runs(tmp_path, "shared-driver", [("sharing-1_r0", {"sharing": 1}, one),
                                                 ("sharing-2_r0", {"sharing": 2}, two)])
    r = shared_driver.rates(res).set_index(["sharing", "step"])
    assert (r.loc[(2, 0), "aggregate"], r.loc[(2, 0), "per_sandbox"]) == (2100, 1050)
    assert r.loc[(2, 1), "bad"] == 10 and not r.loc[(2, 1), "sustained"]
    cap = shared_driver.capacity(r.reset_index()).set_index("sharing")
    assert (cap.loc[1, "aggregate"], cap.loc[1, "spread"]) == (2100, pytest.approx(200 / 2100))
    assert (cap.loc[2, "agg_min"], cap.loc[2, "agg_max"], cap.loc[2, "bad"]) == (1900, 2100, 10)
    c = shared_driver.cycles(res).set_index("sharing")
    assert (c.loc[2, "driver_cpf"], c.loc[2, "vnic_cpf"], c.loc[2, "vnic_frames"]) == (2500, 3100, 2000)
    text = shared_driver.section(res)
    assert "| 2 | 2 | 1,000 | 2,000 | 1,900 | 2,100 | 10 | 10 | 2,500 | 3,100 |" in text
    assert "2 sharing: 2100, 1900" in text
    assert (res / "shared-driver" / "shared-driver-rate.png").stat().st_size > 0
