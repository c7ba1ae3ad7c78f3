#!/usr/bin/env bash
# Writes the git commit the build is made from to OUT, the resource jrun.Version.commit() reads for
# `jrun --version` ("commit: ..." as runc prints it; Docker shows that line). "unknown" when SRC is
# not the top of a git checkout (a source tarball unpacked inside some other repository included).
set -euo pipefail
src=${1:?usage: write-commit.sh SRC OUT} out=${2:?usage: write-commit.sh SRC OUT}
mkdir -p "$(dirname "$out")"
commit=unknown
if top=$(git -C "$src" rev-parse --show-toplevel 2>/dev/null) && [ "$(cd "$top" && pwd -P)" = "$(cd "$src" && pwd -P)" ]; then
  commit=$(git -C "$src" rev-parse HEAD 2>/dev/null) || commit=unknown
fi
printf '%s\n' "$commit" > "$out.tmp"
mv -f "$out.tmp" "$out"
