#!/usr/bin/env bash
# Files repositories (issue 5): PUT and GET MB/s of 1 MiB and 256 MiB files,
# kodera (its own process, filesystem store) side by side with nginx serving
# and accepting (WebDAV PUT) the same files on this machine. The servers take
# turns request by request, so both see the same load. Target: GET >= 0.9x.
#
# Runs handlers/files BenchmarkFiles (which skips itself unless
# KODERA_BENCH_FILES=1, so `go test -bench . ./...` does not run it twice)
# and prints it as a table. COUNT=3 repeats the measurement and prints the
# means.
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
  printf "%-8s %-4s %14s %14s %8s %16s\n", "size", "op", "kodera MB/s", "nginx MB/s", "ratio", "anonymous MB/s"
  for (k = 1; k <= n; k++) {
    s = order[k]
    printf "%-8s %-4s %14s %14s %8s %16s\n", s, "GET", v[s, "kodera-GET-MB/s"], v[s, "nginx-GET-MB/s"], v[s, "GET-ratio"], v[s, "kodera-anonymous-GET-MB/s"]
    printf "%-8s %-4s %14s %14s %8s %16s\n", s, "PUT", v[s, "kodera-PUT-MB/s"], v[s, "nginx-PUT-MB/s"], v[s, "PUT-ratio"], ""
  }
  print "(kodera: token-authenticated, sha256+sha1+md5 and fsync on every PUT; anonymous: public repository, no credentials, like nginx)"
}'
