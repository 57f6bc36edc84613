"""Networked runs, host side: which sandboxes serve, QEMU's NIC and forwards, the
experiment keys (system net, load), the loopback guard, and the session thread."""
import signal
import time

import pytest

from experiments import loadplan, netsys, qemu, session, spec, sysconf, webclient
from experiments.errors import SpecError
from experiments.netsys import NetSandbox

WEB_CONF = """\
# two networked sandboxes and one that is not
[sandbox 0]
core = 0
pci = 00:03.0
args = "net=driver ip=10.0.2.15"   # owns the NIC
[sandbox 1]
core = 1
args = "steady_ms=100"
[sandbox 2]
core = 2
args = "net=vnic"
[shared vnic2]
size = 64K
sandboxes = 0 2
"""


def test_networked_sandboxes_of_a_config_text():
    assert netsys.from_config(WEB_CONF) == [NetSandbox(0, "driver", "10.0.2.15"),
                                            NetSandbox(2, "vnic", "10.0.2.17")]   # 15 + 2
    assert netsys.from_config("[sandbox 0]\ncore = 0\n") == []
    with pytest.raises(ValueError, match="net=bridge"):
        netsys.from_args(1, "net=bridge")


def test_forwards_get_distinct_free_ports():
    nets = netsys.from_config(WEB_CONF)
    fwd = netsys.forwards(nets)
    assert sorted(fwd) == [0, 2] and len(set(fwd.values())) == 2
    assert netsys.forwards(nets, [4000, 4001]) == {0: 4000, 2: 4001}
    with pytest.raises(ValueError):
        netsys.forwards(nets, [4000])


def test_qemu_gets_an_e1000_at_00_03_0_forwarded_from_loopback(tmp_path):
    cmd = qemu.qemu_command("x.iso", tmp_path, vpmu=False, icount=False,
                            net=[(4000, "10.0.2.15"), (4001, "10.0.2.16")])
    assert "-net" not in cmd and "-icount" not in cmd
    netdev = cmd[cmd.index("-netdev") + 1]
    assert netdev == ("user,id=net0,hostfwd=tcp:127.0.0.1:4000-10.0.2.15:80,"
                      "hostfwd=tcp:127.0.0.1:4001-10.0.2.16:80")
    assert cmd[cmd.index("-device", cmd.index("-netdev")) + 1] == "e1000,netdev=net0,addr=0x3"
    plain = qemu.qemu_command("x.iso", tmp_path, vpmu=False)
    assert plain[plain.index("-net") + 1] == "none" and "-netdev" not in plain


@pytest.mark.parametrize("iommu, device", [("vtd", "intel-iommu,intremap=on"),
                                           ("amdvi", "amd-iommu")])
def test_qemu_iommu_boots_q35_with_its_iommu_before_the_nic(tmp_path, iommu, device):
    cmd = qemu.qemu_command("x.iso", tmp_path, vpmu=False, net=[(4000, "10.0.2.15")],
                            iommu=iommu)
    assert cmd[cmd.index("-machine") + 1] == "q35"
    at = cmd.index(device)
    assert cmd[at - 1] == "-device" and at < cmd.index("e1000,netdev=net0,addr=0x3")
    assert not ({"intel-iommu,intremap=on", "amd-iommu"} - {device}) & set(cmd)
    plain = qemu.qemu_command("x.iso", tmp_path, vpmu=False)
    assert plain[plain.index("-machine") + 1] == "pc" and "intel-iommu,intremap=on" not in plain
    with pytest.raises(ValueError, match="iommu 'amd'"):
        qemu.qemu_command("x.iso", tmp_path, vpmu=False, iommu="amd")


def test_system_net_true_makes_a_driver_and_vnics():
    system = {"sandboxes": 3, "net": True, "args": "serve_ms=0"}
    sbs = sysconf.sandboxes(system)
    assert [s["args"] for s in sbs] == ["net=driver ip=10.0.2.15 serve_ms=0",
                                        "net=vnic ip=10.0.2.16 serve_ms=0",
                                        "net=vnic ip=10.0.2.17 serve_ms=0"]
    assert sbs[0]["pci"] == "00:03.0" and "pci" not in sbs[1]
    text = sysconf.render(system)
    assert "pci = 00:03.0" in text
    assert "[shared vnic1]\nsize = 256K\nsandboxes = 0 1" in text
    assert "[shared vnic2]\nsize = 256K\nsandboxes = 0 2" in text
    assert netsys.from_config(text) == netsys.from_sections(sbs)


@pytest.mark.parametrize("system,key", [
    ({"sandboxes": 2, "net": "yes"}, "system.net"),
    ({"sandboxes": [{"core": 0}], "net": True}, "system.net"),
    ({"native": True, "net": True}, "system.net"),
    ({"sandboxes": [{"core": 0, "pci": 3}]}, "system.sandboxes[0].pci"),
])
def test_bad_net_systems_are_refused(system, key):
    with pytest.raises(SpecError) as e:
        sysconf.sandboxes(system)
    assert e.value.key == key


NETS = [NetSandbox(0, "driver", "10.0.2.15"), NetSandbox(1, "vnic", "10.0.2.16"),
        NetSandbox(2, "vnic", "10.0.2.17")]


def test_load_steps_resolve_phases_and_step_rates():
    steps = loadplan.steps({"rate": [50, 100], "seconds": 10, "phases": ["vnic", [0, 2], 1]}, NETS)
    assert [(s.phase, s.step, s.targets, s.rate) for s in steps] == [
        (0, 0, (1, 2), 50), (0, 1, (1, 2), 100), (1, 0, (0, 2), 50), (1, 1, (0, 2), 100),
        (2, 0, (1,), 50), (2, 1, (1,), 100)]
    assert all(s.stepping and s.uri == "/" and s.timeout == 5 for s in steps)
    one = loadplan.steps({"rate": 120, "seconds": 60, "phases": ["driver", "net"]}, NETS)
    assert [(s.targets, s.stepping) for s in one] == [((0,), False), ((0, 1, 2), False)]
    assert loadplan.duration(one) == 2 * (60 + 5 + 5)


@pytest.mark.parametrize("load,key,problem", [
    ({"rate": 120, "seconds": 60}, "load.phases", "missing"),
    ({"rate": 0, "seconds": 60, "phases": [0]}, "load.rate", "> 0"),
    ({"rate": [100, 50], "seconds": 60, "phases": [0]}, "load.rate", "rising"),
    ({"rate": 120, "seconds": 1.5, "phases": [0]}, "load.seconds", "whole number"),
    ({"rate": 120, "seconds": 60, "phases": [3]}, "load.phases[0]", "not networked"),
    ({"rate": 120, "seconds": 60, "phases": ["all"]}, "load.phases[0]", "one of driver"),
    ({"rate": 120, "seconds": 60, "phases": [[1, 1]]}, "load.phases[0]", "distinct"),
    ({"rate": 120, "seconds": 60, "phases": [0], "uri": "http://x/"}, "load.uri", "a path"),
    ({"rate": 120, "seconds": 60, "phases": [0], "host": "10.0.0.1"}, "load.host", "unknown key"),
])
def test_bad_loads_name_the_key(load, key, problem):
    with pytest.raises(SpecError) as e:
        loadplan.steps(load, NETS)
    assert e.value.key == key and problem in e.value.problem


def parse(raw):
    return spec.parse({"description": "d", **raw}, "demo", ["rm"])


def test_networked_experiments_run_without_icount_or_vpmu_and_carry_their_load():
    s = parse({"timeout": 400, "system": {"sandboxes": 2, "net": True},
               "load": {"rate": 120, "seconds": 60, "phases": ["driver", 1]}})
    (run,) = s.runs
    assert run.qemu == {"icount": False, "smp": 2, "vpmu": False}
    assert run.nets == [NetSandbox(0, "driver", "10.0.2.15"), NetSandbox(1, "vnic", "10.0.2.16")]
    assert [st.targets for st in run.load_steps] == [(0,), (1,)]
    plain = parse({"system": {"sandboxes": 1}}).runs[0]
    assert plain.qemu["icount"] is True and plain.nets == [] and plain.load_steps == []


@pytest.mark.parametrize("raw,key", [
    ({"qemu": {"icount": True}, "system": {"sandboxes": 2, "net": True},   # icount: no load
      "load": {"rate": 1, "seconds": 1, "phases": [0]}}, "qemu.icount"),
    ({"qemu": {"vpmu": True}, "system": {"sandboxes": 2, "net": True}}, "qemu.vpmu"),
    ({"emulator": "bochs", "system": {"sandboxes": 2, "net": True}}, "emulator"),
    ({"system": {"sandboxes": 1}, "load": {"rate": 1, "seconds": 1, "phases": [0]}}, "load"),
    ({"timeout": 100, "system": {"sandboxes": 2, "net": True},
      "load": {"rate": 120, "seconds": 60, "phases": [0]}}, "timeout"),
])
def test_networked_experiment_errors(raw, key):
    with pytest.raises(SpecError) as e:
        parse(raw)
    assert e.value.key == key


def test_webclient_refuses_anything_but_loopback():
    assert webclient.require_loopback("127.0.0.1") == "127.0.0.1"
    for host in ("10.0.2.15", "localhost", "::1", "8.8.8.8"):
        with pytest.raises(ValueError, match="127.0.0.1 only"):
            webclient.get(80, "/", host=host)


class FakeSession:
    def __init__(self, recs=(), fail=None):
        self.recs, self.fail, self.seen_alive = list(recs), fail, []

    def run(self, run_dir, alive):
        self.seen_alive.append(alive())
        if self.fail:
            raise self.fail
        return self.recs

    def interrupt(self):
        pass


def test_session_records_are_tagged_and_a_crash_becomes_a_harness_error(tmp_path):
    b = session.Beside(FakeSession([{"ev": "web_check", "path": "/"}]), tmp_path)
    b.start()
    b.finish()
    assert b.records() == [{"ev": "web_check", "path": "/", "src": "harness"}]
    b = session.Beside(FakeSession(fail=RuntimeError("boom")), tmp_path)
    b.start()
    b.finish()
    assert b.records() == [{"ev": "harness_error", "msg": "RuntimeError: boom", "src": "harness"}]


def test_an_emulator_outliving_its_session_is_stopped(tmp_path, monkeypatch):
    monkeypatch.setattr(session, "END_GRACE_S", 0.05)
    fake = FakeSession()
    b = session.Beside(fake, tmp_path)
    b.start()
    time.sleep(0.2)
    assert fake.seen_alive == [True] and b.should_stop()
    b.finish()
    assert b.records()[-1]["ev"] == "harness_error"


def test_first_ctrl_c_interrupts_the_session_the_second_stops_everything():
    hits = []
    fake = FakeSession()
    fake.interrupt = lambda: hits.append("interrupt")
    with session.ctrl_c_interrupts(fake) as own:
        assert own
        signal.raise_signal(signal.SIGINT)
        assert hits == ["interrupt"]
        with pytest.raises(KeyboardInterrupt):
            signal.raise_signal(signal.SIGINT)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    with session.ctrl_c_interrupts(None) as own:
        assert not own
