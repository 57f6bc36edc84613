"""Images: one build per (sched, pmc), ISOs cached by content, native args on GRUB's line."""
import subprocess
from pathlib import Path

from experiments import images, spec


def fake_build_dir(tmp_path):
    b = tmp_path / "build"
    b.mkdir()
    (b / "kernel.elf").write_bytes(b"kernel")
    (b / "monitor.elf").write_bytes(b"monitor")
    return b


def test_failed_incremental_build_is_retried_from_scratch(tmp_path, monkeypatch):
    out = images.build_dir("rm", "none", tmp_path)
    (out / "obj").mkdir(parents=True)
    (out / "obj" / "stale.d").write_text("x.o: deleted.h\n")
    calls = []

    def fake_run(cmd, **kw):
        calls.append(cmd)
        stale = (out / "obj" / "stale.d").exists()
        return subprocess.CompletedProcess(cmd, 2 if stale else 0, "", "no rule for deleted.h")
    monkeypatch.setattr(images.subprocess, "run", fake_run)
    assert images.build("rm", "none", tmp_path) == out
    assert len(calls) == 3                      # failed, from scratch, then the vPMU plugin and doorbell server
    assert f"BUILD={out}" in calls[0] and "SCHED=rm" in calls[0] and "PMC=none" in calls[0]
    assert calls[2][-2:] == ["build/vpmu.so", "build/vpmu-doorbell"]


def test_isos_are_cached_by_binaries_and_config(tmp_path, monkeypatch):
    build = fake_build_dir(tmp_path)
    made = []
    monkeypatch.setattr(images, "monitor_iso",
                        lambda b, conf, out, root=None: (made.append(conf.read_text()),
                                                         Path(out).write_bytes(b"iso")))
    runs = spec.parse({"description": "d", "sweep": {"n": [1, 2], "icount": [True, False]},
                       "system": {"sandboxes": "{n}"}}, "x", ["rm"]).runs
    isos = [images.iso_for(r, build)[0] for r in runs]
    assert len(made) == 2                       # icount does not change the system: 2 ISOs
    assert isos[0] == isos[1] != isos[2] == isos[3]
    (build / "kernel.elf").write_bytes(b"new kernel")
    assert images.iso_for(runs[0], build)[0] != isos[0]


def test_native_iso_passes_args_on_the_multiboot2_line(tmp_path, monkeypatch):
    build = fake_build_dir(tmp_path)
    seen = {}

    def fake_mkrescue(tree, iso):
        seen["cfg"] = (Path(tree) / "boot" / "grub" / "grub.cfg").read_text()
        seen["kernel"] = (Path(tree) / "boot" / "kernel.elf").read_bytes()
        Path(iso).write_bytes(b"iso")
    monkeypatch.setattr(images, "_mkrescue", fake_mkrescue)
    (run,) = spec.parse({"description": "d", "system": {"native": True, "args": "exp=tlb"}},
                        "x", ["rm"]).runs
    iso, conf = images.iso_for(run, build)
    assert iso.exists() and conf is None
    assert "\tmultiboot2 /boot/kernel.elf exp=tlb\n" in seen["cfg"]
    assert seen["kernel"] == b"kernel"


def test_a_new_build_starts_from_the_objects_of_a_built_one(tmp_path):
    sib = images.build_dir("rm", "vpmu", tmp_path)
    (sib / "obj" / "kernel").mkdir(parents=True)
    (sib / "iso").mkdir()
    (sib / "kernel.elf").write_bytes(b"k")
    (sib / "iso" / "x.iso").write_bytes(b"iso")
    obj = sib / "obj" / "kernel" / "main.o"
    obj.write_bytes(b"o")
    (sib / "obj" / "kernel" / "main.d").write_text(f"{sib}/obj/kernel/main.o: kernel/main.c\n")
    images._seed(tmp_path / "elsewhere" / "rm-none", "none")          # nothing built there
    assert not (tmp_path / "elsewhere").exists()
    none = images.build_dir("aaa", "none", tmp_path)       # sorts first, but another PMC
    (none / "obj").mkdir(parents=True)
    (none / "kernel.elf").write_bytes(b"k")
    new = images.build_dir("edf", "vpmu", tmp_path)
    images._seed(new, "vpmu")
    assert (new / "obj" / "kernel" / "main.o").stat().st_mtime == obj.stat().st_mtime
    assert (new / "obj" / "kernel" / "main.d").read_text() == f"{new}/obj/kernel/main.o: kernel/main.c\n"
    assert not (new / "iso").exists()
    later = images.build_dir("memguard", "amd", tmp_path)              # no amd one: any will do
    images._seed(later, "amd")
    assert (later / "kernel.elf").exists()
    (new / "obj" / "kernel" / "main.o").write_bytes(b"changed")
    images._seed(new, "vpmu")                                    # an existing one is left alone
    assert (new / "obj" / "kernel" / "main.o").read_bytes() == b"changed"
