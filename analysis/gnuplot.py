"""Line plots with gnuplot (gnuplot-nox): PNG and SVG of the same data.

Each plot leaves its data (<base>.dat) and script (<base>.gp) beside the
images, so a figure can be restyled without re-running anything.
"""
import shutil
import subprocess
from pathlib import Path


class PlotError(RuntimeError):
    pass


def _quote(s):
    return '"' + str(s).replace('"', "'").replace("\n", " ") + '"'


def plot(base, series, title, xlabel, ylabel, logx=False, logy=False):
    """Plot series [(label, [(x, y), ...]), ...] to base.png and base.svg; returns both paths."""
    if not any(points for _, points in series):
        raise PlotError(f"{base}: no data to plot")
    if shutil.which("gnuplot") is None:
        raise PlotError("gnuplot not found: apt-get install gnuplot-nox")
    base = Path(base)
    base.parent.mkdir(parents=True, exist_ok=True)
    dat, gp = base.with_suffix(".dat"), base.with_suffix(".gp")
    blocks = []
    for label, points in series:
        blocks.append(f"# {label}\n" + "".join(f"{x} {y}\n" for x, y in points))
    dat.write_text("\n\n".join(blocks))    # two blank lines: one gnuplot index per series
    plots = ", ".join(f"{_quote(dat.name)} index {i} with linespoints title {_quote(label)}"
                      for i, (label, _) in enumerate(series))
    settings = [f"set title {_quote(title)}", f"set xlabel {_quote(xlabel)}",
                f"set ylabel {_quote(ylabel)}", "set key top left", "set grid",
                "set logscale x 2" if logx else "", "set logscale y" if logy else ""]
    outputs = [("png", "pngcairo size 900,560"), ("svg", "svg size 900,560")]
    script = "\n".join(s for s in settings if s) + "\n"
    for ext, term in outputs:
        script += f"set terminal {term}\nset output {_quote(base.with_suffix('.' + ext).name)}\nplot {plots}\n"
    gp.write_text(script)
    r = subprocess.run(["gnuplot", gp.name], cwd=base.parent, capture_output=True, text=True)
    if r.returncode != 0:
        raise PlotError(f"gnuplot failed on {gp}: {r.stderr.strip()}")
    return [base.with_suffix("." + ext) for ext, _ in outputs]
