"""Record schema: what fails a run, what is only reported."""
import pytest

from experiments import schema

SCHEMA = {"tlb": {"pages": "int", "order": "str", "virtualized": "bool"},
          "plan": {"base": "hex", "by": "object", "x": "number"}}


def test_good_records_pass_and_extra_fields_are_allowed():
    recs = [{"ev": "tlb", "pages": 4, "order": "random", "virtualized": True, "more": 1},
            {"ev": "plan", "base": "0x2000000", "by": {}, "x": 1.5}]
    assert schema.check(recs, SCHEMA) == ([], {})


@pytest.mark.parametrize("rec, words", [
    ({"ev": "tlb", "order": "random", "virtualized": True}, "missing pages"),
    ({"ev": "tlb", "pages": "4", "order": "random", "virtualized": True}, "pages='4' is not int"),
    ({"ev": "tlb", "pages": True, "order": "random", "virtualized": True}, "pages=True is not int"),
    ({"ev": "tlb", "pages": 4, "order": "random", "virtualized": 1}, "virtualized=1 is not bool"),
    ({"ev": "plan", "base": "2000000", "by": {}, "x": 1}, "is not hex"),
    ({"ev": "plan", "base": "0x1", "by": [], "x": 1}, "is not object"),
    ({"ev": "tlb", "pages": 4, "order": "r", "virtualized": True, "truncated": True},
     "truncated by its writer"),
])
def test_bad_records_give_one_message_each(rec, words):
    errors, _ = schema.check([{**rec, "src": "com1"}], SCHEMA)
    assert len(errors) == 1 and words in errors[0] and "com1" in errors[0]


def test_unknown_events_are_counted_not_errors():
    errors, unknown = schema.check([{"ev": "new"}, {"ev": "new"}, {"ev": "other"}], SCHEMA)
    assert errors == [] and unknown == {"new": 2, "other": 1}


def test_shipped_schema_loads_and_a_bad_type_is_refused(tmp_path):
    assert "vm_exits" in schema.load()
    bad = tmp_path / "s.yaml"
    bad.write_text("tlb: {pages: integer}\n")
    with pytest.raises(ValueError, match="tlb.pages: unknown type 'integer'"):
        schema.load(bad)
