"""Checking records against experiments/record_schema.yaml.

Analysis reads fields by name; a record that lost one (a truncated line, a
renamed field) should fail the run that printed it, with the reason, not
crash a plot script later.
"""
import re
from pathlib import Path

from .deps import need

SCHEMA_FILE = Path(__file__).resolve().parent / "record_schema.yaml"
HEX = re.compile(r"^0x[0-9a-fA-F]+$")
CHECKS = {
    "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "str": lambda v: isinstance(v, str),
    "bool": lambda v: isinstance(v, bool),
    "hex": lambda v: isinstance(v, str) and bool(HEX.match(v)),
    "object": lambda v: isinstance(v, dict),
}


def load(path=SCHEMA_FILE):
    """{ev: {field: type}}, with every type name checked."""
    schema = need("yaml").safe_load(Path(path).read_text()) or {}
    for ev, fields in schema.items():
        for name, t in fields.items():
            if t not in CHECKS:
                raise ValueError(f"{path}: {ev}.{name}: unknown type {t!r} "
                                 f"(known: {', '.join(CHECKS)})")
    return schema


def check(records, schema):
    """(errors, unknown): one message per bad record field, and {ev: count} of unlisted events."""
    errors, unknown = [], {}
    for i, r in enumerate(records):
        ev = r.get("ev")
        fields = schema.get(ev)
        if fields is None:
            unknown[ev] = unknown.get(ev, 0) + 1
            continue
        if r.get("truncated"):
            errors.append(f"record {i} ({ev}, {r.get('src')}): truncated by its writer")
        for name, t in fields.items():
            if name not in r:
                errors.append(f"record {i} ({ev}, {r.get('src')}): missing {name}")
            elif not CHECKS[t](r[name]):
                errors.append(f"record {i} ({ev}, {r.get('src')}): {name}={r[name]!r} is not {t}")
    return errors, unknown
