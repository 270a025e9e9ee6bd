#!/usr/bin/env bash
# Packages one release binary the way the GitHub Action downloads it (scripts/action/install.sh)
# and the release workflow publishes it (.github/workflows/release.yml):
#
#   OUT/opsbook-TARGET.tar.gz (a .zip for Windows targets), holding opsbook, its man pages,
#   shell completions, the README and the licences; and beside it OUT/opsbook-TARGET.tar.gz.sha256
#   (`sha256sum` format).
#
# The binary's `--version` must name VERSION (the tag without its `v`): a release never ships a
# binary built from another version.
#
# Usage: scripts/release/package.sh BINARY TARGET VERSION OUT
set -euo pipefail
if [ "$#" -ne 4 ]; then
  echo "usage: $0 BINARY TARGET VERSION OUT" >&2
  exit 2
fi
binary="$1" target="$2" version="$3" out="$4"
here="$(cd "$(dirname "$0")/../.." && pwd)"

said="$("$binary" --version)"
if [ "$said" != "opsbook $version" ]; then
  echo "error: $binary --version says '$said', the release is $version; bump Cargo.toml's version before tagging" >&2
  exit 1
fi

name="opsbook-$target"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/$name/man" "$stage/$name/completions" "$out"
exe=""
case "$target" in *windows*) exe=".exe" ;; esac
cp "$binary" "$stage/$name/opsbook$exe"
cp "$here/README.md" "$here/LICENSE-MIT" "$here/LICENSE-APACHE" "$stage/$name/"
# Man pages and completions come from the host's build of the same source: a cross-compiled
# binary may not run here.
helper="${OPSBOOK_HOST_BINARY:-$binary}"
"$helper" man --out "$stage/$name/man" --quiet
for shell in bash zsh fish powershell elvish; do
  "$helper" completions "$shell" > "$stage/$name/completions/opsbook.$shell"
done

out="$(cd "$out" && pwd)"
case "$target" in
  *windows*)
    archive="$name.zip"
    # Git Bash on Windows runners has 7z but not always zip.
    if command -v zip >/dev/null; then
      (cd "$stage" && zip -qr "$out/$archive" "$name")
    else
      (cd "$stage" && 7z a -tzip -bd "$out/$archive" "$name" >/dev/null)
    fi
    ;;
  *)
    archive="$name.tar.gz"
    tar -C "$stage" -czf "$out/$archive" "$name"
    ;;
esac
# macOS has shasum, not sha256sum; both write `HASH  NAME`.
if command -v sha256sum >/dev/null; then
  (cd "$out" && sha256sum "$archive" > "$archive.sha256")
else
  (cd "$out" && shasum -a 256 "$archive" > "$archive.sha256")
fi
echo "$out/$archive"
