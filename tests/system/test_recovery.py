"""NIC driver faults end to end: every kind once with local and once with remote
recovery in a served web system, the web server answering afterwards (receive-path kinds
in one boot, the transmit-path kinds in another); and a small campaign through
`python3 -m experiments.faults` (what `make faults` runs), interrupted and resumed."""
import json
import os
import shutil
import signal
import subprocess
import sys
import time

from conftest import ROOT, RESULTS
from experiments import campaign, faults, faultplan, faultsession, images, spec, webserver
from experiments.boot import boot

KINDS = ["wild-write", "descriptor-corruption", "hang", "bad-dma"]
TX_KINDS = ["tx-wild-write", "tx-hang"]
# How each transmit-path kind is found: the reflected #GP, the watchdog's confirming NMI.
TX_DETECTED_BY = {"tx-wild-write": "exception", "tx-hang": "nmi"}


class CheckAfterFaults(faultsession.FaultSession):
    """A FaultSession that asks the driver sandbox for /status once every fault was
    resolved, before the run is ended."""

    def _serve(self, alive):
        super()._serve(alive)
        driver = next(n for n in self.nets if n.role == "driver")
        self.after = self._get(driver, "/status")


def boot_with_faults(run, name, **opts):
    """Boot the networked experiment run under CheckAfterFaults; the Boot and the
    session (its .after: GET /status once every fault was resolved)."""
    iso, conf = images.iso_for(run, ROOT / "build")
    driver, rescuer = faultplan.roles(run.system)
    sessions = []

    def make(*a):
        sessions.append(CheckAfterFaults(*a, plan=run.fault, driver=driver, rescuer=rescuer))
        return sessions[-1]
    b = boot(iso, name, results=str(RESULTS), config=str(conf), timeout=run.timeout,
             smp=2, **opts, **webserver.boot_options(run.nets, session=make))
    return b, sessions[0]


def recover_each_kind_both_ways(kinds, name):
    """Boot a served two-sandbox system whose driver takes each of kinds once with local
    and once with remote recovery; check each was found and recovered, no false alarm,
    the web server answers afterwards. Returns the Boot."""
    n = 2 * len(kinds)
    plan = {"kinds": kinds, "count": n, "mode": "alternate", "gap_ms": 200, "end": False}
    run = spec.parse({"description": "d", "timeout": 150, "system": {
        "sandboxes": 2, "net": True, "rescue": True}, "fault": plan}, name, ["rm"]).runs[0]
    short = ",".join(faultplan.KINDS[k] for k in kinds)
    assert f"nicfault={short} nicfaults={n} nicfault_gap_ms=200 nicfault_mode=alternate" \
        in run.config_text()
    b, session = boot_with_faults(run, name)
    where = f"see {b.run_dir}"
    assert not b.timed_out and b.status == 0, where

    after = session.after
    assert after["ok"], f"GET /status after the faults: {after}; {where}"
    assert after["json"]["loop"]["faults_recovered"] == n, after["json"]
    faults_seen = [(f["kind"], f["mode"]) for f in b.ev("fault")]
    assert sorted(faults_seen) == sorted((k, m) for k in kinds for m in ("local", "remote")), where
    assert campaign.phase_problems(b.ev("fault"), b.ev("recovery")) == [], where
    assert all(r["ok"] for r in b.ev("recovered")) and len(b.ev("recovered")) == n, where
    assert [r["unchanged"] for r in b.ev("integrity")] == [True, True], where
    last = b.records[-1]
    assert last["ev"] == "campaign" and last["recovered"] == n and last["checks_failed"] == 0, last
    assert last["false_alarms"] == 0, last
    return b


def test_every_kind_recovers_locally_and_remotely_and_the_server_answers():
    recover_each_kind_both_ways(KINDS, "test-recovery")


def test_transmit_path_faults_are_contained_and_lwip_stays_whole():
    """A wild write and a hang inside the driver's send (on the frame lwIP just sent) are
    unwound - the sandbox runs on, both recoveries serve again - and lwIP, whose output
    only queued the frame, still serves the web page and counts every frame after."""
    b = recover_each_kind_both_ways(TX_KINDS, "test-recovery-tx")
    for f in b.ev("fault"):
        assert f["detected_by"] == TX_DETECTED_BY[f["kind"]], f
    stats = next(r for r in b.ev("net_stats") if r["role"] == "driver")
    assert stats["faults_recovered"] == 4 and stats["faults_not_recovered"] == 0, stats
    assert stats["tx_frames"] > 0, stats
    assert b.ev("exception") == [], f"a fault escaped the containment: see {b.run_dir}"


def fresh_results(name):
    """results/<name>/, emptied: a campaign kept there from an earlier run would resume."""
    folder = RESULTS / name
    shutil.rmtree(folder, ignore_errors=True)
    return folder


def test_small_campaign_exits_zero(capsys):
    assert faults.main(["-n", "50", "--seed", "3", "--results", str(fresh_results("test-faults"))]) == 0
    out = capsys.readouterr().out
    assert '"injected": 50' in out and '"recovered": 50' in out and '"not_recovered": 0' in out


def test_make_faults_icount_recovers_every_kind_within_10_ms(tmp_path):
    """make faults ICOUNT=1 N=40: the campaign in virtual time, where the host's load does
    not count: every fault recovered within the 10 ms bound (hangs: found after 2 ms of
    stalled heartbeat and three probes), no false alarm."""
    r = subprocess.run(["make", "-s", "faults", "N=40", "SEED=1", "ICOUNT=1", f"RESULTS={tmp_path}"],
                       cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    rec = json.loads(r.stdout.strip().splitlines()[-1])
    assert (rec["injected"], rec["recovered"], rec["false_alarms"]) == (40, 40, 0), rec
    assert {"hang", "tx-hang"} <= set(rec["kinds"]), rec["kinds"]
    assert rec["recovery_ms_max"] <= 10, rec
    (run_json,) = (tmp_path / "faults").glob("campaign-n40-s1-icount/**/run.json")
    assert "-icount" in json.loads(run_json.read_text())["command"]


def test_an_interrupted_campaign_resumes_and_counts_each_fault_once():
    """Three boots of 40 faults, Ctrl-C (to the whole process group, as a terminal sends
    it) during the second; the same command then boots only the second and third."""
    results = fresh_results("test-faults-resume")
    argv = [sys.executable, "-m", "experiments.faults", "-n", "120", "--per-boot", "40",
            "--seed", "5", "--results", str(results)]
    state = faults.campaign_dir(results, 120, 5, "none") / "state.jsonl"
    first = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, start_new_session=True)
    deadline = time.monotonic() + 240
    while not (state.exists() and '"boot": 0' in state.read_text()):
        assert first.poll() is None and time.monotonic() < deadline, first.communicate()
        time.sleep(0.5)
    boot1 = results / "faults" / state.parent.name / "boot0001"
    while not list(boot1.glob("*/com1.log")):   # the second boot is under way
        assert first.poll() is None and time.monotonic() < deadline, first.communicate()
        time.sleep(0.5)
    time.sleep(3)
    os.killpg(first.pid, signal.SIGINT)
    out, err = first.communicate(timeout=60)
    assert first.returncode == 130, (out, err)
    assert "ETA" in err and "interrupted: 1 of 3 boots kept" in err, err
    kept = [json.loads(line) for line in state.read_text().splitlines()]
    assert [k.get("boot") for k in kept] == [None, 0]

    again = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=400)
    assert again.returncode == 0, again.stderr
    assert "1 kept in" in again.stderr and "2 to run" in again.stderr, again.stderr
    rec = json.loads(again.stdout.strip().splitlines()[-1])
    assert (rec["ev"], rec["injected"], rec["recovered"], rec["boots"]) == ("campaign", 120, 120, 3)
    assert rec["checks_failed"] == 0
    kept = [json.loads(line) for line in state.read_text().splitlines()]
    assert sorted(k["boot"] for k in kept if "boot" in k) == [0, 1, 2]   # each boot once
    assert len(list(boot1.iterdir())) >= 2   # the interrupted attempt is kept apart, not counted

