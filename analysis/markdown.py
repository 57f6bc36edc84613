"""Markdown tables from DataFrames (pandas' to_markdown needs tabulate, not in Debian's pandas)."""


def cell(v, digits):
    if isinstance(v, float):
        if v != v:          # NaN
            return "n/a"
        return f"{v:,.{digits}f}" if abs(v) < 1e6 else f"{v:.3g}"
    if isinstance(v, int) and not isinstance(v, bool):
        return f"{v:,}"
    return str(v).replace("|", "\\|")


def table(df, digits=1):
    """df as a GitHub Markdown table; floats with `digits` decimals, NaN as n/a."""
    cols = [str(c) for c in df.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    for row in df.itertuples(index=False):
        lines.append("| " + " | ".join(cell(v, digits) for v in row) + " |")
    return "\n".join(lines) + "\n"
