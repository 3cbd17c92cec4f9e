#!/usr/bin/env python3
"""Tests for the composite action (action.yml), which actionlint does not check: the file is
coherent (every input and step output it names exists, every run step has a shell, the script
it runs is in the repository), and its installer, run against a local stand-in for the GitHub
releases of a tag, installs the archive for each runner platform, refuses one whose SHA-256 sum
does not match, and resolves "latest" through the redirect GitHub answers with.

Usage: test_action.py BINARY  (an atlas-ear binary for this machine, packed into the archives)"""
import hashlib
import http.server
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
import zipfile

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TAG = "v9.8.7"
results = {"passed": 0, "failed": 0}


def check(name, condition, detail=""):
    if condition:
        results["passed"] += 1
    else:
        results["failed"] += 1
        print(f"FAILED: {name} {detail}")


def test_action_is_coherent():
    with open(os.path.join(ROOT, "action.yml")) as f:
        action = yaml.safe_load(f)
    text = open(os.path.join(ROOT, "action.yml")).read()
    check("has a name and description", action.get("name") and action.get("description"))
    runs = action["runs"]
    check("is a composite action", runs.get("using") == "composite", runs.get("using"))
    inputs = action.get("inputs") or {}
    check("version input", "version" in inputs and inputs["version"].get("description"))
    for used in re.findall(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}", text):
        check(f"input {used} is declared", used in inputs)
    ids = {step.get("id") for step in runs["steps"]}
    for output, spec in (action.get("outputs") or {}).items():
        match = re.fullmatch(r"\$\{\{\s*steps\.([\w-]+)\.outputs\.([\w-]+)\s*\}\}", spec["value"])
        check(f"output {output} names a step", match and match.group(1) in ids, spec["value"])
    for step in runs["steps"]:
        if "run" in step:
            check("a run step has a shell", step.get("shell") in ("bash", "pwsh", "sh", "python"), step)
            for script in re.findall(r"\$GITHUB_ACTION_PATH/([\w./-]+)", step["run"]):
                check(f"{script} exists", os.path.isfile(os.path.join(ROOT, script)))
        else:
            check("a step runs something", "uses" in step, step)


def release(folder, binary):
    """The assets of release TAG: one archive per platform and their SHA256SUMS."""
    assets = os.path.join(folder, "download", TAG)
    os.makedirs(assets)
    sums = []
    for platform in ["linux-x86_64", "linux-aarch64", "darwin-x86_64", "darwin-arm64", "windows-x86_64"]:
        name = f"atlas-ear-{TAG}-{platform}"
        if platform.startswith("windows"):
            archive = os.path.join(assets, name + ".zip")
            with zipfile.ZipFile(archive, "w") as z:
                z.write(binary, f"{name}/atlas-ear.exe")
                z.write(os.path.join(ROOT, "manifest.yml"), f"{name}/manifest.yml")
        else:
            archive = os.path.join(assets, name + ".tar.gz")
            with tarfile.open(archive, "w:gz") as t:
                t.add(binary, f"{name}/atlas-ear")
                t.add(os.path.join(ROOT, "manifest.yml"), f"{name}/manifest.yml")
        with open(archive, "rb") as f:
            sums.append(f"{hashlib.sha256(f.read()).hexdigest()}  {os.path.basename(archive)}\n")
    with open(os.path.join(assets, "SHA256SUMS"), "w") as f:
        f.writelines(sums)
    return assets


class Releases(http.server.SimpleHTTPRequestHandler):
    """Serves the release folder; /latest redirects to /tag/TAG, as GitHub does."""

    def do_HEAD(self):
        self.answer()

    def do_GET(self):
        self.answer()

    def answer(self):
        if self.path == "/latest":
            self.send_response(302)
            self.send_header("Location", f"/tag/{TAG}")
            self.end_headers()
        elif self.path == f"/tag/{TAG}":
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            super().do_GET() if self.command == "GET" else super().do_HEAD()

    def log_message(self, *args):
        pass


def install(base, runner_os, arch, version):
    work = tempfile.mkdtemp()
    files = {name: os.path.join(work, name) for name in ("path", "output")}
    for path in files.values():
        open(path, "w").close()
    env = dict(os.environ, RUNNER_OS=runner_os, RUNNER_ARCH=arch, RUNNER_TEMP=work,
               GITHUB_PATH=files["path"], GITHUB_OUTPUT=files["output"],
               RELEASES_URL=base, VERSION=version)
    done = subprocess.run(["bash", os.path.join(ROOT, ".github/action/install.sh")], env=env,
                          capture_output=True, text=True, timeout=120)
    added = open(files["path"]).read().splitlines()
    outputs = dict(line.split("=", 1) for line in open(files["output"]).read().splitlines())
    return done, added, outputs


def test_installer(binary):
    folder = tempfile.mkdtemp()
    assets = release(folder, binary)
    handler = lambda *a, **k: Releases(*a, directory=folder, **k)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        for runner_os, arch, platform, program in [
            ("Linux", "X64", "linux-x86_64", "atlas-ear"),
            ("Linux", "ARM64", "linux-aarch64", "atlas-ear"),
            ("macOS", "ARM64", "darwin-arm64", "atlas-ear"),
            ("macOS", "X64", "darwin-x86_64", "atlas-ear"),
            ("Windows", "X64", "windows-x86_64", "atlas-ear.exe"),
        ]:
            done, added, outputs = install(base, runner_os, arch, TAG)
            where = f"{runner_os}/{arch}"
            check(f"{where} installs", done.returncode == 0, done.stderr)
            check(f"{where} adds one folder to PATH", len(added) == 1, added)
            if len(added) == 1:
                check(f"{where} picks {platform}", added[0].endswith(f"atlas-ear-{TAG}-{platform}"), added)
                check(f"{where} unpacks {program}", os.path.isfile(os.path.join(added[0], program)))
                check(f"{where} output path", outputs.get("path") == added[0], outputs)
            check(f"{where} output version", outputs.get("version") == TAG, outputs)
        # The installed Linux binary runs (this machine is Linux x86_64).
        done, added, _ = install(base, "Linux", "X64", TAG.lstrip("v"))
        check("a version without v is accepted", done.returncode == 0, done.stderr)
        ran = subprocess.run([os.path.join(added[0], "atlas-ear"), "--version"], capture_output=True, text=True)
        check("the installed binary runs", ran.returncode == 0 and "atlas-ear" in ran.stdout, ran)

        done, added, outputs = install(base, "Linux", "X64", "latest")
        check("latest follows the redirect", done.returncode == 0 and outputs.get("version") == TAG, done.stderr)

        done, added, _ = install(base, "Linux", "X64", "main; rm -rf /")
        check("a malformed version is refused", done.returncode != 0 and "release tag" in done.stderr and not added, done.stderr)
        done, added, _ = install(base, "FreeBSD", "X64", TAG)
        check("an unknown OS is refused", done.returncode != 0 and "unsupported runner OS" in done.stderr, done.stderr)

        # A tampered archive: the sums no longer match, nothing is put on PATH.
        archive = os.path.join(assets, f"atlas-ear-{TAG}-linux-x86_64.tar.gz")
        with open(archive, "ab") as f:
            f.write(b"tampered")
        done, added, _ = install(base, "Linux", "X64", TAG)
        check("a tampered archive is refused", done.returncode != 0 and "does not match its SHA-256 sum" in done.stderr and not added, done.stderr)
        os.remove(os.path.join(assets, "SHA256SUMS"))
        done, added, _ = install(base, "Linux", "X64", TAG)
        check("missing sums are refused", done.returncode != 0 and not added, done.stderr)
    finally:
        server.shutdown()
        shutil.rmtree(folder)


if __name__ == "__main__":
    test_action_is_coherent()
    test_installer(sys.argv[1])
    print(f"action: {results['passed']} passed, {results['failed']} failed")
    sys.exit(1 if results["failed"] else 0)
