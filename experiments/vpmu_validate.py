"""The vPMU checked against an outside reference (make validate-vpmu).

    /usr/bin/python3 -m experiments.vpmu_validate [--workloads a,b] [--bytes N]
                     [--passes N] [--l1d G] [--llc G] [--limit PCT] [--no-xcore]

1. Validation: the workloads of pmc/workloads/ run in a sandbox (one core,
   under the monitor's nested paging, exp=vpmu-validate) with the plugin
   counting each one as a measured region, and on the host under valgrind's
   cachegrind with the same L1D and LLC geometry (pmc/cachegrind.sh, which
   counts only wl_<name>_run). Prints L1D and LLC misses side by side with
   the relative difference; fails above --limit percent.
2. Cross-core interference (exp=vpmu-xcore): a victim reusing half the LLC,
   alone and beside a streamer walking twice the LLC on another core. The
   victim's LLC misses must rise, and the streamer's cross-evictions (its
   fills that evicted a line another vCPU had filled) account for them.

Exit status 0 when both hold. Each boot leaves its run folder under
results/vpmu-validate/.
"""
import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from .boot import boot

ROOT = Path(__file__).resolve().parent.parent
WORKLOADS = ["seq_walk", "stride_walk", "pointer_chase", "matmul", "hash_probe"]
STRIDE = {"stride_walk": 256}           # as kernel/pmc/vpmu_region.c chooses by default
PATH = "/usr/sbin:/usr/bin:/sbin:/bin"  # grub-mkrescue, valgrind


def sandbox(i, args, memory="32M"):
    return f"[sandbox {i}]\ncore = {i}\nmemory = {memory}\nconsole = com{i + 1}\nargs = \"{args}\"\n"


def boot_config(text, name, build, results, timeout, smp, vpmu_options, icount=True, vpmu=True):
    """Boot a system config (text) built from build/; returns the Boot."""
    with tempfile.TemporaryDirectory() as tmp:
        conf, iso = Path(tmp) / "system.conf", Path(tmp) / "system.iso"
        conf.write_text(text)
        subprocess.run([str(ROOT / "scripts/mkiso.sh"), str(conf), str(iso)], check=True, cwd=ROOT,
                       env={"BUILD": str(build), "PATH": PATH}, capture_output=True)
        return boot(iso, name, results=str(results), config=str(conf), timeout=timeout, smp=smp,
                    icount=icount, vpmu=vpmu, vpmu_options=vpmu_options)


def guest_regions(workloads, nbytes, passes, l1d, llc, build, results, timeout=600, memory="32M",
                  icount=True, vpmu=True, name="vpmu-validate/guest"):
    """{workload: its vpmu_region record} from one sandbox running them all; and the Boot."""
    args = f"exp=vpmu-validate steady_ms=0 wl={','.join(workloads)} wl_bytes={nbytes} wl_passes={passes}"
    b = boot_config(sandbox(0, args, memory), name, build, results, timeout, 1,
                    f"l1d={l1d},llc={llc}", icount=icount, vpmu=vpmu)
    return {r["workload"]: r for r in b.ev("vpmu_region")}, b


def cachegrind(workload, nbytes, passes, l1d, llc, build):
    """pmc/cachegrind.sh's JSON for one workload: the host reference counts."""
    out = subprocess.run([str(ROOT / "pmc/cachegrind.sh"), "--l1d", l1d, "--llc", llc,
                          str(Path(build) / "pmc-workload"), workload, str(nbytes), str(passes),
                          str(STRIDE.get(workload, 64))],
                         check=True, capture_output=True, text=True, env={"PATH": PATH}).stdout
    return json.loads(out)


def rel(ref, got):
    """Relative difference of got from ref, in percent."""
    return 100.0 * abs(got - ref) / ref if ref else (0.0 if got == 0 else 100.0)


def validate(workloads, nbytes, passes, l1d, llc, build, results):
    """Rows {workload, cg_l1d, vpmu_l1d, l1d_diff, cg_llc, vpmu_llc, llc_diff}; raises if the guest failed."""
    guest, b = guest_regions(workloads, nbytes, passes, l1d, llc, build, results)
    missing = [w for w in workloads if w not in guest or not guest[w].get("counted")]
    if missing:
        raise RuntimeError(f"the guest measured no region for {missing}; see {b.run_dir}")
    rows = []
    for w in workloads:
        cg, g = cachegrind(w, nbytes, passes, l1d, llc, build), guest[w]
        rows.append({"workload": w, "cg_l1d": cg["l1d_misses"], "vpmu_l1d": g["l1d_misses"],
                     "l1d_diff": rel(cg["l1d_misses"], g["l1d_misses"]),
                     "cg_llc": cg["llc_misses"], "vpmu_llc": g["llc_misses"],
                     "llc_diff": rel(cg["llc_misses"], g["llc_misses"])})
    return rows


def xcore(build, results, llc="2M:16:64", passes=8):
    """Victim alone and beside a streamer: {"alone": rec, "victim": rec, "streamer": rec}."""
    victim = f"exp=vpmu-xcore role=reuse steady_ms=0 wl_passes={passes}"
    stream = f"exp=vpmu-xcore role=stream steady_ms=0 wl_passes={passes}"
    shared = "[shared xcore]\nsize = 4K\nsandboxes = 0 1\n"
    out = {}
    a = boot_config(sandbox(0, victim), "vpmu-validate/xcore-alone", build, results, 300, 2,
                    f"llc={llc}")
    p = boot_config(sandbox(0, victim) + sandbox(1, stream) + shared, "vpmu-validate/xcore-pair",
                    build, results, 300, 2, f"llc={llc}")
    for key, b, role in (("alone", a, "reuse"), ("victim", p, "reuse"), ("streamer", p, "stream")):
        recs = [r for r in b.ev("vpmu_region") if r["role"] == role]
        if not recs:
            raise RuntimeError(f"xcore: no {role} region in {b.run_dir}")
        out[key] = recs[0]
    return out


def print_validation(rows, l1d, llc, nbytes, passes, limit):
    print(f"validation: guest (vPMU, sandbox under NPT) vs host (cachegrind); L1D {l1d}, LLC {llc}; "
          f"buffer {nbytes} bytes, {passes} passes; limit {limit}%")
    print(f"{'workload':14} {'cg_l1d':>10} {'vpmu_l1d':>10} {'diff%':>6} {'cg_llc':>10} {'vpmu_llc':>10} {'diff%':>6}")
    for r in rows:
        print(f"{r['workload']:14} {r['cg_l1d']:>10} {r['vpmu_l1d']:>10} {r['l1d_diff']:>6.2f} "
              f"{r['cg_llc']:>10} {r['vpmu_llc']:>10} {r['llc_diff']:>6.2f}")


def print_xcore(x, llc):
    print(f"\ncross-core: victim reuses {x['alone']['bytes']} bytes (half the LLC {llc}); streamer walks "
          f"{x['streamer']['bytes']} bytes on another core")
    print(f"{'run':16} {'llc_refs':>10} {'llc_misses':>10} {'llc_fills':>10} {'cross_evict':>11}")
    for key in ("alone", "victim", "streamer"):
        r = x[key]
        label = {"alone": "victim alone", "victim": "victim + stream", "streamer": "streamer"}[key]
        print(f"{label:16} {r['llc_references']:>10} {r['llc_misses']:>10} {r['llc_fills']:>10} "
              f"{r['llc_cross_evictions']:>11}")


def xcore_ok(x):
    """The victim suffers, and the streamer's cross-evictions account for it."""
    extra = x["victim"]["llc_misses"] - x["alone"]["llc_misses"]
    return extra > 0 and x["streamer"]["llc_cross_evictions"] >= 0.9 * extra


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m experiments.vpmu_validate",
                                 description=__doc__.splitlines()[0])
    ap.add_argument("--build", default=str(ROOT / "build"))
    ap.add_argument("--results", default=str(ROOT / "results"))
    ap.add_argument("--workloads", default=",".join(WORKLOADS))
    ap.add_argument("--bytes", type=int, default=2 << 20)
    ap.add_argument("--passes", type=int, default=2)
    ap.add_argument("--l1d", default="32K:8:64")
    ap.add_argument("--llc", default="1M:16:64", help="smaller than the 2 MiB buffer, so LLC misses happen")
    ap.add_argument("--limit", type=float, default=1.0, help="percent")
    ap.add_argument("--no-xcore", action="store_true")
    a = ap.parse_args(argv)
    rows = validate(a.workloads.split(","), a.bytes, a.passes, a.l1d, a.llc, a.build, a.results)
    print_validation(rows, a.l1d, a.llc, a.bytes, a.passes, a.limit)
    ok = all(r["l1d_diff"] <= a.limit and r["llc_diff"] <= a.limit for r in rows)
    print(f"validation: {'all within' if ok else 'some workload beyond'} {a.limit}%")
    if not a.no_xcore:
        x = xcore(a.build, a.results)
        print_xcore(x, "2M:16:64")
        good = xcore_ok(x)
        print(f"cross-core: {'victim misses rose and the streamer cross-evictions attribute them' if good else 'NOT attributed'}")
        ok = ok and good
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
