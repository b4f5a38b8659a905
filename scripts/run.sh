#!/usr/bin/env bash
# Runs the server on embedded defaults. Without DB_HOST it starts a
# throwaway PostgreSQL cluster under the data dir (installing the Debian
# postgresql package first when initdb is missing) and stops it on exit.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export KODERA_DATA_DIR=${KODERA_DATA_DIR:-$root/data}
mkdir -p "$KODERA_DATA_DIR"

if [ -z "${DB_HOST:-}" ]; then
  initdb=$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -1 || true)
  if [ -z "$initdb" ]; then
    echo "run: installing PostgreSQL (apt-get install postgresql)"
    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql
    initdb=$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)
  fi
  bindir=$(dirname "$initdb")
  pgdir="$KODERA_DATA_DIR/postgres"
  port=${KODERA_DEV_DB_PORT:-55432}
  if [ -f "$pgdir/port" ]; then port=$(cat "$pgdir/port"); fi
  as_pg=()
  if [ "$(id -u)" = 0 ]; then
    # PostgreSQL refuses to run as root.
    chown -R postgres:postgres "$KODERA_DATA_DIR" 2>/dev/null || true
    chmod 755 "$KODERA_DATA_DIR"
    as_pg=(runuser -u postgres --)
  fi
  if [ ! -f "$pgdir/data/PG_VERSION" ]; then
    mkdir -p "$pgdir" && [ "$(id -u)" = 0 ] && chown postgres:postgres "$pgdir"
    "${as_pg[@]}" "$bindir/initdb" -D "$pgdir/data" -U postgres -A trust --no-sync -E UTF8 >/dev/null
  fi
  if "${as_pg[@]}" "$bindir/pg_ctl" -D "$pgdir/data" status >/dev/null 2>&1; then
    # Left running by an earlier run that was killed: reuse it, leave it up.
    echo "run: reusing the PostgreSQL already running in $pgdir"
  else
    # Another server (another data dir's cluster) may hold the port: take the next free one.
    while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
    echo "$port" >"$pgdir/port"
    # In its own session: signals meant for this script (Ctrl-C, timeout) must
    # not reach the cluster before kodera has closed its connections.
    "${as_pg[@]}" setsid -w "$bindir/pg_ctl" -D "$pgdir/data" -l "$pgdir/postgres.log" \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $pgdir" -w start >/dev/null
    stop_db() { "${as_pg[@]}" "$bindir/pg_ctl" -D "$pgdir/data" -m fast stop >/dev/null 2>&1 || true; }
  fi
  "${as_pg[@]}" "$bindir/psql" -h 127.0.0.1 -p "$port" -U postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname='kodera'" | grep -q 1 || \
    "${as_pg[@]}" "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres kodera
  export DB_HOST=127.0.0.1 DB_PORT=$port DB_DATABASE=kodera DB_USERNAME=postgres
  echo "run: local PostgreSQL on 127.0.0.1:$port (data in $pgdir)"
fi
declare -F stop_db >/dev/null || stop_db() { :; }
"$root/bin/kodera" serve &
pid=$!
cleanup() { kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; stop_db; }
trap cleanup EXIT
trap 'exit 0' INT TERM
wait "$pid"
