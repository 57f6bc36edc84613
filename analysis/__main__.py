"""python3 -m analysis [report | boot | vm-exits | tlb | webserver | shared-driver | ...] [--results DIR]

report (the default) writes results/REPORT.md from every experiment that
has results; naming one experiment writes only its table and plots
(results/<exp>/<exp>.md, .png, .svg).
"""
import argparse
import sys

from . import cache_interference, faults, icount_shares, load, published, report

# Every report section, plus variants that stay out of the report (CI's tiny runs).
ONE = {**dict(report.SECTIONS), cache_interference.EXP + "-tiny": cache_interference.tiny_section,
       faults.EXP: faults.section, icount_shares.EXP: icount_shares.section}


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m analysis", description=__doc__.splitlines()[0])
    ap.add_argument("what", nargs="?", default="report",
                    help=f"report, or one of: {', '.join(ONE)}")
    ap.add_argument("--results", default=str(load.RESULTS))
    a = ap.parse_args(argv)
    if a.what == "report":
        path, done, missing = report.write(a.results)
        print(f"wrote {path} ({', '.join(done) or 'no experiments'}"
              f"{'; not run: ' + ', '.join(missing) if missing else ''})")
        return 0
    if a.what not in ONE:
        print(f"{a.what}: no analysis script; its runs are in {a.results}/{a.what}/runs.csv")
        return 0
    try:
        ONE[a.what](a.results, published.load())
    except load.NoResults as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    print(f"wrote {a.results}/{a.what}/{a.what}.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
