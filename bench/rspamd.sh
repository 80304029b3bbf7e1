#!/usr/bin/env bash
# Judgment speed against Rspamd (issue 13): the same files — the corpus and
# every blind set, about 7,500 messages — scanned by Rspamd (Debian's 3.4,
# its stock rules, one normal worker) and checked by `sellergate check`
# (the default policy). It prints CPU milliseconds per message for each:
# Rspamd's is its normal worker's CPU time only (not its controller, not
# rspamc); sellergate's is the whole process's, garbage collector included.
# The bar: sellergate at least twice Rspamd's speed.
# Needs: rspamd (apt-get install rspamd), Go. Run as root (Rspamd drops to
# the user it is given).
#   bash bench/rspamd.sh
# FILES="a.eml b.eml" bash bench/rspamd.sh measures other files.
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in rspamd rspamc go; do
  command -v "$tool" >/dev/null || { echo "rspamd.sh: $tool not found (apt-get install rspamd)" >&2; exit 1; }
done
W=$(mktemp -d /tmp/sellergate-rspamd.XXXXXX)
PORT=${RSPAMD_PORT:-21333}
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$W"; }
trap cleanup EXIT

if [ -z "${FILES:-}" ]; then
  find filter/testdata/corpus filter/testdata/blind -name '*.eml' | sort > "$W/files"
else
  printf '%s\n' $FILES > "$W/files"
fi
n=$(wc -l < "$W/files")

go build -o "$W/sellergate" ./cmd/sellergate

# Rspamd on its stock configuration, in a directory of its own: one normal
# worker, a controller on another port, no proxy, errors only.
mkdir -p "$W/local/override.d" "$W/db" "$W/run" "$W/log"
printf 'bind_socket = "127.0.0.1:%s";\ncount = 1;\n' "$PORT" > "$W/local/override.d/worker-normal.inc"
printf 'bind_socket = "127.0.0.1:%s";\ncount = 1;\n' "$((PORT + 1))" > "$W/local/override.d/worker-controller.inc"
echo 'enabled = false;' > "$W/local/override.d/worker-proxy.inc"
printf 'type = "file";\nfilename = "%s/log/rspamd.log";\nlevel = "error";\n' "$W" > "$W/local/override.d/logging.inc"
rspamd -f -u root -g root -c /etc/rspamd/rspamd.conf --var=LOCAL_CONFDIR="$W/local" \
  --var=DBDIR="$W/db" --var=RUNDIR="$W/run" --var=LOGDIR="$W/log" >"$W/rspamd.out" 2>&1 &
pid=$!
for _ in $(seq 120); do (exec 3<>/dev/tcp/127.0.0.1/"$PORT") 2>/dev/null && break; sleep 0.5; done
(exec 3<>/dev/tcp/127.0.0.1/"$PORT") 2>/dev/null || { echo "rspamd did not start:" >&2; tail "$W/rspamd.out" >&2; exit 1; }

# cpu_ms prints the CPU milliseconds the processes given have used.
cpu_ms() {
  local t=0 p
  for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done
  echo $((t * 1000 / $(getconf CLK_TCK)))
}
workers=$(pgrep -f "rspamd: normal process" | tr '\n' ' ')
[ -n "$workers" ] || { echo "no rspamd normal worker found" >&2; exit 1; }

head -50 "$W/files" | xargs rspamc -h "127.0.0.1:$PORT" -n 4 >/dev/null 2>&1 || true # warm up
r0=$(cpu_ms $workers)
t0=$(date +%s.%N)
xargs -n 500 rspamc -h "127.0.0.1:$PORT" -n 8 -t 60 < "$W/files" > "$W/rspamc.out" 2>&1 || true
t1=$(date +%s.%N)
r1=$(cpu_ms $workers)
scanned=$(grep -c '^Results for file' "$W/rspamc.out" || true)
errors=$(grep -ci 'error' "$W/rspamc.out" || true)

# sellergate: one process over the same files, its CPU time (user+sys).
s0=$(awk '{print $14 + $15 + $16 + $17}' /proc/$$/stat)
xargs "$W/sellergate" check --json < "$W/files" > "$W/check.out" 2>&1 || true
s1=$(awk '{print $14 + $15 + $16 + $17}' /proc/$$/stat)
checked=$(grep -c '"verdict"' "$W/check.out" || true)
sg_ms=$(((s1 - s0) * 1000 / $(getconf CLK_TCK)))

printf '\n%-40s %10s %16s\n' "on $n files" "messages" "CPU ms/message"
printf '%-40s %10s %16.3f\n' "Rspamd 3.4 (stock rules, normal worker)" "$scanned" "$(echo "($r1 - $r0) / $scanned" | bc -l)"
printf '%-40s %10s %16.3f\n' "sellergate check (default policy)" "$checked" "$(echo "$sg_ms / $checked" | bc -l)"
printf '\nsellergate / Rspamd speed: %.1fx (bar: >= 2); Rspamd wall time %.1f s, rspamc errors %s\n' \
  "$(echo "($r1 - $r0) / $scanned / ($sg_ms / $checked)" | bc -l)" "$(echo "$t1 - $t0" | bc -l)" "$errors"
