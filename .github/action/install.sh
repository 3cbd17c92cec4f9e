#!/usr/bin/env bash
# Installs a released atlas-ear for this runner (the composite action in action.yml runs it):
# picks the archive for the runner's OS and architecture, checks it against the release's
# SHA256SUMS, unpacks it and puts its folder on PATH for the job's later steps.
#
# Reads: VERSION (a tag such as v1.2.3, or "latest"), RUNNER_OS, RUNNER_ARCH, RUNNER_TEMP,
# GITHUB_PATH, GITHUB_OUTPUT; RELEASES_URL (default: the project's GitHub releases).
set -euo pipefail

releases="${RELEASES_URL:-https://github.com/atlas-ear/atlas-ear/releases}"
fail() { echo "::error::$*" >&2; exit 1; }

case "${RUNNER_OS:-}" in
  Linux) os=linux ext=tar.gz ;;
  macOS) os=darwin ext=tar.gz ;;
  Windows) os=windows ext=zip ;;
  *) fail "unsupported runner OS '${RUNNER_OS:-}' (Linux, macOS and Windows are supported)" ;;
esac
case "${RUNNER_ARCH:-}/$os" in
  X64/*) arch=x86_64 ;;
  ARM64/linux) arch=aarch64 ;;
  ARM64/darwin) arch=arm64 ;;
  # Windows on Arm runs x86_64 programs through its emulation layer.
  ARM64/windows) arch=x86_64 ;;
  *) fail "unsupported runner architecture '${RUNNER_ARCH:-}' on $os" ;;
esac

version="${VERSION:-latest}"
if [ "$version" = latest ]; then
  # GitHub answers /releases/latest with a redirect to /releases/tag/<tag>.
  resolved=$(curl -fsSLI -o /dev/null -w '%{url_effective}' "$releases/latest") ||
    fail "cannot find the latest release at $releases"
  version="${resolved##*/}"
fi
case "$version" in v*) ;; *) version="v$version" ;; esac
[[ "$version" =~ ^v[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$ ]] ||
  fail "version must be a release tag such as v1.2.3, or latest; got '$version'"

asset="atlas-ear-$version-$os-$arch.$ext"
work="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/atlas-ear-$version-$os-$arch"
rm -rf "$work"
mkdir -p "$work"
echo "Downloading $asset"
curl -fsSL --retry 3 -o "$work/$asset" "$releases/download/$version/$asset" ||
  fail "cannot download $releases/download/$version/$asset"
curl -fsSL --retry 3 -o "$work/SHA256SUMS" "$releases/download/$version/SHA256SUMS" ||
  fail "cannot download the checksums of $version"

expected=$(awk -v name="$asset" '$2 == name || $2 == "*" name { print $1 }' "$work/SHA256SUMS")
[ -n "$expected" ] || fail "SHA256SUMS of $version has no line for $asset"
if command -v sha256sum >/dev/null 2>&1; then
  actual=$(sha256sum "$work/$asset" | awk '{ print $1 }')
else
  actual=$(shasum -a 256 "$work/$asset" | awk '{ print $1 }')
fi
[ "$actual" = "$expected" ] || fail "$asset does not match its SHA-256 sum (expected $expected, got $actual)"

if [ "$ext" = zip ]; then
  if command -v unzip >/dev/null 2>&1; then unzip -q "$work/$asset" -d "$work"; else 7z x -bso0 "-o$work" "$work/$asset"; fi
else
  tar -xzf "$work/$asset" -C "$work"
fi
folder="$work/atlas-ear-$version-$os-$arch"
[ -f "$folder/atlas-ear" ] || [ -f "$folder/atlas-ear.exe" ] || fail "$asset holds no atlas-ear binary"

if [ "$os" = windows ] && command -v cygpath >/dev/null 2>&1; then
  folder=$(cygpath -w "$folder")
fi
echo "$folder" >> "${GITHUB_PATH:?GITHUB_PATH is not set}"
{
  echo "version=$version"
  echo "path=$folder"
} >> "${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}"
echo "Installed atlas-ear $version in $folder"
