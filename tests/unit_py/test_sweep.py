"""Sweep expansion, placeholder substitution and run names."""
import pytest

from experiments.errors import SpecError
from experiments.sweep import expand, slug, substitute


def test_sweep_is_the_cartesian_product_in_key_order():
    points = expand({"a": [1, 2], "b": ["x", "y", "z"]})
    assert [p for _, p in points] == [
        {"a": 1, "b": "x"}, {"a": 1, "b": "y"}, {"a": 1, "b": "z"},
        {"a": 2, "b": "x"}, {"a": 2, "b": "y"}, {"a": 2, "b": "z"}]


def test_cases_combine_with_every_sweep_point_and_the_first_key_names_them():
    points = expand({"icount": [True, False]},
                    [{"workload": "steady", "n": 4}, {"workload": "hcall", "n": 1}])
    assert [label for label, _ in points] == [
        "workload-steady_icount-true", "workload-steady_icount-false",
        "workload-hcall_icount-true", "workload-hcall_icount-false"]
    assert points[2][1] == {"workload": "hcall", "n": 1, "icount": True}


def test_no_sweep_gives_one_point():
    assert expand() == [("default", {})]


def test_whole_placeholder_keeps_the_type_and_partial_ones_format():
    got = substitute({"smp": "{n}", "args": "exp=tlb pages={n}", "flag": "{on}", "keep": 3},
                     {"n": 4, "on": False})
    assert got == {"smp": 4, "args": "exp=tlb pages=4", "flag": False, "keep": 3}


def test_unknown_placeholder_names_the_key():
    with pytest.raises(SpecError) as e:
        substitute({"system": {"sandboxes": [{"args": "x={nope}"}]}}, {"n": 1})
    assert e.value.key == "system.sandboxes[0].args"
    assert "{nope}" in e.value.problem


def test_slug_is_file_system_safe():
    assert slug({"args": "exp=tlb steady_ms=0", "on": True}) == "args-exp-tlb-steady-ms-0_on-true"
