#!/usr/bin/env bash
# Connection flood (issue 14): 5,000 connections at once, from 250 loopback
# addresses, against sellergate on its example configuration with the
# default limits (max_connections 1000, connections_per_ip 50). Prints how
# many got a greeting (220) and how many the cap turned away (421), and
# sellergate's resident memory while they are held.
# Needs: Go. Raises the open-files limit for itself.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-5000}
W=$(mktemp -d /tmp/sellergate-flood.XXXXXX)
ulimit -n 20000
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$W"; }
trap cleanup EXIT
go build -o "$W/sellergate" ./cmd/sellergate
go build -o "$W/smtpload" ./bench/smtpload
(cd "$W" && exec ./sellergate serve >"$W/log" 2>&1) &
pid=$!
for _ in $(seq 50); do
  curl -sf http://127.0.0.1:9587/healthz >/dev/null 2>&1 && break
  sleep 0.2
done
rss0=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
"$W/smtpload" -addr 127.0.0.1:2587 -flood "$N" -per 20 -hold 4s > "$W/flood.json" &
fl=$!
sleep 3
rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
wait $fl
cat "$W/flood.json"
printf 'sellergate resident memory: %.1f MB idle, %.1f MB holding the flood\n' "$(echo "$rss0 / 1024" | bc -l)" "$(echo "$rss / 1024" | bc -l)"
