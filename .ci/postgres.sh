#!/usr/bin/env bash
# Starts (or stops) a throwaway PostgreSQL cluster for the tests, as an
# unprivileged user on a free loopback port.
#   eval "$(.ci/postgres.sh start)"   # exports SELLERGATE_TEST_POSTGRES
#   .ci/postgres.sh restart   # cut every connection, come back on the same port
#   .ci/postgres.sh stop
# SELLERGATE_PG_OPTS adds server options ("-c name=value ...").
set -euo pipefail
STATE=${SELLERGATE_PG_STATE:-$(cd "$(dirname "$0")/.." && pwd)/.ci-postgres}
bindir() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
  if [ -z "$d" ] || [ ! -x "$d/initdb" ]; then
    if [ "$(id -u)" = 0 ]; then
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
      d=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
    else
      echo "postgres.sh: PostgreSQL is not installed" >&2
      exit 1
    fi
  fi
  echo "$d"
}
as_pg() { # run as the unprivileged owner of the cluster
  if [ "$(id -u)" = 0 ]; then
    runuser -u "$PGUSER_OS" -- "$@"
  else
    "$@"
  fi
}
case "${1:-}" in
start)
  BIN=$(bindir)
  PGUSER_OS=postgres
  id "$PGUSER_OS" >/dev/null 2>&1 || PGUSER_OS=nobody
  rm -rf "$STATE"
  mkdir -p "$STATE"
  PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  [ "$(id -u)" = 0 ] && chown "$PGUSER_OS" "$STATE"
  as_pg "$BIN/initdb" -D "$STATE/data" -U sellergate --auth=trust -E UTF8 >"$STATE/initdb.log" 2>&1 || { cat "$STATE/initdb.log" >&2; exit 1; }
  as_pg "$BIN/pg_ctl" -D "$STATE/data" -l "$STATE/server.log" -w \
    -o "-h 127.0.0.1 -p $PORT -k $STATE -c fsync=on -c max_connections=200 ${SELLERGATE_PG_OPTS:-}" start >/dev/null || { cat "$STATE/server.log" >&2; exit 1; }
  as_pg "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U sellergate sellergate_test
  echo "$BIN" > "$STATE/bindir"; echo "$PGUSER_OS" > "$STATE/osuser"
  echo "export SELLERGATE_TEST_POSTGRES='postgres://sellergate@127.0.0.1:$PORT/sellergate_test?sslmode=disable'"
  ;;
restart)
  # A fast restart, as an operator or a crash-restart would: every
  # connection is cut, the cluster comes back on the same port.
  BIN=$(cat "$STATE/bindir"); PGUSER_OS=$(cat "$STATE/osuser")
  as_pg "$BIN/pg_ctl" -D "$STATE/data" -m fast -w restart >/dev/null
  ;;
stop)
  [ -f "$STATE/bindir" ] || exit 0
  BIN=$(cat "$STATE/bindir"); PGUSER_OS=$(cat "$STATE/osuser")
  as_pg "$BIN/pg_ctl" -D "$STATE/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$STATE"
  ;;
*)
  echo "usage: $0 start|restart|stop" >&2
  exit 2
  ;;
esac
