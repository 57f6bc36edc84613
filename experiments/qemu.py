"""Booting an ISO in QEMU TCG with every console captured to a file."""
import hashlib
import shutil
import subprocess
from pathlib import Path

from .emulator import supervise
from .netsys import GUEST_HTTP_PORT

DEFAULT_CPU = "qemu64,+svm,+npt"   # TCG emulates SVM with nested paging
DEFAULT_MEM = "512M"
ROOT = Path(__file__).resolve().parent.parent
VPMU_PLUGIN = ROOT / "build" / "vpmu.so"
VPMU_DOORBELL = ROOT / "build" / "vpmu-doorbell"
VPMU_SHM_SIZE = "256K"             # VPMU_SHM_SIZE of include/questv/vpmu.h
IOMMUS = ("none", "vtd", "amdvi")
LISTEN_SHIM = ROOT / "build" / "qemu-listen-backlog.so"
LISTEN_SHIM_SRC = ROOT / "scripts" / "qemu_listen_backlog.c"


def machine_args(iommu="none"):
    """The machine and its IOMMU. none: `pc` (no IOMMU). vtd: `q35` with Intel VT-d
    (DMA remapping, interrupt remapping, fault recording). amdvi: `q35` with AMD-Vi
    (DMA remapping; QEMU 7.2 writes no event log, README "IOMMU"). The IOMMU device
    comes before every PCI device it translates; the e1000 keeps slot 3 (net_args)."""
    if iommu not in IOMMUS:
        raise ValueError(f"iommu {iommu!r}: expected one of {', '.join(IOMMUS)}")
    if iommu == "vtd":
        return ["-machine", "q35", "-device", "intel-iommu,intremap=on"]
    if iommu == "amdvi":
        return ["-machine", "q35", "-device", "amd-iommu"]
    return ["-machine", "pc"]


def vpmu_shm(run_dir):
    """The shared-memory file of run_dir's vPMU: one per run, so parallel runs never share."""
    tag = hashlib.sha256(str(Path(run_dir).resolve()).encode()).hexdigest()[:16]
    return Path("/dev/shm") / f"questv-vpmu-{tag}"


def vpmu_doorbell_socket(run_dir):
    """The UNIX socket of run_dir's vPMU interrupt line (beside its shared file's
    name: socket paths are limited to 107 bytes)."""
    return Path("/tmp") / f"{vpmu_shm(run_dir).name}.sock"


def vpmu_args(run_dir, plugin=VPMU_PLUGIN, options="", pmi=False, smp=4):
    """QEMU arguments for the virtual PMU (pmc/qemu-plugin/): the plugin publishing
    counters in the run's shared file, and that file as an ivshmem-plain PCI
    device (1af4:1110, BAR2) for the guest. Per-vCPU totals go to run_dir/vpmu.jsonl.
    options: extra plugin arguments ("llc=2M:16:64,..."; vpmu_args.c lists them).
    pmi: the same file through an ivshmem-doorbell device instead, served by
    build/vpmu-doorbell (vpmu_doorbell_prefix), so the plugin can raise each
    vCPU's overflow interrupt (MSI-X vector i for vCPU i)."""
    shm = vpmu_shm(run_dir)
    plugin_arg = f"{plugin},shm={shm},out={Path(run_dir) / 'vpmu.jsonl'}"
    if pmi:
        plugin_arg += f",doorbell={vpmu_doorbell_socket(run_dir)}"
    if options:
        plugin_arg += f",{options}"
    if pmi:
        return ["-plugin", plugin_arg,
                "-chardev", f"socket,path={vpmu_doorbell_socket(run_dir)},id=vpmudb",
                "-device", f"ivshmem-doorbell,chardev=vpmudb,vectors={smp}"]
    return ["-plugin", plugin_arg,
            "-object", f"memory-backend-file,id=vpmu,share=on,mem-path={shm},size={VPMU_SHM_SIZE}",
            "-device", "ivshmem-plain,memdev=vpmu"]


def vpmu_doorbell_prefix(run_dir, smp):
    """What goes before `qemu-system-x86_64` for vpmu_args(pmi=True): the
    doorbell server, which listens, then becomes QEMU and serves from a child."""
    if not VPMU_DOORBELL.exists():
        raise FileNotFoundError(f"{VPMU_DOORBELL} not built: run `make iso`")
    return [str(VPMU_DOORBELL), str(vpmu_doorbell_socket(run_dir)), str(vpmu_shm(run_dir)), str(smp)]


def cleanup(run_dir):
    """Remove what a run left outside run_dir (its vPMU shared file and socket)."""
    vpmu_shm(run_dir).unlink(missing_ok=True)
    vpmu_doorbell_socket(run_dir).unlink(missing_ok=True)


def listen_shim():
    """build/qemu-listen-backlog.so (scripts/qemu_listen_backlog.c), made when missing or
    older than its source. Preloaded into networked QEMU: its user network listens on
    each forward with a backlog of 1, and under many concurrent clients the host kernel
    drops their handshakes and requests at the full queue (some then wait out a client's
    timeout); the shim gives those sockets the system's full accept queue."""
    if not LISTEN_SHIM.exists() or LISTEN_SHIM.stat().st_mtime < LISTEN_SHIM_SRC.stat().st_mtime:
        r = subprocess.run(["make", "-s", "-C", str(ROOT), "build/qemu-listen-backlog.so"],
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise FileNotFoundError(f"{LISTEN_SHIM} could not be built: {r.stdout}{r.stderr}")
    return LISTEN_SHIM


def net_args(forwards):
    """QEMU arguments for an e1000 NIC at PCI 00:03.0 (where the driver sandbox's config
    names it) on QEMU's user-mode network, with one forward per (host_port, guest_ip):
    127.0.0.1:host_port to guest_ip:80. Bound to loopback only: nothing outside this
    machine can reach a guest."""
    if not forwards:
        raise ValueError("a NIC needs at least one forward (host_port, guest_ip)")
    fwd = ",".join(f"hostfwd=tcp:127.0.0.1:{int(port)}-{ip}:{GUEST_HTTP_PORT}"
                   for port, ip in forwards)
    return ["-netdev", f"user,id=net0,{fwd}", "-device", "e1000,netdev=net0,addr=0x3"]


def qemu_command(iso, run_dir, cpu=DEFAULT_CPU, smp=4, mem=DEFAULT_MEM,
                 icount=True, gdb=False, vpmu=True, vpmu_options="", vpmu_plugin=VPMU_PLUGIN,
                 net=None, iommu="none", vpmu_pmi=False):
    """The QEMU command line for one run; consoles go to run_dir.

    vpmu: load the virtual PMU plugin vpmu_plugin (`make iso` builds it).
    It costs little until a guest enables a counter: the plugin instruments
    memory accesses only from then on. vpmu_pmi: with its overflow interrupt
    (vpmu_args pmi=True).
    net: [(host_port, guest_ip), ...] gives the machine a NIC (net_args), QEMU
    started through `env LD_PRELOAD=` listen_shim(); None: no network at all.
    Networked runs want icount=False (TCP against a host client needs virtual
    time to follow wall time).
    iommu: "none" (machine pc), "vtd" (q35 + intel-iommu) or "amdvi" (q35 + amd-iommu),
    machine_args."""
    run_dir = Path(run_dir)
    cmd = ["env", f"LD_PRELOAD={listen_shim()}"] if net else []
    cmd += ["qemu-system-x86_64", *machine_args(iommu), "-cpu", cpu,
           "-smp", str(smp), "-m", mem, "-cdrom", str(iso), "-boot", "d",
           "-display", "none", "-vga", "none",
           *(net_args(net) if net else ["-net", "none"]),
           "-monitor", "none", "-no-reboot",
           "-debugcon", f"file:{run_dir / 'monitor.log'}",
           "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
    for i in range(1, 5):
        cmd += ["-serial", f"file:{run_dir / f'com{i}.log'}"]
    if icount:
        # One TSC tick per instruction: deterministic, comparable runs.
        cmd += ["-icount", "shift=0,sleep=off"]
    if gdb:
        cmd += ["-gdb", "tcp:127.0.0.1:1234", "-S"]   # loopback only
    if vpmu:
        if not Path(vpmu_plugin).exists():
            raise FileNotFoundError(f"{vpmu_plugin} not built: run `make iso` (or pass vpmu=False)")
        cmd += vpmu_args(run_dir, plugin=vpmu_plugin, options=vpmu_options, pmi=vpmu_pmi, smp=smp)
        if vpmu_pmi:
            cmd = vpmu_doorbell_prefix(run_dir, smp) + cmd
    return cmd


def decode_exit(returncode):
    """isa-debug-exit makes QEMU exit with 2*status+1; None if it did not."""
    if returncode is not None and returncode > 0 and returncode % 2 == 1:
        return (returncode - 1) // 2
    return None


def run(cmd, timeout, on_poll=None, poll_s=0.05, **popen):
    """Run QEMU until it exits or timeout seconds pass (then kill it).

    on_poll(elapsed) is called while it runs (emulator.supervise: a true
    answer kills QEMU); popen goes to subprocess.Popen. Returns (returncode
    or None, timed_out, wall seconds, QEMU's own output, its CPU seconds).
    """
    if shutil.which("qemu-system-x86_64") is None:   # cmd[0] may be env or the doorbell
        raise FileNotFoundError("qemu-system-x86_64 not found: run `make deps` "
                                "(Debian qemu-system-x86)")
    proc, timed_out, wall, cpu = supervise(cmd, timeout, on_poll, poll_s, "qemu-system-x86",
                                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                           **popen)
    out, _ = proc.communicate()
    return ((None if timed_out else proc.returncode), timed_out, wall,
            out.decode(errors="replace"), cpu)
