#!/usr/bin/env bash
# Runs a command with a PostgreSQL for the tests. KODERA_TEST_DATABASE_URL
# wins; else the server on 127.0.0.1:5432 when it answers; else a throwaway
# cluster (initdb in a temporary directory, a free port, trust auth) that is
# stopped and removed when the command ends.
set -euo pipefail
if [ -n "${KODERA_TEST_DATABASE_URL:-}" ] || (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then
  exec "$@"
fi
initdb=$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$initdb" ]; then
  echo "test: PostgreSQL is not installed (scripts/test-deps.sh installs it as root)" >&2
  exit 1
fi
bindir=$(dirname "$initdb")
dir=$(mktemp -d /tmp/kodera-testdb.XXXXXX)
as_pg=()
if [ "$(id -u)" = 0 ]; then
  chown postgres:postgres "$dir"   # PostgreSQL refuses to run as root
  as_pg=(runuser -u postgres --)
fi
port=55532
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
"${as_pg[@]}" "$bindir/initdb" -D "$dir/data" -U postgres -A trust --no-sync -E UTF8 >/dev/null
# fsync off: a throwaway cluster for tests needs no durability.
"${as_pg[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/pg.log" -w start \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=300" >/dev/null
cleanup() { "${as_pg[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap cleanup EXIT
echo "test: throwaway PostgreSQL on 127.0.0.1:$port"
export KODERA_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
"$@"
