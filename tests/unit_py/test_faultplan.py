"""The `fault` key of an experiment: checked, and written as the driver sandbox's args."""
import pytest

from experiments import faultplan, spec, sysconf
from experiments.errors import SpecError

WEB = {"sandboxes": 2, "net": True, "rescue": True}


def parse(raw):
    return spec.parse({"description": "d", **raw}, "demo", ["rm"])


def args_of(run):
    return [s.get("args", "") for s in sysconf.sandboxes(run.system)]


def test_plan_becomes_the_driver_args_with_only_non_default_values_and_the_clock():
    run = parse({"system": WEB, "qemu": {"icount": True},
                 "fault": {"kinds": ["wild-write", "hang", "dma"], "count": 8, "mode": "alternate",
                           "at_ms": 1000, "hang_ms": 80, "end": True}}).runs[0]
    driver, rescuer = args_of(run)
    assert driver == ("net=driver ip=10.0.2.15 nicfault=wild,hang,dma nicfaults=8 "
                      "nicfault_mode=alternate end_after_faults clock=icount")
    assert rescuer == "net=vnic ip=10.0.2.16 hang_ms=80"
    assert run.fault.kinds == ("wild-write", "hang", "bad-dma") and run.fault.end
    assert "[shared rescue]" in run.config_text()


def test_free_tsc_keeps_the_default_clock_and_the_driver_serves_until_ended():
    run = parse({"timeout": 400, "system": WEB, "load": {"rate": 1, "seconds": 1, "phases": [0]},
                 "fault": {"kinds": "wild", "at_ms": 20000}}).runs[0]
    assert args_of(run)[0] == "net=driver ip=10.0.2.15 nicfault=wild nicfaults=1 nicfault_at_ms=20000"
    assert not run.fault.end and not run.qemu["icount"]


def test_count_form_args_may_differ_per_sandbox_and_net_may_stop_short():
    s = {"sandboxes": 3, "net": 2, "rescue": True, "args": ["", "", "steady_ms=9 progress_ms=1"]}
    run = parse({"system": s, "fault": {"kinds": "all", "mode": "remote"}}).runs[0]
    assert args_of(run)[2] == "steady_ms=9 progress_ms=1"
    assert [n.sandbox for n in run.nets] == [0, 1]
    assert faultplan.roles(run.system) == (0, 1)


@pytest.mark.parametrize("fault,key,words", [
    ({"kinds": ["wild", "meltdown"]}, "fault.kinds[1]", "unknown kind"),
    ({"kinds": []}, "fault.kinds", "non-empty"),
    ({"kinds": ["hang"] * 9}, "fault.kinds", "at most 8"),
    ({"mode": "sideways"}, "fault.mode", "local, remote, alternate"),
    ({"count": 0}, "fault.count", "whole number"),
    ({"count": True}, "fault.count", "whole number"),
    ({"at_ms": -1}, "fault.at_ms", "whole number"),
    ({"end": "yes"}, "fault.end", "true or false"),
    ({"sandbox": 1}, "fault.sandbox", "unknown key"),
    ([1], "fault", "mapping"),
])
def test_bad_fault_settings_name_the_key(fault, key, words):
    with pytest.raises(SpecError) as e:
        parse({"system": WEB, "fault": fault})
    assert e.value.key == key and words in e.value.problem


@pytest.mark.parametrize("system,fault,words", [
    ({"sandboxes": 2, "net": True}, {"kinds": ["hang"]}, "need a rescuer"),
    ({"sandboxes": 2, "net": True}, {"kinds": ["wild"], "mode": "remote"}, "need a rescuer"),
    ({"sandboxes": 2}, {"kinds": ["wild"]}, "no NIC driver"),
    ({**WEB, "args": "x" * 60}, {"kinds": "all", "count": 10000, "mode": "alternate"}, "do not fit"),
])
def test_plans_the_system_cannot_carry_are_refused(system, fault, words):
    with pytest.raises(SpecError) as e:
        parse({"system": system, "fault": fault})
    assert e.value.key == "fault" and words in e.value.problem


def test_a_local_wild_write_needs_no_rescuer():
    run = parse({"system": {"sandboxes": 1, "net": True}, "fault": {"kinds": "wild"}}).runs[0]
    assert "nicfault=wild" in args_of(run)[0]


@pytest.mark.parametrize("system,key", [
    ({"sandboxes": 2, "net": True, "rescue": "yes"}, "system.rescue"),
    ({"sandboxes": 1, "net": True, "rescue": True}, "system.rescue"),
    ({"sandboxes": 2, "net": 3}, "system.net"),
    ({"sandboxes": 2, "args": ["a"]}, "system.args"),
])
def test_bad_system_net_and_rescue_keys(system, key):
    with pytest.raises(SpecError) as e:
        sysconf.sandboxes(system)
    assert e.value.key == key
