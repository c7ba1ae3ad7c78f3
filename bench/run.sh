#!/usr/bin/env bash
# Runs every benchmark in bench/ (each prints its own ratios against runc/crun).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
for b in "$here"/*.sh; do
  [ "$(basename "$b")" = run.sh ] && continue
  echo "== $(basename "$b")"
  bash "$b" "$@"
  echo
done
