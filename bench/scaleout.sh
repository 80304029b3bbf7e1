#!/usr/bin/env bash
# Scale-out benchmark (issue 18): in one run on this machine, Postfix's
# smtp-source sends 5 KB replies over SESS sessions per gateway to
#   1. one sellergate on SQLite,
#   2. two sellergates sharing one PostgreSQL (a throwaway cluster this
#      script starts), loaded at the same time,
# each relaying to smtp-sink. It prints messages/s, the ratio of the two
# against one, CPU per message (the whole machine), the client errors, and
# whether the shared trail verifies.
# The two setups take turns ROUNDS times (default 3): on two shared cores
# a phase of a few seconds moves by ±10 % with whatever else the machine
# does, and a drift then lands on one setup only. Each round's ratio is
# printed, and their median.
# Needs: postfix (smtp-source, smtp-sink), postgresql, Go. Run as root.
#   MSGS=4000 bash bench/scaleout.sh
# PG_STATEMENTS=1 also prints the statements PostgreSQL spent most time on
# (pg_stat_statements), per message.
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in smtp-source smtp-sink psql bc go; do
  command -v "$tool" >/dev/null || { echo "scaleout: $tool not found (apt-get install postfix postgresql bc)" >&2; exit 1; }
done
MSGS=${MSGS:-4000}
SESS=${SESS:-10}
ROUNDS=${ROUNDS:-3}
W=$(mktemp -d /tmp/sellergate-scaleout.XXXXXX)
chmod 755 "$W" # the cluster runs as the postgres user
SINK=127.0.0.1:${SINK_PORT:-20036}
ONE=127.0.0.1:${ONE_PORT:-20037}
PG1=127.0.0.1:${PG1_PORT:-20038}
PG2=127.0.0.1:${PG2_PORT:-20039}
FROM=support@seller.test
TO=a1b2c3d4e5f6g7@marketplace.amazon.de
MSG=bench/reply-5k.eml
export SELLERGATE_PG_STATE="$W/pg"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  .ci/postgres.sh stop >/dev/null 2>&1 || true
  rm -rf "$W"
}
trap cleanup EXIT

go build -o "$W/sellergate" ./cmd/sellergate
smtp-sink -u nobody "$SINK" 1024 &
pids+=($!)
if [ -n "${PG_STATEMENTS:-}" ]; then
  export SELLERGATE_PG_OPTS="-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all"
fi
eval "$(.ci/postgres.sh start)"
DSN=$SELLERGATE_TEST_POSTGRES
[ -n "${PG_STATEMENTS:-}" ] && psql "$DSN" -qc "create extension pg_stat_statements" >/dev/null

cat > "$W/policy.yaml" <<CF
proactive: {enabled: false}
CF
config() { # name listen store-line
  cat > "$W/$1.yaml" <<CF
hostname: bench.localhost
log: {level: warn}
submission: [{listen: "$2", insecure_development: true}]
accounts: [{name: seller, daily_limit: 0}]
trusted_networks: [{network: 127.0.0.1/32, account: seller, addresses: [$FROM]}]
relay: {url: "smtp://$SINK", timeout: 30s, pool: 16}
store: $3
limits: {connections_per_ip: 1000, sessions_per_ip_per_minute: 1000000}
policy: "$W/policy.yaml"
queue_dir: "$W/queue-$1"
CF
}
config one "$ONE" "{path: \"$W/audit.db\"}"
config pg1 "$PG1" "{driver: postgres, dsn: \"$DSN\"}"
config pg2 "$PG2" "{driver: postgres, dsn: \"$DSN\"}"
for g in one pg1 pg2; do
  "$W/sellergate" serve --config "$W/$g.yaml" 2>"$W/$g.log" &
  pids+=($!)
done
for a in "$ONE" "$PG1" "$PG2"; do
  for _ in $(seq 100); do (exec 3<>/dev/tcp/${a%:*}/${a##*:}) 2>/dev/null && break; sleep 0.1; done
done

busy() { awk '/^cpu / {print $2+$3+$4+$7+$8}' /proc/stat; }
# cpu_by prints the CPU ticks each kind of process used so far, by name.
cpu_by() {
  for f in /proc/[0-9]*/stat; do cat "$f" 2>/dev/null || true; done |
    awk '{c=$2; gsub(/[()]/,"",c); t[c]+=$14+$15+$16+$17} END {for (c in t) if (c ~ /^(postgres|sellergate|smtp-source|smtp-sink)$/) print c, t[c]}' | sort
}
# load sends MSGS messages to each of the addresses given, all at once,
# and prints "messages/s cpu-ms-per-message errors".
load() {
  local b0 b1 t0 t1 n=$# errs=0 i=0 spids=()
  cpu_by > "$W/cpu0"
  b0=$(busy); t0=$(date +%s.%N)
  for a in "$@"; do
    smtp-source -s "$SESS" -m "$MSGS" -F "$MSG" -f "$FROM" -t "$TO" "$a" >"$W/source.$i" 2>&1 &
    spids+=($!)
    i=$((i + 1))
  done
  wait "${spids[@]}" || true
  t1=$(date +%s.%N); b1=$(busy)
  cpu_by > "$W/cpu1"
  # CPU ms per message by process kind, into $W/by.$n
  join "$W/cpu0" "$W/cpu1" | awk -v hz="$(getconf CLK_TCK)" -v m="$((n * MSGS))" '{printf "%s %.3f  ", $1, ($3-$2)*1000/hz/m}' > "$W/by.$n"
  errs=$(cat "$W"/source.* | grep -c . || true)
  rm -f "$W"/source.*
  echo "$(echo "$n * $MSGS / ($t1 - $t0)" | bc -l) $(echo "($b1 - $b0) * 1000 / $(getconf CLK_TCK) / ($n * $MSGS)" | bc -l) $errs"
}

printf '\n%-6s %26s %34s %7s %7s\n' round "one gateway, SQLite" "two gateways, one PostgreSQL" ratio errors
printf '%-6s %12s %13s %19s %14s\n' "" "messages/s" "CPU ms/msg" "messages/s" "CPU ms/msg"
ratios=()
for round in $(seq "$ROUNDS"); do
  read -r r1 c1 e1 < <(load "$ONE")
  read -r r2 c2 e2 < <(load "$PG1" "$PG2")
  ratio=$(echo "$r2 / $r1" | bc -l)
  ratios+=("$ratio")
  printf '%-6s %12.0f %13.3f %19.0f %14.3f %7.2f %7s\n' "$round" "$r1" "$c1" "$r2" "$c2" "$ratio" "$((e1 + e2))"
  printf '       CPU ms per message by process — SQLite: %s\n       two on PostgreSQL: %s\n' "$(cat "$W/by.1")" "$(cat "$W/by.2")"
done
median=$(printf '%s\n' "${ratios[@]}" | sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}')
verify=$("$W/sellergate" audit verify --config "$W/pg1.yaml" 2>&1 || true)
records=$(psql "$DSN" -Atc "select count(*) from records" 2>/dev/null || echo "?")

printf '(CPU: the whole machine; by process, children are not counted until they exit)\n'
printf '\ntwo on PostgreSQL / one on SQLite, median of %d rounds: %.2f (bar: >= 0.8, goal > 1)\n' "$ROUNDS" "$median"
printf 'shared trail: %s records; audit verify: %s\n' "$records" "$verify"
if [ -n "${PG_STATEMENTS:-}" ]; then
  printf '\nPostgreSQL, per message of the two gateways: calls, ms, statement\n'
  psql "$DSN" -AtF' ' -c "select round(calls::numeric/$((2 * MSGS * ROUNDS)),2), round((total_exec_time/$((2 * MSGS * ROUNDS)))::numeric,3), left(regexp_replace(query, '\s+', ' ', 'g'), 110) from pg_stat_statements where query not like '%pg_stat_statements%' order by total_exec_time desc limit 15"
  printf '\nIndexes: scans, tuples read\n'
  psql "$DSN" -AtF' ' -c "select indexrelname, idx_scan, idx_tup_read from pg_stat_user_indexes order by idx_tup_read desc limit 12"
fi
