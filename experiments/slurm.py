"""Handing a sweep to Slurm: one array task per run, then a collect step.

Users who outgrow one machine already have a cluster scheduler; the
harness only writes the job files. `submit.sh` builds the images once on
the submitting host (array tasks then only boot: `run --index I
--no-build`), submits the array, and a collect job that runs after every
task (`afterany`: failed tasks are in runs.csv as failures).
"""
import math
from pathlib import Path

PY = "/usr/bin/python3"


def write(spec, out_dir, results, root):
    """Write <name>.array.sbatch and <name>.submit.sh into out_dir; returns their paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    n = len(spec.runs)
    cpus = max(r.qemu.get("smp", 1) for r in spec.runs)
    minutes = math.ceil(max(r.timeout for r in spec.runs) / 60) + 5   # + build of one ISO, start-up
    log_dir = Path(results) / spec.name / "slurm"
    array = out / f"{spec.name}.array.sbatch"
    array.write_text(
        "#!/bin/sh\n"
        f"#SBATCH --job-name=questv-{spec.name}\n"
        f"#SBATCH --array=0-{n - 1}\n"
        f"#SBATCH --cpus-per-task={cpus}\n"
        f"#SBATCH --time={minutes}\n"
        f"#SBATCH --output={log_dir}/%A_%a.out\n"
        f"# One run of {spec.name} per task: task i is run i of `{PY} -m experiments sweep {spec.name}`.\n"
        f"cd {root}\n"
        f"exec {PY} -m experiments run {spec.path} --results {results} "
        "--index $SLURM_ARRAY_TASK_ID --no-build -j 1\n")
    submit = out / f"{spec.name}.submit.sh"
    submit.write_text(
        "#!/bin/sh\n"
        f"# Build once here, then boot every run of {spec.name} as a Slurm array task.\n"
        "set -eu\n"
        f"cd {root}\n"
        f"mkdir -p {log_dir}\n"
        f"{PY} -m experiments build {spec.path}\n"
        f"jid=$(sbatch --parsable {array})\n"
        f"sbatch --dependency=afterany:$jid --job-name=questv-{spec.name}-collect "
        f"--output={log_dir}/collect.out "
        f"--wrap \"cd {root} && {PY} -m experiments collect {spec.path} --results {results}\"\n"
        "echo \"submitted array job $jid\"\n")
    submit.chmod(0o755)
    return array, submit
