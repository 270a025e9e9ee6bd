#!/usr/bin/env bash
# The GitHub Action's first step (action.yml): puts opsbook on the job's PATH.
#
# Downloads the release archive for the runner (scripts/release/package.sh names them
# opsbook-TARGET.tar.gz, .zip on Windows), checks it against its .sha256, and unpacks it. When no
# release asset can be downloaded (a fork without releases, a runner with no prebuilt binary),
# falls back to `cargo install opsbook --locked`. A checksum that does not match is an error,
# never a reason to fall back.
#
# Environment: OPSBOOK_VERSION (`latest`, `0.1.0` or `v0.1.0`), OPSBOOK_REPOSITORY (owner/name
# of the releases; the action's own), OPSBOOK_DOWNLOAD_BASE (default https://github.com; tests
# point it at a loopback server), and the runner's RUNNER_OS, RUNNER_ARCH, RUNNER_TEMP and
# GITHUB_PATH.
set -euo pipefail

version="${OPSBOOK_VERSION:-latest}"
version="${version#v}"
repository="${OPSBOOK_REPOSITORY:?set OPSBOOK_REPOSITORY to the owner/name that publishes opsbook releases}"
base="${OPSBOOK_DOWNLOAD_BASE:-https://github.com}"
temp="${RUNNER_TEMP:-$(mktemp -d)}"
path_file="${GITHUB_PATH:?GITHUB_PATH is not set: this script runs as a step of a GitHub Actions job}"

os="${RUNNER_OS:-$(uname -s)}"
arch="${RUNNER_ARCH:-$(uname -m)}"
case "$os/$arch" in
  Linux/X64 | Linux/x86_64) target=x86_64-unknown-linux-musl ;;
  Linux/ARM64 | Linux/aarch64) target=aarch64-unknown-linux-musl ;;
  macOS/X64 | Darwin/x86_64) target=x86_64-apple-darwin ;;
  macOS/ARM64 | Darwin/arm64) target=aarch64-apple-darwin ;;
  Windows/X64) target=x86_64-pc-windows-msvc ;;
  *) target="" ;;
esac

sha256() {
  if command -v sha256sum >/dev/null; then sha256sum "$1"; else shasum -a 256 "$1"; fi
}

from_source() {
  echo "opsbook: $1; building it with cargo install instead"
  if ! command -v cargo >/dev/null; then
    echo "::error::no opsbook release for this runner ($os/$arch) and no cargo to build it; add a Rust toolchain step (dtolnay/rust-toolchain) before this action"
    exit 1
  fi
  local root="$temp/opsbook-cargo"
  if [ "$version" = latest ]; then
    cargo install opsbook --locked --root "$root"
  else
    cargo install opsbook --locked --version "$version" --root "$root"
  fi
  echo "$root/bin" >> "$path_file"
  "$root/bin/opsbook" --version
}

if [ -z "$target" ]; then
  from_source "no prebuilt binary for $os/$arch"
  exit 0
fi
ext=tar.gz
case "$target" in *windows*) ext=zip ;; esac
asset="opsbook-$target.$ext"
if [ "$version" = latest ]; then
  url="$base/$repository/releases/latest/download/$asset"
else
  url="$base/$repository/releases/download/v$version/$asset"
fi

dir="$temp/opsbook-$version-$target"
rm -rf "$dir"
mkdir -p "$dir"
if ! curl -fsSL --retry 3 --connect-timeout 10 --max-time 300 -o "$dir/$asset" "$url" \
  || ! curl -fsSL --retry 3 --connect-timeout 10 --max-time 60 -o "$dir/$asset.sha256" "$url.sha256"; then
  from_source "cannot download $url"
  exit 0
fi
expected="$(cut -d' ' -f1 < "$dir/$asset.sha256")"
actual="$(sha256 "$dir/$asset" | cut -d' ' -f1)"
if [ "$expected" != "$actual" ]; then
  echo "::error::$asset: SHA-256 $actual does not match the published $expected; not using it"
  exit 1
fi
case "$ext" in
  zip) (cd "$dir" && unzip -q "$asset") ;;
  *) tar -C "$dir" -xzf "$dir/$asset" ;;
esac
echo "$dir/opsbook-$target" >> "$path_file"
"$dir/opsbook-$target/opsbook" --version
