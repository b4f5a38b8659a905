#!/usr/bin/env bash
# Names the Debian packages the tests need and are missing, with the exact
# line to install them, instead of failing somewhere deep in a test.
set -euo pipefail
need=()
have() { command -v "$1" >/dev/null 2>&1; }
have curl    || need+=(curl)
have wget    || need+=(wget)
have skopeo  || need+=(skopeo)
have git     || need+=(git)
have gcc     || need+=(gcc libc6-dev) # go test -race needs cgo
have node    || need+=(nodejs)
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || need+=(chromium)
if [ -z "$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null)" ]; then need+=(postgresql); fi
if [ ${#need[@]} -gt 0 ]; then
  echo "missing system packages; install them with:" >&2
  echo "  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y ${need[*]}" >&2
  exit 1
fi
