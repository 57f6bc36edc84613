"""The first run on a new machine: scripts/deps.sh and scripts/third-party.sh
started from the state a fresh Debian 12 is in (packages missing, no deb-src
entry, no source index, no third_party/, or what an interrupted earlier run
left behind).

The scripts run in a copy of the repository (so its third_party/ starts empty)
with apt pointed at a private configuration tree through APT_CONFIG, which
holds the machine's binary sources only. The source downloads are real (they
are what broke); package installs are stubbed, since installing is apt's job
and the test machine has the packages already.
"""
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SYSTEM_PATH = "/usr/sbin:/usr/bin:/sbin:/bin"


def repo_copy(dest):
    """The tracked files of the working tree (the change under test), no build
    products and no third_party/."""
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True,
                           capture_output=True).stdout.decode().split("\0")
    for f in filter(None, files):
        src = ROOT / f
        if src.is_file():
            (dest / f).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / f)
    return dest


def fresh_apt(tmp):
    """An apt configuration as a new machine has it: Debian's "Types: deb"
    sources, no deb-src entry, no index. Returns the environment using it."""
    apt = tmp / "apt"
    parts = apt / "sources.list.d"
    parts.mkdir(parents=True)
    for d in ("lists/partial", "cache/archives/partial"):
        (apt / d).mkdir(parents=True)
    for f in Path("/etc/apt/sources.list.d").glob("*.sources"):
        stanzas = f.read_text().split("\n\n")
        binary = [s for s in stanzas if "deb-src" not in s]
        if binary:
            (parts / f.name).write_text("\n\n".join(binary))
    assert any(parts.iterdir()), "the test machine has no deb822 sources to start from"
    conf = apt / "apt.conf"
    conf.write_text(
        f'Dir::Etc::sourcelist "{apt}/sources.list";\n'
        f'Dir::Etc::sourceparts "{parts}";\n'
        f'Dir::State::lists "{apt}/lists";\n'
        f'Dir::Cache "{apt}/cache";\n')
    return {"PATH": SYSTEM_PATH, "APT_CONFIG": str(conf), "HOME": str(tmp)}


def stub(bindir, name, script):
    bindir.mkdir(exist_ok=True)
    p = bindir / name
    p.write_text("#!/bin/sh\n" + script)
    p.chmod(0o755)


def run(cmd, cwd, env, check=True):
    r = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    if check:
        assert r.returncode == 0, f"{cmd} failed ({r.returncode}):\n{r.stdout}\n{r.stderr}"
    return r


def assert_build_has_what_it_needs(repo):
    """The plugin compiles against the fetched qemu-plugin.h and the kernel
    links with the fetched lwIP."""
    run(["make", "-j2", "build/vpmu.so", "build/kernel.elf"], repo,
        {"PATH": SYSTEM_PATH})


def deb_src_entries(parts):
    return sorted(p.name for p in parts.iterdir()
                  if "deb-src" in p.read_text())


@pytest.fixture
def etc_apt_unchanged():
    """The private configuration is the only one touched."""
    before = sorted(os.listdir("/etc/apt/sources.list.d"))
    yield
    assert sorted(os.listdir("/etc/apt/sources.list.d")) == before


def test_new_machine_gets_sources_index_and_third_party(tmp_path, etc_apt_unchanged):
    repo = repo_copy(tmp_path / "repo")
    env = fresh_apt(tmp_path)
    parts = tmp_path / "apt/sources.list.d"
    assert deb_src_entries(parts) == []
    r = run(["scripts/third-party.sh"], repo, env)
    assert "adding deb-src entries" in r.stderr
    assert r.stdout == ""
    assert deb_src_entries(parts) == ["questv-deb-src.sources"]
    tp = repo / "third_party"
    assert "QEMU_PLUGIN_VERSION" in (tp / "qemu/qemu-plugin.h").read_text()
    assert (tp / "lwip/VERSION").read_text().startswith("lwip 2.1.3")
    assert not list(tp.glob(".download.*"))
    assert_build_has_what_it_needs(repo)

    # A second run needs nothing from apt: an apt-get that fails proves it.
    stub(tmp_path / "bin", "apt-get", "echo apt-get called >&2; exit 1\n")
    env2 = dict(env, PATH=f"{tmp_path / 'bin'}:{SYSTEM_PATH}")
    r = run(["scripts/third-party.sh"], repo, env2)
    assert (r.stdout, r.stderr) == ("", "")


def test_interrupted_earlier_run_is_finished(tmp_path, etc_apt_unchanged):
    """An earlier run stopped after writing the deb-src entry but before the
    index, inside a download, and while moving the header and lwIP into place."""
    repo = repo_copy(tmp_path / "repo")
    env = fresh_apt(tmp_path)
    parts = tmp_path / "apt/sources.list.d"
    for f in list(parts.iterdir()):
        (parts / ("questv-deb-src.sources")).write_text(
            f.read_text().replace("Types: deb", "Types: deb-src"))
    tp = repo / "third_party"
    (tp / ".download.abc123").mkdir(parents=True)
    (tp / ".download.abc123/qemu_7.2.orig.tar.xz").write_bytes(b"\0" * 100)
    (tp / "qemu").mkdir()
    (tp / "qemu/qemu-plugin.h.tmp").write_text("/* half a header")
    (tp / "lwip/src/core").mkdir(parents=True)
    (tp / "lwip/src/core/tcp.c").write_text("/* half a file")
    r = run(["scripts/third-party.sh"], repo, env)
    assert "fetching the source index" in r.stderr
    assert not list(tp.glob(".download.*"))
    assert not (tp / "qemu/qemu-plugin.h.tmp").exists()
    assert (tp / "lwip/VERSION").exists()
    assert "tcp_input" in (tp / "lwip/src/core/tcp_in.c").read_text()
    assert_build_has_what_it_needs(repo)


def test_no_deb_src_without_root_is_a_clear_refusal(tmp_path, etc_apt_unchanged):
    repo = repo_copy(tmp_path / "repo")
    env = fresh_apt(tmp_path)
    stub(tmp_path / "bin", "id", "echo 1000\n")
    env["PATH"] = f"{tmp_path / 'bin'}:{SYSTEM_PATH}"
    r = run(["scripts/third-party.sh"], repo, env, check=False)
    assert r.returncode != 0
    assert "no deb-src entry in apt sources; run as root once" in r.stderr
    assert deb_src_entries(tmp_path / "apt/sources.list.d") == []
    assert not (repo / "third_party/qemu/qemu-plugin.h").exists()


def test_no_deb_entry_to_mirror_is_a_clear_refusal(tmp_path, etc_apt_unchanged):
    repo = repo_copy(tmp_path / "repo")
    env = fresh_apt(tmp_path)
    for f in (tmp_path / "apt/sources.list.d").iterdir():
        f.unlink()
    r = run(["scripts/third-party.sh"], repo, env, check=False)
    assert r.returncode != 0
    assert "no deb entry in" in r.stderr and "add a deb-src entry by hand" in r.stderr


def test_one_line_sources_get_deb822_twins(tmp_path, etc_apt_unchanged):
    """Older images list "deb URI suite components" lines in sources.list."""
    repo = repo_copy(tmp_path / "repo")
    env = fresh_apt(tmp_path)
    parts = tmp_path / "apt/sources.list.d"
    uris = []
    for f in list(parts.iterdir()):
        for stanza in f.read_text().split("\n\n"):
            fields = dict(line.split(": ", 1) for line in stanza.splitlines()
                          if ": " in line and not line.startswith("#"))
            if "URIs" in fields:
                uris += [f"deb {fields['URIs']} {s} {fields['Components']}"
                         for s in fields["Suites"].split()]
        f.unlink()
    (tmp_path / "apt/sources.list").write_text("# a comment\n" + "\n".join(uris) + "\n")
    r = run(["scripts/third-party.sh"], repo, env)
    added = (parts / "questv-deb-src.sources").read_text()
    assert added.count("Types: deb-src") == len(uris)
    assert "adding deb-src entries" in r.stderr
    assert (repo / "third_party/lwip/VERSION").exists()


def deps_sandbox(tmp_path, installed, uid=0):
    """scripts/deps.sh in a copy whose third-party.sh only leaves a mark, with
    dpkg-query, apt-get and id stubbed: they log what they are asked."""
    scripts = tmp_path / "scripts"
    scripts.mkdir()
    shutil.copy2(ROOT / "scripts/deps.sh", scripts / "deps.sh")
    stub(scripts, "third-party.sh", f"touch {tmp_path}/third-party-ran\n")
    log = tmp_path / "log"
    status = "install ok installed" if installed else "unknown ok not-installed"
    stub(tmp_path / "bin", "dpkg-query", f'echo "dpkg-query $*" >>{log}; printf "{status}"\n')
    stub(tmp_path / "bin", "apt-get", f'echo "apt-get $*" >>{log}\n')
    stub(tmp_path / "bin", "id", f"echo {uid}\n")
    env = {"PATH": f"{tmp_path / 'bin'}:{SYSTEM_PATH}"}
    r = run([str(scripts / "deps.sh")], tmp_path, env, check=False)
    return r, log.read_text().splitlines(), (tmp_path / "third-party-ran").exists()


def queried(log):
    return [line.split()[-1] for line in log if line.startswith("dpkg-query")]


def test_deps_installs_every_missing_package_then_fetches_sources(tmp_path):
    r, log, fetched = deps_sandbox(tmp_path, installed=False)
    assert r.returncode == 0, r.stderr
    apt = [line for line in log if line.startswith("apt-get")]
    assert apt[0] == "apt-get update -q"
    install = apt[1].split()
    assert install[:5] == ["apt-get", "install", "-y", "-q", "--no-install-recommends"]
    assert sorted(install[5:]) == sorted(queried(log)) and len(install) > 5
    assert fetched


def test_deps_with_everything_installed_only_fetches_sources(tmp_path):
    r, log, fetched = deps_sandbox(tmp_path, installed=True)
    assert r.returncode == 0, r.stderr
    assert not [line for line in log if line.startswith("apt-get")]
    assert fetched and r.stdout == ""


def test_deps_without_root_names_the_missing_packages(tmp_path):
    r, log, fetched = deps_sandbox(tmp_path, installed=False, uid=1000)
    assert r.returncode == 1
    assert not [line for line in log if line.startswith("apt-get")]
    assert not fetched
    for pkg in queried(log):
        assert pkg in r.stderr
