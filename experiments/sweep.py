"""Parameter sweeps: the points an experiment runs, and filling them in.

An experiment names its parameters in `sweep` (each a list of values: every
combination runs) and in `cases` (a list of explicit parameter sets: each
is combined with every sweep combination). Values reach the rest of the
file through "{name}" placeholders in strings; a string that is exactly one
placeholder takes the value with its type (so `smp: "{sandboxes}"` is an
integer).
"""
import itertools
import re
import string

from .errors import SpecError

PLACEHOLDER = re.compile(r"^\{([A-Za-z_][A-Za-z0-9_]*)\}$")



def expand(sweep=None, cases=None):
    """(label, params) per point, in a stable order: cases outermost, then the sweep.

    The label names the point's run folders: the first key of its case (a
    case's first key is its name, e.g. `workload: hcall`) and every sweep
    parameter.
    """
    sweep = sweep or {}
    names = list(sweep)
    combos = [dict(zip(names, values)) for values in itertools.product(*sweep.values())]
    points = []
    for case in cases or [{}]:
        head = dict(list(case.items())[:1])
        for combo in combos:
            points.append((slug({**head, **combo}), {**case, **combo}))
    return points


def substitute(value, params, key=""):
    """value with every "{name}" replaced from params; key names where we are, for errors."""
    if isinstance(value, dict):
        return {k: substitute(v, params, f"{key}.{k}" if key else str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute(v, params, f"{key}[{i}]") for i, v in enumerate(value)]
    if not isinstance(value, str):
        return value
    whole = PLACEHOLDER.match(value)
    if whole:
        name = whole.group(1)
        if name not in params:
            raise SpecError(key, f"{{{name}}} is not a sweep or case parameter")
        return params[name]
    for _text, name, _spec, _conv in string.Formatter().parse(value):
        if name is not None and name not in params:
            raise SpecError(key, f"{{{name}}} is not a sweep or case parameter")
    return value.format(**params)


def slug(params):
    """A file-system-safe name for a parameter set: key-value_key-value."""
    parts = []
    for k, v in params.items():
        text = str(v).lower() if isinstance(v, bool) else str(v)
        parts.append(f"{k}-{re.sub(r'[^A-Za-z0-9.]+', '-', text).strip('-')[:40]}")
    return "_".join(parts) or "default"
