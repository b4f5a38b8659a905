#!/usr/bin/env bash
# Installs the pinned Go-based test tools into .tools/bin, skipping those
# already present. Kept out of go.mod on purpose: helm alone drags in
# Kubernetes.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/.tools/bin"
mkdir -p "$bin"
export GOBIN="$bin" GOFLAGS=-mod=mod

tool() { # name package@version
  local name=$1 pkg=$2 stamp="$bin/.$1.version"
  if [ -x "$bin/$name" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$pkg" ]; then return; fi
  echo "tools: installing $pkg"
  (cd "$root/.tools" && go install "$pkg")
  echo "$pkg" >"$stamp"
}

mkdir -p "$root/.tools"
tool versitygw github.com/versity/versitygw/cmd/versitygw@v1.8.0
tool crane github.com/google/go-containerregistry/cmd/crane@v0.22.1
tool oras oras.land/oras/cmd/oras@v1.3.6
tool helm helm.sh/helm/v3/cmd/helm@v3.22.0
# The reference registry the OCI benchmark compares with (scripts/bench/oci.sh).
tool registry github.com/distribution/distribution/v3/cmd/registry@v3.1.2

# The OCI distribution-spec conformance suite, compiled as a test binary.
conf=github.com/opencontainers/distribution-spec/conformance@v0.0.0-20260831232431-97274622c111
if ! [ -x "$bin/conformance.test" ] || [ "$(cat "$bin/.conformance.version" 2>/dev/null)" != "$conf" ]; then
  echo "tools: building $conf"
  d="$root/.tools/conf"
  rm -rf "$d" && mkdir -p "$d"
  (cd "$d" && go mod init conf >/dev/null 2>&1 && go get "$conf" && \
    go test -c -o "$bin/conformance.test" github.com/opencontainers/distribution-spec/conformance)
  echo "$conf" >"$bin/.conformance.version"
fi
