"""Progress lines (done/total, failures, ETA) and the Slurm job files."""
import io

from experiments import slurm, spec
from experiments.progress import Progress


def test_progress_counts_failures_and_estimates_the_rest():
    now = [0.0]
    out = io.StringIO()
    p = Progress(4, stream=out, clock=lambda: now[0])
    now[0] = 10.0
    p.finished("a_r0", True, 10.0)
    now[0] = 20.0
    p.finished("b_r0", False, 10.0, "timeout: killed after 5 s")
    lines = out.getvalue().splitlines()
    assert lines[0] == "[1/4] ok   a_r0 (10.0 s)  failed 0  ETA 0:30"
    assert lines[1] == "[2/4] FAIL b_r0 (10.0 s)  failed 1  ETA 0:20"
    assert lines[2].strip() == "timeout: killed after 5 s"


def test_slurm_array_has_one_task_per_run(tmp_path):
    s = spec.load("boot")
    array, submit = slurm.write(s, tmp_path, "/res", "/src")
    text = array.read_text()
    assert f"#SBATCH --array=0-{len(s.runs) - 1}" in text
    assert "#SBATCH --cpus-per-task=4" in text
    assert "--index $SLURM_ARRAY_TASK_ID --no-build" in text
    sub = submit.read_text()
    assert "-m experiments build" in sub and "afterany:$jid" in sub and "collect" in sub
