"""The end every REPORT.md section shares: a note on failed runs, and the
section written to results/<exp>/<exp>.md beside its figures."""
from pathlib import Path


def finish_section(exp, results, parts, failed):
    """Join the section's text parts, note `failed` runs, write
    results/<exp>/<exp>.md (figure links relative to it) and return the text
    (links relative to results/, for REPORT.md)."""
    if failed:
        parts = [*parts, f"\n**{failed} run(s) failed**: see `results/{exp}/runs.csv`.\n"]
    text = "".join(parts)
    (Path(results) / exp).mkdir(parents=True, exist_ok=True)
    (Path(results) / exp / f"{exp}.md").write_text(text.replace(f"]({exp}/", "]("))
    return text
