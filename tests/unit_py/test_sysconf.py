"""The system section becomes the monitor's config text."""
from experiments import sysconf


def sections(text):
    """{section header: {key: value}} of a config text, as the monitor reads it."""
    out, cur = {}, None
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("["):
            cur = out.setdefault(line, {})
        elif line:
            k, v = (x.strip() for x in line.split("=", 1))
            cur[k] = v
    return out


def test_count_form_puts_sandbox_i_on_core_i_with_its_own_uart():
    s = sections(sysconf.render({"sandboxes": 3, "memory": "64M", "args": "exp=hcall calls=10"}))
    assert list(s) == ["[sandbox 0]", "[sandbox 1]", "[sandbox 2]"]
    assert s["[sandbox 2]"] == {"core": "2", "memory": "64M", "console": "com3",
                                "args": '"exp=hcall calls=10"'}


def test_list_form_and_shared_regions():
    system = {"sandboxes": [{"core": 1, "memory": "32M", "console": "com2", "ports": "0x60"},
                            {"core": 0, "memory": "16M"}],
              "shared": [{"name": "chan0", "size": "64K", "sandboxes": [0, 1]}]}
    s = sections(sysconf.render(system))
    assert s["[sandbox 0]"] == {"core": "1", "memory": "32M", "console": "com2", "ports": "0x60"}
    assert s["[sandbox 1]"] == {"core": "0", "memory": "16M"}
    assert s["[shared chan0]"] == {"size": "64K", "sandboxes": "0 1"}
    assert sysconf.cores(system) == 2


def test_native_system_has_no_sandboxes_and_one_core():
    assert sysconf.sandboxes({"native": True, "args": "exp=tlb"}) == []
    assert sysconf.cores({"native": True}) == 1


def test_tasks_become_task_set_lines_of_the_section():
    system = {"sandboxes": [{"core": 0, "memory": "32M", "console": "com1",
                             "tasks": "vcpu rt main 9000 10000; thread rtj rt periodic 9000 10000; "
                                      "policy rm slice_us=200"}]}
    lines = sysconf.render(system).splitlines()
    at = lines.index("[sandbox 0]")
    assert lines[at + 4:at + 7] == ["vcpu = rt main 9000 10000", "thread = rtj rt periodic 9000 10000",
                                    "policy = rm slice_us=200"]


def test_tasks_other_than_task_set_lines_are_refused():
    import pytest
    from experiments.errors import SpecError
    for bad in ("vcpu rt main 1 2; args x=1", "thread", "vcpu a \"b\""):
        with pytest.raises(SpecError, match=r"system\.sandboxes\[0\]\.tasks\["):
            sysconf.sandboxes({"sandboxes": [{"core": 0, "tasks": bad}]})
