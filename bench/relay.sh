#!/usr/bin/env bash
# Relay benchmark (issue 4): Postfix's smtp-source sends 5,000 messages of
# 5 KB over 10 parallel sessions to three targets in one run:
#   1. smtp-sink directly (the baseline),
#   2. Postfix 3.7 relaying to smtp-sink (a private instance),
#   3. sellergate relaying to smtp-sink, with the default policy (but its proactive rules, see below) and the
#      durable SQLite record.
# A fourth target is the floor: bench/barerelay, a go-smtp server relaying
# each message to the sink with the go-smtp client before it answers, and
# doing nothing else (no policy, no record). It shows what any before-queue
# gateway on go-smtp pays per message here before doing sellergate's work.
# It prints messages/s, p50/p99 latency added over the direct sink (measured
# by bench/smtpload with the same message), the sellergate/Postfix ratio, and
# sellergate's resident memory with 500 idle sessions.
# Needs: postfix (smtp-source, smtp-sink, postfix), Go. Run as root (Postfix).
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in smtp-source smtp-sink postfix bc go; do
  command -v "$tool" >/dev/null || { echo "relay: $tool not found (apt-get install postfix bc)" >&2; exit 1; }
done
MSGS=${MSGS:-5000}
SESS=${SESS:-10}
LAT_MSGS=${LAT_MSGS:-2000}
W=$(mktemp -d /tmp/sellergate-bench.XXXXXX)
SINK=127.0.0.1:${SINK_PORT:-20026}
PFX=127.0.0.1:${PFX_PORT:-20025}
SG=127.0.0.1:${SG_PORT:-20027}
BARE=127.0.0.1:${BARE_PORT:-20028}
FROM=support@seller.test
TO=a1b2c3d4e5f6g7@marketplace.amazon.de
MSG=bench/reply-5k.eml
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  postfix -c "$W/postfix" stop >/dev/null 2>&1 || true
  rm -rf "$W"
}
trap cleanup EXIT

go build -o "$W/sellergate" ./cmd/sellergate
go build -o "$W/smtpload" ./bench/smtpload
go build -o "$W/barerelay" ./bench/barerelay

# smtp-sink accepts everything and discards it.
smtp-sink -u nobody "$SINK" 1024 &
pids+=($!)

# The floor: go-smtp in, go-smtp out, nothing between.
"$W/barerelay" -listen "$BARE" -next "$SINK" &
pids+=($!)

# A private Postfix instance relaying to the sink.
mkdir -p "$W/postfix" "$W/pfqueue" "$W/pfdata"
chmod 755 "$W"
chown postfix "$W/pfdata"
cp /etc/postfix/master.cf "$W/postfix/master.cf"
sed -i -E "s/^smtp( +)inet( +)n( +)-( +)[yn]( +)/#&/" "$W/postfix/master.cf"
echo "$PFX inet n - n - - smtpd" >> "$W/postfix/master.cf"
cat > "$W/postfix/main.cf" <<CF
compatibility_level = 3.6
queue_directory = $W/pfqueue
data_directory = $W/pfdata
mail_owner = postfix
myhostname = bench.localhost
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
mydestination =
relayhost = [127.0.0.1]:${SINK##*:}
smtpd_relay_restrictions = permit_mynetworks, reject
smtp_tls_security_level = none
maillog_file = $W/postfix.log
maillog_file_prefixes = $W
CF
postconf -e "alternate_config_directories = $W/postfix" >/dev/null
postfix -c "$W/postfix" check || { cat "$W/postfix.log" >&2; exit 1; }
postfix -c "$W/postfix" start >/dev/null 2>&1 || { cat "$W/postfix.log" >&2; exit 1; }

# sellergate relaying to the sink. The load is one message sent 5,000 times
# to one buyer who never wrote: the proactive rules would refuse all but
# the first as the same text again (proactive.repeat), so they alone are off;
# the rest of the policy is the default. One connection per message: the
# session rate per address is raised for the load generator.
cat > "$W/policy.yaml" <<CF
proactive: {enabled: false}
CF
cat > "$W/sellergate.yaml" <<CF
hostname: bench.localhost
log: {level: warn}
submission: [{listen: "$SG", insecure_development: true}]
accounts: [{name: seller, daily_limit: 0}]
trusted_networks: [{network: 127.0.0.1/32, account: seller, addresses: [$FROM]}]
relay: {url: "smtp://$SINK", timeout: 30s, pool: 16}
store: {path: "$W/audit.db"}
limits: {connections_per_ip: 1000, sessions_per_ip_per_minute: 1000000}
policy: "$W/policy.yaml"
CF
"$W/sellergate" serve --config "$W/sellergate.yaml" 2>"$W/sellergate.log" &
SGPID=$!
pids+=($SGPID)
for _ in $(seq 50); do (exec 3<>/dev/tcp/${SG%:*}/${SG##*:}) 2>/dev/null && break; sleep 0.1; done
for _ in $(seq 50); do (exec 3<>/dev/tcp/${PFX%:*}/${PFX##*:}) 2>/dev/null && break; sleep 0.1; done
for _ in $(seq 50); do (exec 3<>/dev/tcp/${BARE%:*}/${BARE##*:}) 2>/dev/null && break; sleep 0.1; done

busy() { # jiffies the machine spent working (user nice system irq softirq), and stolen
  awk '/^cpu / {print $2+$3+$4+$7+$8, $9}' /proc/stat
}
rate() { # target [after] -> messages/s of smtp-source; the machine's CPU per message
  # (everything: smtp-source, the target, smtp-sink; until "after" is done) in $W/cpu.$1
  local t0 t1 b0 s0 b1 s1
  read -r b0 s0 < <(busy)
  t0=$(date +%s.%N)
  smtp-source -s "$SESS" -m "$MSGS" -F "$MSG" -f "$FROM" -t "$TO" "$1"
  t1=$(date +%s.%N)
  ${2:-true}
  t2=$(date +%s.%N)
  read -r b1 s1 < <(busy)
  hz=$(getconf CLK_TCK)
  echo "$(echo "($b1 - $b0) * 1000 / $hz / $MSGS" | bc -l) $(echo "($s1 - $s0) * 100 / $hz / ($t1 - $t0) / $(nproc)" | bc -l)" > "$W/cpu.$1"
  # Delivered: until the last message reached smtp-sink (Postfix queues
  # and delivers later; the sink and sellergate have it when they answer).
  echo "$MSGS / ($t2 - $t0)" | bc -l > "$W/delivered.$1"
  echo "$MSGS / ($t1 - $t0)" | bc -l
}
lat() { # target [sessions] -> "p50 p99" in ms
  "$W/smtpload" -addr "$1" -n "$LAT_MSGS" -c "${2:-$SESS}" -file "$MSG" -from "$FROM" -to "$TO" |
    python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["p50_ms"], d["p99_ms"])'
}

drain() { # wait until Postfix delivered its queue, so it steals no CPU from the next run
  local q="$W/pfqueue"
  for _ in $(seq 6000); do
    [ -z "$(find "$q/maildrop" "$q/incoming" "$q/active" "$q/deferred" -type f -print -quit 2>/dev/null)" ] && return
    sleep 0.02
  done
}

r_sink=$(rate "$SINK")
r_pf=$(rate "$PFX" drain)
r_sg=$(rate "$SG")
r_bare=$(rate "$BARE")
read -r c_sink st_sink < "$W/cpu.$SINK"
read -r c_pf st_pf < "$W/cpu.$PFX"
read -r c_sg st_sg < "$W/cpu.$SG"
read -r c_bare st_bare < "$W/cpu.$BARE"
read -r l_sink50 l_sink99 < <(lat "$SINK")
read -r l_pf50 l_pf99 < <(lat "$PFX"); drain
read -r l_sg50 l_sg99 < <(lat "$SG")
read -r l_bare50 l_bare99 < <(lat "$BARE")
# Unloaded: one session, one message at a time. Under the 10 sessions above
# every target is saturated and its latency is sessions/throughput (Little's
# law); one session shows what the gateway itself adds to a message.
read -r u_sink50 u_sink99 < <(lat "$SINK" 1)
read -r u_pf50 u_pf99 < <(lat "$PFX" 1); drain
read -r u_sg50 u_sg99 < <(lat "$SG" 1)
read -r u_bare50 u_bare99 < <(lat "$BARE" 1)

"$W/smtpload" -addr "$SG" -idle 500 -hold 4s >/dev/null &
idle=$!
sleep 3
rss_kb=$(awk '/VmRSS/ {print $2}' /proc/$SGPID/status)
wait $idle

records=$(python3 - "$W/audit.db" <<'PY'
import sqlite3, sys
try:
    c = sqlite3.connect(sys.argv[1])
    print(c.execute("select count(*) from records").fetchone()[0])
except Exception as e:
    print("?")
PY
)

printf '\n%-34s %12s %12s %14s %14s\n' target "accepted/s" "delivered/s" "p50 added ms" "p99 added ms"
printf '%-34s %12.0f %12.0f %14s %14s\n' "smtp-sink (direct)" "$r_sink" "$(cat "$W/delivered.$SINK")" "-" "-"
printf '%-34s %12.0f %12.0f %14.2f %14.2f\n' "Postfix $(postconf -h mail_version) -> smtp-sink" "$r_pf" "$(cat "$W/delivered.$PFX")" "$(echo "$l_pf50 - $l_sink50" | bc -l)" "$(echo "$l_pf99 - $l_sink99" | bc -l)"
printf '%-34s %12.0f %12.0f %14.2f %14.2f\n' "sellergate -> smtp-sink" "$r_sg" "$(cat "$W/delivered.$SG")" "$(echo "$l_sg50 - $l_sink50" | bc -l)" "$(echo "$l_sg99 - $l_sink99" | bc -l)"
printf '%-34s %12.0f %12.0f %14.2f %14.2f\n' "floor: go-smtp relay -> smtp-sink" "$r_bare" "$(cat "$W/delivered.$BARE")" "$(echo "$l_bare50 - $l_sink50" | bc -l)" "$(echo "$l_bare99 - $l_sink99" | bc -l)"
printf '\none session at a time (unloaded):\n'
printf '%-34s %12s %14.2f %14.2f\n' "Postfix -> smtp-sink" "" "$(echo "$u_pf50 - $u_sink50" | bc -l)" "$(echo "$u_pf99 - $u_sink99" | bc -l)"
printf '%-34s %12s %14.2f %14.2f\n' "sellergate -> smtp-sink" "" "$(echo "$u_sg50 - $u_sink50" | bc -l)" "$(echo "$u_sg99 - $u_sink99" | bc -l)"
printf '%-34s %12s %14.2f %14.2f\n' "floor: go-smtp relay -> smtp-sink" "" "$(echo "$u_bare50 - $u_sink50" | bc -l)" "$(echo "$u_bare99 - $u_sink99" | bc -l)"
printf '\nCPU per message, the whole machine (source, target, sink; Postfix until its queue is empty):\n'
printf '%-34s %8.3f ms  (stolen by the hypervisor: %.0f%%)\n' "smtp-sink (direct)" "$c_sink" "$st_sink"
printf '%-34s %8.3f ms  (%.3f ms over the sink; stolen: %.0f%%)\n' "Postfix -> smtp-sink" "$c_pf" "$(echo "$c_pf - $c_sink" | bc -l)" "$st_pf"
printf '%-34s %8.3f ms  (%.3f ms over the sink; stolen: %.0f%%)\n' "sellergate -> smtp-sink" "$c_sg" "$(echo "$c_sg - $c_sink" | bc -l)" "$st_sg"
printf '%-34s %8.3f ms  (%.3f ms over the sink; stolen: %.0f%%)\n' "floor: go-smtp relay -> smtp-sink" "$c_bare" "$(echo "$c_bare - $c_sink" | bc -l)" "$st_bare"
printf '\nsellergate/Postfix throughput ratio: %.2f accepted, %.2f delivered (bar: >= 3)\n' "$(echo "$r_sg / $r_pf" | bc -l)" "$(echo "$(cat "$W/delivered.$SG") / $(cat "$W/delivered.$PFX")" | bc -l)"
printf 'floor/Postfix throughput ratio: %.2f accepted (what a go-smtp before-queue relay reaches here doing nothing else)\n' "$(echo "$r_bare / $r_pf" | bc -l)"
printf 'sellergate resident memory with 500 idle sessions: %.1f MB (bar: < 150 MB)\n' "$(echo "$rss_kb / 1024" | bc -l)"
printf 'audit records written by sellergate: %s\n' "$records"
