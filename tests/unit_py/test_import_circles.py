"""scripts/import_circles.py finds files that import each other."""
import importlib.util
import subprocess

from conftest import ROOT

spec = importlib.util.spec_from_file_location("import_circles", ROOT / "scripts" / "import_circles.py")
ic = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ic)


def test_circles_are_groups_of_more_than_one():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}}
    assert ic.circles(graph) == [["a", "b", "c"]]
    assert ic.circles({"a": {"b"}, "b": set()}) == []


def git_tree(tmp_path, files):
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "."], cwd=tmp_path, check=True)
    return tmp_path


def test_include_circle_between_modules(tmp_path):
    root = git_tree(tmp_path, {
        "k/main.c": '#include "k/steady.h"\n', "k/main.h": "",
        "k/steady.c": '#include "k/main.h"\n', "k/steady.h": "",
        "k/types.h": '#include "k/main.h"\n', "k/user.c": '#include "k/types.h"\n',
    })
    assert ic.circles(ic.include_graph(root)) == [["k/main", "k/steady"]]


def test_header_without_source_imports_nothing(tmp_path):
    # vcpu.c includes server.h (declarations of pibs.c), server.h needs vcpu.h's types
    root = git_tree(tmp_path, {
        "s/vcpu.c": '#include "s/server.h"\n', "s/vcpu.h": "",
        "s/server.h": '#include "s/vcpu.h"\n', "s/pibs.c": '#include "s/server.h"\n',
    })
    assert ic.circles(ic.include_graph(root)) == []
