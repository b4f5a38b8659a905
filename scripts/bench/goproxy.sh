#!/usr/bin/env bash
# Go repositories (issue 11): requests/s and p99 of the GOPROXY's .info,
# .mod and .zip over 1,000 module versions (anonymous reads, 8 concurrent
# keep-alive clients), side by side with nginx serving the same bytes as a
# static GOPROXY tree; and the time from `git push` of a tag to @v/list
# showing the version (median and max of five pushes). Target: >= 0.5x
# nginx.
#
# Runs handlers/goproxy BenchmarkGoproxy (which skips itself unless
# KODERA_BENCH_GO=1) and prints it as a table. Kodera runs as its own
# process (built from cmd/kodera, filesystem store), like nginx; the client,
# kodera, nginx and PostgreSQL share this machine's cores: compare the
# ratio of one run.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  echo "bench-goproxy: nginx is not installed (apt-get install -y nginx): kodera figures only" >&2
fi
out=$(KODERA_BENCH_GO=1 go test -run '^$' -bench '^BenchmarkGoproxy$' -benchtime 1x -count 1 ./handlers/goproxy)
echo "$out" | awk '
/^BenchmarkGoproxy\// {
  split($1, a, "/"); k = a[2]; sub(/-[0-9]+$/, "", k)
  for (i = 3; i < NF; i += 2) v[k, $(i+1)] = $i
  if (!(k in seen)) { seen[k] = 1; order[++n] = k }
}
END {
  printf "%-8s %12s %10s %12s %10s %8s\n", "file", "kodera r/s", "p99 ms", "nginx r/s", "p99 ms", "ratio"
  for (j = 1; j <= n; j++) {
    k = order[j]
    if (k == "push-to-listed" || k == "upload") continue
    printf "%-8s %12s %10s %12s %10s %8s\n", k, v[k, "kodera-req/s"], v[k, "kodera-p99-ms"], v[k, "nginx-req/s"], v[k, "nginx-p99-ms"], v[k, "ratio"]
  }
  printf "git push of a tag -> listed: median %s ms, max %s ms (5 pushes)\n", v["push-to-listed", "median-ms"], v["push-to-listed", "max-ms"]
  printf "setup: module zip uploads (REST API, one client): %s uploads/s\n", v["upload", "uploads/s"]
}'
