#!/usr/bin/python3
"""No two files may import each other: scripts/import_circles.py [BUILD...]

Two graphs, each searched for circles (strongly connected groups of more
than one node):
1. calls: for the object files under BUILD/obj, the source file that
   defines each symbol an object uses (nm); a circle is files calling
   each other, however the headers are arranged.
2. includes: a module is a source file with its header (foo.c + foo.h);
   module A imports B when a file of A includes B's header and B has a
   source file (a header of types or inline code alone imports nothing).
Prints every circle; exit status 1 when there is one.
"""
import collections
import os
import re
import subprocess
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def circles(graph):
    """The strongly connected groups of more than one node (Tarjan)."""
    index, low, stack, on, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while not group or group[-1] != v:
                group.append(stack.pop())
                on.discard(group[-1])
            if len(group) > 1:
                found.append(sorted(group))

    sys.setrecursionlimit(max(1000, 10 * len(graph)))
    for v in list(graph):
        if v not in index:
            visit(v)
    return found


def call_graph(build):
    """Source file -> the source files defining the symbols it uses."""
    objs = [os.path.join(d, f) for d, _, fs in os.walk(os.path.join(build, 'obj'))
            for f in fs if f.endswith('.o') and '/third_party/' not in os.path.join(d, f)]
    defs, uses = {}, collections.defaultdict(set)
    for o in objs:
        src = os.path.relpath(o, os.path.join(build, 'obj'))[:-2]
        for line in subprocess.run(['nm', o], capture_output=True, text=True, check=True).stdout.splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[0] == 'U':
                uses[src].add(parts[1])
            elif len(parts) == 3 and parts[1] in 'TDRBC':
                defs[parts[2]] = src
    return {s: {defs[u] for u in us if u in defs and defs[u] != s} for s, us in uses.items()}


def include_graph(root):
    """Module -> the modules (with a source file) whose headers it includes."""
    files = subprocess.run(['git', 'ls-files', '*.c', '*.h', '*.S'], cwd=root,
                           capture_output=True, text=True, check=True).stdout.split()
    code = {os.path.splitext(f)[0] for f in files if f.endswith(('.c', '.S'))}
    graph = collections.defaultdict(set)
    for f in files:
        module = os.path.splitext(f)[0]
        with open(os.path.join(root, f)) as src:
            for header in INCLUDE.findall(src.read()):
                target = os.path.splitext(header)[0]
                if target != module and target in code:
                    graph[module].add(target)
    return graph


def main(builds):
    found = [('call each other', c) for b in builds for c in circles(call_graph(b))]
    found += [('include each other', c) for c in circles(include_graph('.'))]
    for what, group in found:
        print(f'{what}: {" ".join(group)}')
    print(f'import circles: {len(found)}')
    return 1 if found else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
