"""Loading experiment files: the shipped ones, and errors that name key and problem."""
import subprocess
import textwrap

import pytest

from conftest import ROOT
from experiments import spec
from experiments.errors import SpecError

POLICIES = ["edf", "rm"]
GOOD = {"description": "d", "system": {"sandboxes": 2}}


def parse(raw):
    return spec.parse(raw, "t", POLICIES)


def error(raw):
    with pytest.raises(SpecError) as e:
        parse(raw)
    return e.value


@pytest.mark.parametrize("name", spec.names())
def test_shipped_experiments_load(name):
    s = spec.load(name)
    assert s.runs and s.description
    assert len({r.key for r in s.runs}) == len(s.runs)


def test_defaults_and_smp_from_the_cores_used():
    (run,) = parse(GOOD).runs
    assert (run.sched, run.pmc, run.emulator, run.timeout) == ("rm", "none", "qemu", 300)
    assert run.qemu == {"icount": True, "smp": 2}
    assert run.key == "default_r0" and not run.native
    assert "[sandbox 1]" in run.config_text()


def test_sweep_repetitions_and_resolved_values():
    raw = {**GOOD, "repetitions": "{reps}", "qemu": {"icount": "{ic}"},
           "cases": [{"clock": "icount", "ic": True, "reps": 1},
                     {"clock": "tsc", "ic": False, "reps": 2}],
           "sweep": {"n": [1, 2]}, "system": {"sandboxes": "{n}"}}
    runs = parse(raw).runs
    assert [r.key for r in runs] == ["clock-icount_n-1_r0", "clock-icount_n-2_r0",
                                     "clock-tsc_n-1_r0", "clock-tsc_n-1_r1",
                                     "clock-tsc_n-2_r0", "clock-tsc_n-2_r1"]
    assert runs[-1].qemu == {"icount": False, "smp": 2}
    assert runs[-1].system["sandboxes"] == 2


@pytest.mark.parametrize("raw, key, words", [
    ({**GOOD, "colour": 1}, "colour", "unknown key"),
    ({"system": {"sandboxes": 1}}, "description", "missing"),
    ({**GOOD, "sched": "fifo"}, "sched", "have: edf, rm"),
    ({**GOOD, "pmc": "papi"}, "pmc", "expected one of"),
    ({**GOOD, "emulator": "kvm"}, "emulator", "qemu, bochs"),
    ({**GOOD, "timeout": 0}, "timeout", "> 0"),
    ({**GOOD, "repetitions": 0}, "repetitions", ">= 1"),
    ({**GOOD, "qemu": {"icount": "yes"}}, "qemu.icount", "true or false"),
    ({**GOOD, "qemu": {"smp": 1}}, "qemu.smp", "uses 2 cores"),
    ({**GOOD, "qemu": {"kvm": True}}, "qemu.kvm", "unknown key"),
    ({**GOOD, "sweep": {"n": 3}}, "sweep.n", "non-empty list"),
    ({**GOOD, "sweep": {"n": [[1]]}}, "sweep.n[0]", "number, string or boolean"),
    ({**GOOD, "sweep": {"n": [1]}, "cases": [{"n": 2}]}, "cases[0].n", "also a sweep"),
    ({**GOOD, "cases": [{"a": 1, "b": 1}, {"a": 1, "b": 2}]}, "cases", "same run name"),
    ({**GOOD, "expect": "tlb"}, "expect", "list of event names"),
    ({**GOOD, "timeout": "{t}"}, "timeout", "{t} is not a sweep or case parameter"),
    ({"description": "d"}, "system", "missing"),
    ({"description": "d", "system": {"sandboxes": 5}}, "system.sandboxes", "one UART each"),
    ({"description": "d", "system": {"memory": "32X"}}, "system.memory", "size like 32M"),
    ({"description": "d", "system": {"args": 'a"b'}}, "system.args", "only letters"),
    ({"description": "d", "system": {"args": "x" * 128}}, "system.args", "longer than 127"),
    ({"description": "d", "system": {"native": True, "sandboxes": 1}}, "system.sandboxes",
     "not allowed with native"),
    ({"description": "d", "system": {"sandboxes": [{"memory": "32M"}]}},
     "system.sandboxes[0].core", "missing"),
    ({"description": "d", "system": {"sandboxes": [{"core": "0"}]}},
     "system.sandboxes[0].core", "an integer"),
    ({"description": "d", "system": {"sandboxes": [{"core": 0, "vcpus": 2}]}},
     "system.sandboxes[0].vcpus", "unknown key"),
])
def test_invalid_files_name_the_key_and_the_problem(raw, key, words):
    e = error(raw)
    assert e.key == key
    assert words in e.problem


def test_load_names_the_file(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(textwrap.dedent("""\
        description: x
        system: {sandboxes: 1}
        qemu: {icount: maybe}
        """))
    with pytest.raises(SpecError) as e:
        spec.load(str(bad))
    assert str(e.value).startswith(f"{bad}: qemu.icount: expected true or false")


def test_yaml_syntax_errors_are_spec_errors(tmp_path):
    bad = tmp_path / "broken.yaml"
    bad.write_text("description: [unclosed\n")
    with pytest.raises(SpecError) as e:
        spec.load(str(bad))
    assert e.value.key == "yaml" and e.value.file == str(bad)


def test_unknown_experiment_lists_the_known_ones():
    with pytest.raises(SpecError) as e:
        spec.load("no-such-experiment")
    assert "boot" in e.value.problem and "tlb" in e.value.problem


def test_policies_are_the_policy_files_only():
    # sched/params.c is no policy; policy_cache_aware.c is "cache-aware".
    names = spec.policies(ROOT)
    assert names == sorted(names) and "params" not in names and "cache-aware" in names
    out = subprocess.run(["make", "-s", "SCHED=bogus", "build/kernel.elf"], cwd=ROOT,
                         capture_output=True, text=True)
    assert out.returncode != 0
    assert f"available: {' '.join(names)}" in out.stderr
