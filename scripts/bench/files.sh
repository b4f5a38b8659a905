#!/usr/bin/env bash
# Files repositories (issue 5, issue 8): PUT and GET MB/s and p99 latency of
# 1 MiB and 256 MiB files, kodera (its own process, filesystem store) side
# by side with nginx serving and accepting (WebDAV PUT) the same files on
# this machine. The servers take turns request by request, so both see the
# same load. Kodera GETs are measured with a token, with a Basic password
# and anonymously on a public repository, one client and eight at once.
# Target: GET >= 0.9x nginx with a
# token and anonymously at 1 MiB, >= 1.0x at 256 MiB.
#
# Runs handlers/files BenchmarkFiles (which skips itself unless
# KODERA_BENCH_FILES=1, so `go test -bench . ./...` does not run it twice)
# and prints it as a table. COUNT=3 repeats the measurement and prints the
# means. On a shared machine the figures are noisy: compare ratios from one
# run, not MB/s across runs.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  echo "bench-files: nginx is not installed (apt-get install -y nginx): kodera figures only" >&2
fi
out=$(KODERA_BENCH_FILES=1 go test -run '^$' -bench '^BenchmarkFiles$' -benchtime 1x -count "${COUNT:-1}" ./handlers/files)
echo "$out" | awk '
/^BenchmarkFiles\// {
  split($1, a, "/"); size = a[2]; sub(/-[0-9]+$/, "", size)
  for (i = 3; i < NF; i += 2) { sum[size, $(i+1)] += $i; cnt[size, $(i+1)]++ }
  if (!(size in seen)) { seen[size] = 1; order[++n] = size }
}
END {
  for (k in sum) v[k] = sprintf("%.2f", sum[k] / cnt[k])
  printf "%-8s %-15s %12s %10s %14s %8s\n", "size", "case", "MB/s", "p99 ms", "nginx MB/s", "ratio"
  for (k = 1; k <= n; k++) {
    s = order[k]
    printf "%-8s %-15s %12s %10s %14s %8s\n", s, "GET token", v[s, "kodera-GET-MB/s"], v[s, "kodera-GET-p99-ms"], v[s, "nginx-GET-MB/s"], v[s, "GET-ratio"]
    printf "%-8s %-15s %12s %10s %14s %8s\n", s, "GET anonymous", v[s, "kodera-anonymous-GET-MB/s"], v[s, "kodera-anonymous-GET-p99-ms"], "", v[s, "anonymous-GET-ratio"]
    printf "%-8s %-15s %12s %10s %14s %8s\n", s, "GET basic", v[s, "kodera-basic-GET-MB/s"], v[s, "kodera-basic-GET-p99-ms"], "", v[s, "basic-GET-ratio"]
    printf "%-8s %-15s %12s %10s %14s %8s\n", s, "GET nginx", v[s, "nginx-GET-MB/s"], v[s, "nginx-GET-p99-ms"], "", ""
    if ((s, "nginx-GET-c8-MB/s") in v) {
      printf "%-8s %-15s %12s %10s %14s %8s\n", s, "GET token x8", v[s, "kodera-GET-c8-MB/s"], v[s, "kodera-GET-c8-p99-ms"], v[s, "nginx-GET-c8-MB/s"], v[s, "GET-c8-ratio"]
      printf "%-8s %-15s %12s %10s %14s %8s\n", s, "GET anon x8", v[s, "kodera-anonymous-GET-c8-MB/s"], v[s, "kodera-anonymous-GET-c8-p99-ms"], "", v[s, "anonymous-GET-c8-ratio"]
      printf "%-8s %-15s %12s %10s %14s %8s\n", s, "GET basic x8", v[s, "kodera-basic-GET-c8-MB/s"], v[s, "kodera-basic-GET-c8-p99-ms"], "", v[s, "basic-GET-c8-ratio"]
      printf "%-8s %-15s %12s %10s %14s %8s\n", s, "GET nginx x8", v[s, "nginx-GET-c8-MB/s"], v[s, "nginx-GET-c8-p99-ms"], "", ""
    }
    printf "%-8s %-15s %12s %10s %14s %8s\n", s, "PUT token", v[s, "kodera-PUT-MB/s"], v[s, "kodera-PUT-p99-ms"], v[s, "nginx-PUT-MB/s"], v[s, "PUT-ratio"]
  }
  print "(token: Bearer API token, remembered 2 s per node; basic: Basic password, its verification remembered 60 s;"
  print " anonymous: public repository, no credentials, like nginx; x8: eight clients at once;"
  print " PUT: sha256+sha1+md5 and fsync)"
}'
