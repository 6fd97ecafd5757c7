#!/usr/bin/env bash
# A throwaway PostgreSQL 15 + PostGIS cluster for the test suite, from Debian's
# packages (postgresql-15, postgresql-15-postgis-3: scripts/install-system-deps.sh).
#
#   bash scripts/test-postgres.sh start   # start it (or find it running) and print the export line
#   bash scripts/test-postgres.sh url     # print the export line of the running cluster
#   bash scripts/test-postgres.sh stop    # stop it and remove its folder
#
#   eval "$(bash scripts/test-postgres.sh start)"   # then: make test
#
# The cluster lives in ${TMPDIR:-/tmp}/gridwatch-pgtest-<port>, listens on
# 127.0.0.1 only (port PGTEST_PORT, default 54329) with trust authentication,
# and has the database gridwatch_test with the postgis extension. Safe to run
# again: start on a running cluster only prints the line. As root the server
# runs as the postgres user.
set -euo pipefail

PORT="${PGTEST_PORT:-54329}"
DB=gridwatch_test
BIN="${PGTEST_BIN:-/usr/lib/postgresql/15/bin}"
ROOT="${TMPDIR:-/tmp}/gridwatch-pgtest-$PORT"
DATA="$ROOT/data"
LOG="$ROOT/server.log"

as_owner() {
  if [ "$(id -u)" = "0" ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

superuser() {
  # The cluster's superuser: "postgres" when root made it, else whoever ran initdb.
  if [ "$(id -u)" = "0" ]; then echo postgres; else id -un; fi
}

running() {
  [ -f "$DATA/postmaster.pid" ] && as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

psql_() {
  as_owner "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U "$(superuser)" "$@"
}

print_url() {
  local user
  user="$(superuser)"
  echo "export GRIDWATCH_TEST_DATABASE_URL=postgresql://$user@127.0.0.1:$PORT/$DB"
}

start() {
  if [ ! -x "$BIN/initdb" ]; then
    echo "PostgreSQL 15 is not installed ($BIN/initdb missing): run scripts/install-system-deps.sh" >&2
    exit 1
  fi
  if running; then
    print_url
    return
  fi
  mkdir -p "$ROOT"
  if [ "$(id -u)" = "0" ]; then
    chown postgres: "$ROOT"
  fi
  if [ ! -f "$DATA/PG_VERSION" ]; then
    rm -rf "$DATA"
    as_owner "$BIN/initdb" -D "$DATA" -U "$(superuser)" --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$ROOT/initdb.log" 2>&1 \
      || { cat "$ROOT/initdb.log" >&2; exit 1; }
    {
      echo "listen_addresses = '127.0.0.1'"
      echo "port = $PORT"
      echo "unix_socket_directories = '$ROOT'"
      echo "fsync = off"
      echo "synchronous_commit = off"
      echo "full_page_writes = off"
      echo "max_connections = 200"
      echo "shared_buffers = 256MB"
      echo "work_mem = 32MB"
      echo "maintenance_work_mem = 256MB"
    } | as_owner tee -a "$DATA/postgresql.conf" >/dev/null
    printf 'local all all trust\nhost all all 127.0.0.1/32 trust\n' | as_owner tee "$DATA/pg_hba.conf" >/dev/null
  fi
  rm -f "$DATA/postmaster.pid"  # left by a server killed with its machine; pg_ctl status said it is not running
  as_owner "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 start >/dev/null \
    || { tail -20 "$LOG" >&2; exit 1; }
  if [ -z "$(psql_ -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'")" ]; then
    psql_ -d postgres -c "CREATE DATABASE $DB"
  fi
  psql_ -d "$DB" -c "CREATE EXTENSION IF NOT EXISTS postgis" >/dev/null
  print_url
}

stop() {
  if running; then
    as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
  fi
  rm -rf "$ROOT"
  echo "stopped (removed $ROOT)"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url)
    if running; then print_url; else echo "no test cluster on port $PORT: run '$0 start'" >&2; exit 1; fi ;;
  *) echo "usage: $0 start|stop|url   (port: PGTEST_PORT, default 54329)" >&2; exit 2 ;;
esac
