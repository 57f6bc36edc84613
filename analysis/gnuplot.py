"""Line plots with gnuplot (gnuplot-nox): PNG and SVG of the same data.

Each plot leaves its data (<base>.dat) and script (<base>.gp) beside the
images, so a figure can be restyled without re-running anything.

The legend sits below the graph, where it cannot cover a line. Events
(a fault, a recovery) are Marks: an arrow hanging from the top edge with
its label, not a line that could be read as data; a Band shades an
interval. A figure may hold several panels, one above the other.
"""
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

MARK_COLOUR = "#b03030"
BAND_COLOUR = "#f0c000"


class PlotError(RuntimeError):
    pass


@dataclass(frozen=True)
class Mark:
    x: float
    label: str


@dataclass(frozen=True)
class Band:
    x0: float
    x1: float


@dataclass
class Panel:
    """series: [(label, [(x, y), ...]) or (label, points, style)]; style is a gnuplot
    `with` (default linespoints). xtics: None (gnuplot's choice), "data" (one tick at
    each x the series have: counts, categories) or a list of values."""
    series: list
    xlabel: str
    ylabel: str
    title: str = ""
    logx: bool = False
    logy: bool = False
    xtics: object = None
    marks: tuple = ()
    bands: tuple = ()
    yrange: tuple = None      # (low, high); None ends autoscaled


def _quote(s):
    return '"' + str(s).replace('"', "'").replace("\n", " ") + '"'


def _xtics(panel):
    if panel.xtics is None:
        return []
    values = (sorted({x for s in panel.series for x, _ in s[1]}) if panel.xtics == "data"
              else list(panel.xtics))
    return ["set xtics (" + ", ".join(f'"{v:g}" {v}' for v in values) + ")", "unset mxtics"]


def _decorations(panel):
    """Marks and bands of a panel as gnuplot commands (arrows, labels, rectangles)."""
    out = []
    for b in panel.bands:
        out.append(f"set object rect from {b.x0}, graph 0 to {b.x1}, graph 1 behind "
                   f"fillcolor rgb '{BAND_COLOUR}' fillstyle transparent solid 0.25 noborder")
    xs = [x for s in panel.series for x, _ in s[1]] or [0]
    right = min(xs) + 0.7 * (max(xs) - min(xs))
    for i, m in enumerate(panel.marks):
        # Labels of nearby marks go on rows of their own, so none covers another; near
        # the right edge a label goes left of its arrow, so the edge does not cut it.
        y = 0.97 - 0.09 * i
        side = "right offset -0.6,0" if m.x > right else "left offset 0.6,0"
        out.append(f"set arrow from {m.x}, graph 1 to {m.x}, graph {y - 0.04:.2f} head filled "
                   f"size graph 0.012,25 lc rgb '{MARK_COLOUR}' lw 2 front")
        out.append(f"set label {_quote(m.label)} at {m.x}, graph {y - 0.03:.2f} {side} "
                   f"tc rgb '{MARK_COLOUR}' front")
    return out


def _panel_script(panel, dat, first_index):
    settings = [f"set title {_quote(panel.title)}", f"set xlabel {_quote(panel.xlabel)}",
                f"set ylabel {_quote(panel.ylabel)}", "set key below horizontal", "set grid",
                "set logscale x 2" if panel.logx else "unset logscale x",
                "set logscale y" if panel.logy else "unset logscale y",
                "set yrange [%s:%s]" % tuple("*" if v is None else v for v in panel.yrange)
                if panel.yrange else "set yrange [*:*]",
                "set xtics autofreq", "set mxtics default", *_xtics(panel),
                "unset arrow", "unset label", "unset object", *_decorations(panel)]
    plots = ", ".join(f"{_quote(dat.name)} index {first_index + i} with "
                      f"{s[2] if len(s) > 2 else 'linespoints'} lw 2 title {_quote(s[0])}"
                      for i, s in enumerate(panel.series))
    return "\n".join(s for s in settings if s) + f"\nplot {plots}\n"


def plot_panels(base, panels, title="", width=900, panel_height=560):
    """Plot panels (one above the other) to base.png and base.svg; returns both paths."""
    if not any(points for p in panels for _, points, *_ in p.series):
        raise PlotError(f"{base}: no data to plot")
    if shutil.which("gnuplot") is None:
        raise PlotError("gnuplot not found: apt-get install gnuplot-nox")
    base = Path(base)
    base.parent.mkdir(parents=True, exist_ok=True)
    dat, gp = base.with_suffix(".dat"), base.with_suffix(".gp")
    blocks, bodies, index = [], [], 0
    for p in panels:
        blocks += [f"# {s[0]}\n" + "".join(f"{x} {y}\n" for x, y in s[1]) for s in p.series]
        bodies.append(_panel_script(p, dat, index))
        index += len(p.series)
    dat.write_text("\n\n".join(blocks))    # two blank lines: one gnuplot index per series
    height = panel_height * len(panels)
    body = "".join(bodies)
    if len(panels) > 1:
        body = (f"set multiplot layout {len(panels)},1 title {_quote(title)}\n{body}"
                "unset multiplot\n")
    script = ""
    for ext, term in (("png", f"pngcairo size {width},{height}"), ("svg", f"svg size {width},{height}")):
        script += f"set terminal {term}\nset output {_quote(base.with_suffix('.' + ext).name)}\n{body}"
    gp.write_text(script)
    r = subprocess.run(["gnuplot", gp.name], cwd=base.parent, capture_output=True, text=True)
    if r.returncode != 0:
        raise PlotError(f"gnuplot failed on {gp}: {r.stderr.strip()}")
    return [base.with_suffix(".png"), base.with_suffix(".svg")]


def plot(base, series, title, xlabel, ylabel, logx=False, logy=False, xtics=None, marks=(),
         bands=(), yrange=None):
    """One panel: series [(label, [(x, y), ...]), ...] to base.png and base.svg."""
    return plot_panels(base, [Panel(series, xlabel, ylabel, title, logx, logy, xtics,
                                    tuple(marks), tuple(bands), yrange)])
