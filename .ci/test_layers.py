#!/usr/bin/env python3
"""Tests for layers.py: it must fail on an upward import, on a cycle and on a module with no
layer, follow `super::` and grouped `use crate::{...}` paths, and pass a clean tree."""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
LAYERS = "floor,low,high"


def tree(files):
    root = tempfile.mkdtemp()
    for path, text in files.items():
        full = os.path.join(root, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as f:
            f.write(text)
    return root


def check(files):
    root = tree(files)
    run = subprocess.run(
        [sys.executable, os.path.join(HERE, "layers.py"), root, LAYERS],
        capture_output=True,
        text=True,
    )
    return run.returncode, run.stdout


BASE = {
    "lib.rs": "mod floor; mod low; mod high;\nuse crate::high::go;\n",
    "floor.rs": "pub fn f() {}\n",
    "low/mod.rs": "pub mod a;\npub mod b;\nuse crate::floor::f;\n",
    "low/a.rs": "use crate::floor::f;\n",
    "low/b.rs": "use super::a;\n",
    "high/mod.rs": "use crate::low::{a, b};\npub fn go() {}\n",
}


def case(name, changes, want_code, want_text=""):
    files = dict(BASE)
    files.update(changes)
    code, out = check(files)
    ok = code == want_code and want_text in out
    print(("ok  " if ok else "FAIL") + f" {name}" + ("" if ok else f": exit {code}, {out!r}"))
    return ok


results = [
    case("a clean tree passes", {}, 0),
    case("an upward import fails", {"low/a.rs": "use crate::high::go;\n"}, 1, "low::a imports high"),
    case("an upward import inside a group fails",
         {"floor.rs": "use crate::{low::a, high};\n"}, 1, "floor imports high"),
    case("a cycle inside a layer fails", {"low/a.rs": "use crate::low::b;\n"}, 1, "cycle between modules: low::a, low::b"),
    case("super:: is followed", {"low/b.rs": "use super::super::high::go;\n"}, 1, "low::b imports high"),
    case("a module with no layer fails", {"extra.rs": "\n"}, 1, "module extra has no layer"),
    case("tests may reach anywhere",
         {"floor.rs": "#[cfg(test)]\nmod tests {\n    use crate::high::go;\n}\n"}, 0),
    case("comments are not imports", {"floor.rs": "// see crate::high::go\n"}, 0),
]
print(f"{sum(results)} passed, {len(results) - sum(results)} failed")
sys.exit(0 if all(results) else 1)
