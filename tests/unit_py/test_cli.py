"""The command line: listing, invalid files, missing modules."""
import sys

import pytest

from experiments import __main__ as cli
from experiments import deps


def test_list_shows_every_shipped_experiment(capsys):
    assert cli.main(["list"]) == 0
    out = capsys.readouterr().out
    for name in ("boot", "vm-exits", "tlb"):
        assert any(line.startswith(name + " ") for line in out.splitlines())


def test_invalid_file_exits_101_naming_file_and_key(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("description: x\nsystem: {sandboxes: 1}\nrepetitions: -1\n")
    assert cli.main(["show", str(bad)]) == cli.INVALID
    assert f"error: {bad}: repetitions: expected an integer >= 1" in capsys.readouterr().err


def test_sweep_numbers_the_runs(capsys):
    assert cli.main(["sweep", "boot"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:2] == ["0", "sandboxes-1_icount-true_r0"]


def test_missing_module_names_the_debian_package(monkeypatch):
    monkeypatch.setitem(sys.modules, "yaml", None)       # makes `import yaml` fail
    with pytest.raises(deps.MissingModule) as e:
        deps.need("yaml")
    assert "apt-get install python3-yaml" in str(e.value)
    assert "/usr/bin/python3 -m experiments" in str(e.value)


def test_list_speaks_of_the_project_not_its_issues(capsys):
    assert cli.main(["list"]) == 0
    assert "issue" not in capsys.readouterr().out.lower()


def test_run_makes_one_batch_of_every_name_in_its_full_version(monkeypatch):
    seen = {}

    def fake(batch, results, jobs, rerun, indices, build=True):
        seen.update(names=[s.name for s in batch], profiles={r.profile for s in batch for r in s.runs},
                    indices=indices)
        return 7, 0
    monkeypatch.setattr(cli.runner, "execute_set", fake)
    assert cli.main(["run", "webserver", "recovery", "--full"]) == 0
    assert seen == {"names": ["webserver", "recovery"], "profiles": {"full"}, "indices": None}
    assert cli.main(["run", "boot", "--index", "2"]) == 0
    assert seen["indices"] == {"boot": [2]} and seen["profiles"] == {"quick"}


def test_index_needs_exactly_one_experiment(capsys):
    assert cli.main(["run", "boot", "tlb", "--index", "0"]) == cli.INVALID
    assert "--index: selects runs of one experiment" in capsys.readouterr().err
