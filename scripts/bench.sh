#!/usr/bin/env bash
# Client-driven benchmarks: each scripts/bench/*.sh runs one protocol's
# scenario against kodera and a reference server side by side and prints
# its comparison table.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shopt -s nullglob
for s in "$root"/scripts/bench/*.sh; do
  echo "== $(basename "$s" .sh)"
  bash "$s"
done
