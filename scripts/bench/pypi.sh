#!/usr/bin/env bash
# PyPI simple index (issue 10): requests/s and p99 of the project page of a
# project with 1,000 files and of the root index of a repository with
# 100,000 projects, HTML and JSON (PEP 503/691), kodera side by side with
# nginx serving the very same bytes as static files, under wrk
# (-t2 -c16, DURATION each, default 10s). Target: >= 0.5x nginx, p99 <= 50
# ms. The 1,000 files are uploaded through the protocol (twine's legacy
# API, with curl), and the upload rate of the first and last hundred shows
# that uploads do not slow down as the project grows; the 100,000 projects
# are seeded in SQL (packages rows, which is all the root index reads).
#
# Needs: a PostgreSQL on 127.0.0.1:5432 with trust auth (BENCH_PG_URL to
# override), nginx, wrk, curl and /usr/bin/python3 (apt-get install -y
# nginx wrk curl python3). On a shared machine compare the ratios of one
# run, not req/s across runs.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
pg="${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}"
dur="${DURATION:-10s}"
for t in wrk curl psql; do
  command -v "$t" >/dev/null || { echo "pypi bench: $t missing (apt-get install -y wrk curl postgresql-client)" >&2; exit 1; }
done
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$nginx_bin" ] || { echo "pypi bench: nginx missing (apt-get install -y nginx)" >&2; exit 1; }

work=$(mktemp -d)
db="kodera_bench_pypi_$$"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  psql "$pg" -qc "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
freeport() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

echo "pypi bench: building kodera and 1,000 wheels in $work"
(cd "$root" && go build -o "$work/kodera" ./cmd/kodera)
mkdir -p "$work/wheels"
/usr/bin/python3 - "$work/wheels" <<'PY'
import sys, zipfile, hashlib, os
out = sys.argv[1]
for i in range(1000):
    v = f"1.0.{i}"
    name = f"big_project-{v}-py3-none-any.whl"
    with zipfile.ZipFile(os.path.join(out, name), "w") as z:
        z.writestr("big_project/__init__.py", f"V = {v!r}\n")
        z.writestr(f"big_project-{v}.dist-info/METADATA",
                   f"Metadata-Version: 2.1\nName: big-project\nVersion: {v}\nSummary: bench\nRequires-Python: >=3.8\n\nbench\n")
        z.writestr(f"big_project-{v}.dist-info/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
PY

psql "$pg" -qc "CREATE DATABASE $db" >/dev/null
kport=$(freeport)
KODERA_LISTEN="127.0.0.1:$kport" KODERA_DATA_DIR="$work/kdata" KODERA_LOG_LEVEL=warn \
  DB_HOST=127.0.0.1 DB_PORT=5432 DB_DATABASE="$db" DB_USERNAME=postgres DB_PASSWORD= \
  KODERA_ADMIN_USERNAME=admin KODERA_ADMIN_PASSWORD=bench-admin-password \
  "$work/kodera" serve >"$work/kodera.log" 2>&1 &
kpid=$!; pids+=("$kpid")
for _ in $(seq 1 200); do curl -fs "http://127.0.0.1:$kport/readyz" >/dev/null && break; sleep 0.1; done
k="http://127.0.0.1:$kport"
for repo in big many; do
  curl -fs -u admin:bench-admin-password -H 'Content-Type: application/json' \
    -d "{\"name\":\"$repo\",\"type\":\"pypi\",\"visibility\":\"public\"}" "$k/api/v1/repositories" >/dev/null
done

# Upload the 1,000 wheels, timing each hundred.
rates=()
files=("$work"/wheels/*.whl)
IFS=$'\n' files=($(printf '%s\n' "${files[@]}" | sort -V)); unset IFS
for ((h = 0; h < 10; h++)); do
  t0=$(date +%s.%N)
  for ((i = h * 100; i < h * 100 + 100; i++)); do
    f=${files[$i]}; v=$(basename "$f" | cut -d- -f2)
    curl -fs -u admin:bench-admin-password -F ":action=file_upload" -F "protocol_version=1" -F "name=big-project" \
      -F "version=$v" -F "filetype=bdist_wheel" -F "sha256_digest=$(sha256sum "$f" | cut -d' ' -f1)" \
      -F "content=@$f;type=application/octet-stream" "$k/api/python/big/" >/dev/null
  done
  t1=$(date +%s.%N)
  rates+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", 100 / (b - a) }')")
done

dburl=$(echo "$pg" | sed -E "s#/[^/?]+(\?|$)#/$db\1#")
psql "$dburl" -qc "
  INSERT INTO packages (repository_id, name, normalized_name)
  SELECT r.id, 'Project_' || g, 'project-' || g FROM repositories r, generate_series(1, 100000) g WHERE r.name = 'many';
  INSERT INTO pypi_index (repository_id, serial) SELECT id, 1 FROM repositories WHERE name = 'many'
  ON CONFLICT (repository_id) DO UPDATE SET serial = pypi_index.serial + 1;" >/dev/null

json='application/vnd.pypi.simple.v1+json'
declare -A url accept
url[project-html]="$k/api/python/big/simple/big-project/"; accept[project-html]="text/html"
url[project-json]="$k/api/python/big/simple/big-project/"; accept[project-json]="$json"
url[root-html]="$k/api/python/many/simple/";               accept[root-html]="text/html"
url[root-json]="$k/api/python/many/simple/";               accept[root-json]="$json"
cases=(project-html project-json root-html root-json)

# nginx serves the bytes kodera answers, as static files.
mkdir -p "$work/www" "$work/nlogs"
for c in "${cases[@]}"; do curl -fs -H "Accept: ${accept[$c]}" "${url[$c]}" -o "$work/www/$c"; done
nport=$(freeport)
user=""; [ "$(id -u)" = 0 ] && user="user root;"
cat >"$work/nginx.conf" <<CONF
$user
worker_processes auto;
daemon off;
pid $work/nginx.pid;
error_log $work/nlogs/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  default_type text/html;
  server { listen 127.0.0.1:$nport; root $work/www; }
}
CONF
"$nginx_bin" -p "$work" -c "$work/nginx.conf" -e "$work/nlogs/error.log" &
pids+=("$!")
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$nport/root-html" -o /dev/null && break; sleep 0.1; done

# run_wrk <url> <accept>: "<req/s> <p99 ms>"
run_wrk() {
  wrk -t2 -c16 -d"$dur" --latency -H "Accept: $2" "$1" | awk '
    /Requests\/sec:/ { rps = $2 }
    $1 == "99%" { v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v)
                  p99 = (u == "us") ? v / 1000 : (u == "s") ? v * 1000 : (u == "m") ? v * 60000 : v }
    END { printf "%.0f %.2f\n", rps, p99 }'
}

printf "%-13s %9s %12s %12s %12s %12s %7s\n" case bytes "kodera req/s" "kodera p99ms" "nginx req/s" "nginx p99ms" ratio
for c in "${cases[@]}"; do
  read -r krps kp99 <<<"$(run_wrk "${url[$c]}" "${accept[$c]}")"
  read -r nrps np99 <<<"$(run_wrk "http://127.0.0.1:$nport/$c" "*/*")"
  printf "%-13s %9s %12s %12s %12s %12s %7s\n" "$c" "$(stat -c %s "$work/www/$c")" "$krps" "$kp99" "$nrps" "$np99" \
    "$(awk -v a="$krps" -v b="$nrps" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')"
done
echo "uploads/s per hundred files (1st .. 10th): ${rates[*]}"
echo "(wrk -t2 -c16 -d$dur on the same machine as both servers and PostgreSQL; kodera anonymous on public repositories)"
