"""The published Quest-V figures (experiments/published.yaml), with their sources."""
from pathlib import Path

from experiments.deps import need

PUBLISHED = Path(__file__).resolve().parent.parent / "experiments" / "published.yaml"


def load(path=PUBLISHED):
    return need("yaml").safe_load(Path(path).read_text())
