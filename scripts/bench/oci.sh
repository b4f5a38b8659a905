#!/usr/bin/env bash
# OCI registry benchmark: kodera against the reference registry (CNCF
# distribution v3.1.2), both on filesystem storage on this machine, the
# same client (curl for blobs, crane for an image, wrk for manifests)
# against each, side by side. Prints MB/s, req/s and RSS with ratios.
#
# Needs: a PostgreSQL on 127.0.0.1:5432 with trust auth (BENCH_PG_URL to
# override), `go tool task tools` (registry, crane), wrk and curl.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin="${KODERA_TOOLS_BIN:-$root/.tools/bin}"
pg="${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}"
for t in "$bin/registry" "$bin/crane"; do
  [ -x "$t" ] || { echo "oci bench: $t missing: run \`go tool task tools\`" >&2; exit 1; }
done
command -v wrk >/dev/null || { echo "oci bench: wrk missing: apt-get install -y wrk" >&2; exit 1; }

work=$(mktemp -d)
db="kodera_bench_$$"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  psql "$pg" -qc "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now() { date +%s.%N; }
mbps() { awk -v b="$1" -v t0="$2" -v t1="$3" 'BEGIN { printf "%.0f", b / (t1 - t0) / 1e6 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }
hwm_kb() { awk '/^VmHWM/ { print $2 }' "/proc/$1/status"; }

echo "oci bench: building kodera and test data in $work"
(cd "$root" && go build -o "$work/kodera" ./cmd/kodera)
head -c $((1 << 20)) /dev/urandom >"$work/b1"
head -c $((64 << 20)) /dev/urandom >"$work/b64"
head -c $((256 << 20)) /dev/urandom >"$work/b256"
head -c $((256 << 20)) /dev/urandom >"$work/c256"
(cd "$work" && split -b $((16 << 20)) -d c256 chunk.)
declare -A dig
for f in b1 b64 b256 c256; do dig[$f]="sha256:$(sha256sum "$work/$f" | cut -d' ' -f1)"; done
gib=$((1 << 30))
zero_dig="sha256:$(head -c $gib /dev/zero | sha256sum | cut -d' ' -f1)"

# --- kodera -------------------------------------------------------------
psql "$pg" -qc "CREATE DATABASE $db" >/dev/null
kport=$(freeport)
KODERA_LISTEN="127.0.0.1:$kport" KODERA_DATA_DIR="$work/kdata" KODERA_LOG_LEVEL=warn \
  DB_HOST=127.0.0.1 DB_PORT=5432 DB_DATABASE="$db" DB_USERNAME=postgres DB_PASSWORD= \
  KODERA_ADMIN_USERNAME=admin KODERA_ADMIN_PASSWORD=bench-admin-password \
  "$work/kodera" serve >"$work/kodera.log" 2>&1 &
kpid=$!; pids+=("$kpid")
for _ in $(seq 1 200); do curl -fs "http://127.0.0.1:$kport/readyz" >/dev/null && break; sleep 0.1; done
curl -fs -u admin:bench-admin-password -H 'Content-Type: application/json' \
  -d '{"name":"bench","type":"docker","visibility":"private"}' "http://127.0.0.1:$kport/api/v1/repositories" >/dev/null

# --- reference registry ---------------------------------------------------
rport=$(freeport)
cat >"$work/registry.yml" <<YML
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $work/rdata
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$rport
YML
OTEL_TRACES_EXPORTER=none "$bin/registry" serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
rpid=$!; pids+=("$rpid")
for _ in $(seq 1 200); do curl -fs "http://127.0.0.1:$rport/v2/" >/dev/null && break; sleep 0.1; done

# auth_header <server>: what each request carries (a registry token for kodera).
auth_header() {
  if [ "$1" = kodera ]; then
    tok=$(curl -fs -u admin:bench-admin-password "http://127.0.0.1:$kport/v2/token?service=bench&scope=repository:bench/img:pull,push,delete" |
      python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
    echo "Authorization: Bearer $tok"
  else
    echo "X-Bench: 1"
  fi
}
base() { if [ "$1" = kodera ]; then echo "http://127.0.0.1:$kport/v2/bench/img"; else echo "http://127.0.0.1:$rport/v2/bench/img"; fi; }

# abs <server> <location>: an absolute upload URL.
abs() {
  case $2 in http*) echo "$2" ;; *) echo "http://127.0.0.1:$([ "$1" = kodera ] && echo "$kport" || echo "$rport")$2" ;; esac
}
# push_blob <server> <base> <header> <file|-> <digest>: POST then a single
# PUT with the whole body (what the reference registry supports as
# "monolithic"; it ignores a body on POST).
push_blob() {
  local loc sep
  loc=$(curl -fs -o /dev/null -D - -H "$3" -X POST "$2/blobs/uploads/" | awk 'tolower($1)=="location:" { print $2 }' | tr -d '\r')
  loc=$(abs "$1" "$loc")
  sep='?'; case $loc in *\?*) sep='&' ;; esac
  curl -fs -o /dev/null -H "$3" -X PUT -H 'Content-Type: application/octet-stream' -T "$4" "$loc${sep}digest=$5"
}

declare -A R H B
for s in kodera registry; do H[$s]=$(auth_header $s); B[$s]=$(base $s); done
best() { # best <key> <value>: keep the highest figure seen
  local cur=${R[$1]:-0}
  [ "$2" -gt "$cur" ] && R[$1]=$2 || true
}

# The servers alternate on every repetition and the best of three counts,
# so that load from other processes on the machine hits both alike.
for rep in 1 2 3; do
  for s in kodera registry; do
    h=${H[$s]} b=${B[$s]}
    # Monolithic pushes (POST, then one PUT with the whole body).
    for f in b1 b64 b256; do
      t0=$(now)
      push_blob $s "$b" "$h" "$work/$f" "${dig[$f]}"
      best "$s,push_$f" "$(mbps "$(stat -c %s "$work/$f")" "$t0" "$(now)")"
    done
    # Chunked push, 16 MiB chunks with Content-Range.
    t0=$(now)
    loc=$(abs $s "$(curl -fs -o /dev/null -D - -H "$h" -X POST "$b/blobs/uploads/" | awk 'tolower($1)=="location:" { print $2 }' | tr -d '\r')")
    off=0
    for c in "$work"/chunk.*; do
      n=$(stat -c %s "$c")
      loc=$(curl -fs -o /dev/null -D - -H "$h" -X PATCH -H 'Content-Type: application/octet-stream' \
        -H "Content-Range: $off-$((off + n - 1))" -T "$c" "$loc" | awk 'tolower($1)=="location:" { print $2 }' | tr -d '\r')
      loc=$(abs $s "$loc")
      off=$((off + n))
    done
    sep='?'; case $loc in *\?*) sep='&' ;; esac
    curl -fs -o /dev/null -H "$h" -X PUT "$loc${sep}digest=${dig[c256]}"
    best "$s,chunked" "$(mbps $((256 << 20)) "$t0" "$(now)")"
    # Pulls (1 MiB: 32 requests over one connection, so curl's start-up
    # is not what is measured).
    for f in b1 b64 b256; do
      reps=1
      [ $f = b1 ] && reps=32
      args=()
      for _ in $(seq 1 $reps); do args+=(-o /dev/null "$b/blobs/${dig[$f]}"); done
      t0=$(now)
      got=$(curl -fs -H "$h" -w '%{size_download}\n' "${args[@]}" | awk '{ n += $1 } END { print n }')
      t1=$(now)
      # A truncated body must not pass for a fast pull.
      want=$(($(stat -c %s "$work/$f") * reps))
      if [ "$got" != "$want" ]; then echo "bench-oci: $s pull $f: $got bytes, want $want" >&2; exit 1; fi
      best "$s,pull_$f" "$(mbps "$want" "$t0" "$t1")"
    done
  done
done

# Manifest GET of a small image pushed with crane.
head -c 4096 /dev/urandom >"$work/small"
(cd "$work" && tar cf small.tar small)
export DOCKER_CONFIG="$work/docker"
"$bin/crane" auth login "127.0.0.1:$kport" -u admin -p bench-admin-password >/dev/null 2>&1
for s in kodera registry; do
  host=127.0.0.1:$([ $s = kodera ] && echo "$kport" || echo "$rport")
  "$bin/crane" append --insecure -f "$work/small.tar" -t "$host/bench/img:v1" >/dev/null 2>&1
done
for rep in 1 2; do
  for s in kodera registry; do
    H[$s]=$(auth_header $s)
    best "$s,manifest" "$(wrk -t2 -c16 -d4s -H "${H[$s]}" -H 'Accept: application/vnd.oci.image.manifest.v1+json' "${B[$s]}/manifests/v1" |
      awk '/Requests\/sec/ { printf "%.0f", $2 }')"
  done
done

# RSS while streaming 1 GiB of unknown length in and out.
for s in kodera registry; do
  h=$(auth_header $s) b=${B[$s]}
  pid=$([ $s = kodera ] && echo "$kpid" || echo "$rpid")
  echo 5 >"/proc/$pid/clear_refs" 2>/dev/null || true
  before=$(rss_kb "$pid")
  head -c $gib /dev/zero | push_blob $s "$b" "$h" - "$zero_dig"
  curl -fs -o /dev/null -H "$h" "$b/blobs/$zero_dig"
  R[$s,rss_growth]=$(( ($(hwm_kb "$pid") - before) / 1024 ))
  R[$s,rss_peak]=$(( $(hwm_kb "$pid") / 1024 ))
done

printf '\n%-34s %12s %12s %8s\n' "OCI registry (fs, best of 3)" kodera reference ratio
row() { printf '%-34s %12s %12s %8s\n' "$1" "${R[kodera,$2]}" "${R[registry,$2]}" "$(ratio "${R[kodera,$2]}" "${R[registry,$2]}")"; }
row "blob pull 1 MiB (MB/s)" pull_b1
row "blob pull 64 MiB (MB/s)" pull_b64
row "blob pull 256 MiB (MB/s)" pull_b256
row "monolithic push 1 MiB (MB/s)" push_b1
row "monolithic push 64 MiB (MB/s)" push_b64
row "monolithic push 256 MiB (MB/s)" push_b256
row "chunked push 256 MiB/16 MiB (MB/s)" chunked
row "manifest GET, wrk -t2 -c16 (req/s)" manifest
row "RSS growth, 1 GiB stream (MiB)" rss_growth
row "peak RSS (MiB)" rss_peak
