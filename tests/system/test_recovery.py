"""NIC driver faults end to end: every kind once with local and once with remote
recovery in a served web system, the web server answering afterwards; and a small campaign
through `python3 -m experiments.faults` (what `make faults` runs)."""
from conftest import ROOT, RESULTS
from experiments import campaign, faults, faultplan, faultsession, images, spec, webserver
from experiments.boot import boot

KINDS = ["wild-write", "descriptor-corruption", "hang", "bad-dma"]
PLAN = {"kinds": KINDS, "count": 8, "mode": "alternate", "gap_ms": 200, "end": False}


class CheckAfterFaults(faultsession.FaultSession):
    """A FaultSession that asks the driver sandbox for /status once every fault was
    resolved, before the run is ended."""

    def _serve(self, alive):
        super()._serve(alive)
        driver = next(n for n in self.nets if n.role == "driver")
        self.after = self._get(driver, "/status")


def test_every_kind_recovers_locally_and_remotely_and_the_server_answers():
    run = spec.parse({"description": "d", "timeout": 150, "system": {
        "sandboxes": 2, "net": True, "rescue": True}, "fault": PLAN}, "test-recovery", ["rm"]).runs[0]
    assert "nicfault=wild,desc,hang,dma nicfaults=8 nicfault_gap_ms=200 nicfault_mode=alternate" \
        in run.config_text()
    iso, conf = images.iso_for(run, ROOT / "build")
    driver, rescuer = faultplan.roles(run.system)
    sessions = []

    def make(*a):
        sessions.append(CheckAfterFaults(*a, plan=run.fault, driver=driver, rescuer=rescuer))
        return sessions[-1]
    b = boot(iso, "test-recovery", results=str(RESULTS), config=str(conf), timeout=run.timeout,
             smp=2, **webserver.boot_options(run.nets, session=make))
    where = f"see {b.run_dir}"
    assert not b.timed_out and b.status == 0, where

    after = sessions[0].after
    assert after["ok"], f"GET /status after the faults: {after}; {where}"
    assert after["json"]["loop"]["faults_recovered"] == 8, after["json"]
    faults_seen = [(f["kind"], f["mode"]) for f in b.ev("fault")]
    assert sorted(faults_seen) == sorted((k, m) for k in KINDS for m in ("local", "remote")), where
    assert campaign.phase_problems(b.ev("fault"), b.ev("recovery")) == [], where
    assert all(r["ok"] for r in b.ev("recovered")) and len(b.ev("recovered")) == 8
    assert [r["unchanged"] for r in b.ev("integrity")] == [True, True], where
    last = b.records[-1]
    assert last["ev"] == "campaign" and last["recovered"] == 8 and last["checks_failed"] == 0, last


def test_small_campaign_exits_zero(capsys):
    assert faults.main(["-n", "50", "--seed", "3", "--results", str(RESULTS / "test-faults")]) == 0
    out = capsys.readouterr().out
    assert '"injected": 50' in out and '"recovered": 50' in out and '"not_recovered": 0' in out

