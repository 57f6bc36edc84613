"""Host-only tests of the experiments harness and analysis (no emulator runs)."""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
