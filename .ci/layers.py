#!/usr/bin/env python3
"""Checks that a crate's modules form layers whose imports point one way, with no cycle.

Usage: layers.py CRATE_SRC LAYERS
  LAYERS is a comma-separated list from the bottom up; each entry is a top-level module (a
  file `x.rs` or a folder `x/`), and entries joined with `+` share one floor, for example
  `errors+secret,cli,settings,auth,http,api,commands,output`. The crate root (`lib.rs`) sits
  above every layer. A top-level module not named in LAYERS is an error, so a new folder must
  be given its place.

It reads `crate::` and `super::` paths (no macro expansion), so a path in a string or a
comment outside `//` lines can fool it; `#[cfg(test)] mod tests` blocks are ignored, since
tests may reach anywhere. It prints one line per problem and exits 1 if there is any:
  - an import from a module to one in a higher layer;
  - an import between two modules that sit on the same floor but are different top-level
    modules and form a cycle;
  - any cycle between files, inside a layer or across them.
"""
import os
import re
import sys


def modules(src):
    """Module path (a tuple) -> file, for every .rs file under src."""
    found = {}
    for root, _, files in os.walk(src):
        for name in files:
            if not name.endswith(".rs"):
                continue
            path = os.path.join(root, name)
            parts = os.path.relpath(path, src)[:-3].split(os.sep)
            if parts[-1] == "mod":
                parts = parts[:-1]
            if parts in (["lib"], ["main"]):
                parts = []
            found[tuple(parts)] = path
    return found


def strip(text):
    text = re.sub(r"#\[cfg\(test\)\]\s*mod\s+tests\s*\{.*", "", text, flags=re.S)
    text = re.sub(r"(?m)//.*$", "", text)
    return text


def expand_use_groups(text):
    """`use crate::a::{b, c::d}` -> `crate::a::b crate::a::c::d` (one level of braces)."""
    def one(match):
        prefix, inner = match.group(1), match.group(2)
        parts = [p.strip() for p in inner.split(",") if p.strip()]
        return " ".join(f"{prefix}::{p.split(' as ')[0].strip()}" for p in parts)
    return re.sub(r"((?:crate|super)(?:::\w+)*)::\{([^{}]*)\}", one, text)


def arrows(mods):
    """Module -> set of modules it names."""
    edges = {m: set() for m in mods}
    for module, path in mods.items():
        with open(path, encoding="utf-8", errors="replace") as f:
            text = expand_use_groups(strip(f.read()))
        for path_text in re.findall(r"\b((?:crate|super)(?:::(?:\w+|\*))+)", text):
            segs = path_text.split("::")
            if segs[0] == "crate":
                base = []
            else:
                # Each `super` is one step up from the module itself: in `a::b` it is `a`.
                base = list(module)
                while segs and segs[0] == "super":
                    base = base[:-1]
                    segs = segs[1:]
                segs = ["crate"] + segs
            names = base + [s for s in segs[1:] if s != "*"]
            for i in range(len(names), 0, -1):
                target = tuple(names[:i])
                if target in mods:
                    related = target[: len(module)] == module or module[: len(target)] == target
                    if target != module and not related:
                        edges[module].add(target)
                    break
    return edges


def cycles(edges):
    index, low, stack, on_stack, found, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(10000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def name(module):
    return "::".join(module) or "crate root"


def check(src, layer_spec):
    mods = modules(src)
    floors = {}
    for height, entry in enumerate(layer_spec.split(",")):
        for top in entry.split("+"):
            floors[top.strip()] = height
    problems = []
    for module in sorted(mods):
        if module and module[0] not in floors:
            problems.append(f"{src}: module {name(module)} has no layer; add `{module[0]}` to the layer list")
    if problems:
        return problems
    top = len(floors) + 1

    def floor(module):
        return floors[module[0]] if module else top

    edges = arrows(mods)
    for module in sorted(edges):
        for target in sorted(edges[module]):
            if floor(target) > floor(module):
                problems.append(
                    f"{src}: {name(module)} imports {name(target)}, which sits in a higher layer"
                )
    for component in cycles(edges):
        problems.append(f"{src}: cycle between modules: {', '.join(name(m) for m in component)}")
    return problems


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    problems = check(argv[1], argv[2])
    for line in problems:
        print(line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
