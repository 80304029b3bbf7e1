#!/usr/bin/env bash
# Checks the Prometheus side: the alerting rules (and their unit tests), the
# example Prometheus config, and `promtool check metrics` on a scrape of a
# running gateway.
set -euo pipefail
cd "$(dirname "$0")/.."
( cd deploy/prometheus && promtool check rules alerts.yml && promtool test rules alerts_test.yml && promtool check config prometheus.yml )
# The Alertmanager the compose setup sends those alerts to.
if command -v amtool >/dev/null; then
  amtool check-config deploy/alertmanager/alertmanager.yml
fi

# Every PromQL expression of the Grafana dashboard must parse.
python3 - deploy/grafana/sellergate.json > "${TMPDIR:-/tmp}/sellergate-dashboard-rules.yml" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print("groups:\n  - name: dashboard\n    rules:")
n = 0
panels = [q for p in d["panels"] for q in [p] + p.get("panels", [])]  # rows nest panels
for p in panels:
    for t in p.get("targets", []):
        n += 1
        e = t["expr"].replace('"$marketplace"', '".*"').replace("'", "''")
        print(f"      - record: dashboard:expr{n}\n        expr: '{e}'")
PY
promtool check rules "${TMPDIR:-/tmp}/sellergate-dashboard-rules.yml"

W=$(mktemp -d)
trap 'kill "$PID" 2>/dev/null || true; rm -rf "$W"' EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
SUB=$(port); MET=$(port)
cat > "$W/sellergate.yaml" <<CF
submission: [{listen: "127.0.0.1:$SUB", insecure_development: true}]
trusted_networks: [{network: 127.0.0.1/32, addresses: [support@seller.test]}]
relay: {url: "maildir:$W/outbox"}
store: {path: "$W/audit.db"}
metrics: {listen: "127.0.0.1:$MET"}
log: {level: warn}
CF
go build -o "$W/sellergate" ./cmd/sellergate
"$W/sellergate" serve --config "$W/sellergate.yaml" &
PID=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$MET/readyz" >/dev/null && break; sleep 0.1; done
# One message, so that the per-message series exist.
printf 'From: <support@seller.test>\r\nTo: <a@marketplace.amazon.de>\r\nSubject: Re: order 302-1234567-7654321\r\n\r\nIt ships today.\r\n' > "$W/msg.eml"
python3 - "$SUB" "$W/msg.eml" <<'PY'
import smtplib, sys
with smtplib.SMTP("127.0.0.1", int(sys.argv[1])) as s:
    s.sendmail("support@seller.test", ["a@marketplace.amazon.de"], open(sys.argv[2], "rb").read())
PY
curl -sf "http://127.0.0.1:$MET/metrics" > "$W/metrics.txt"
grep -c '^sellergate_' "$W/metrics.txt" | sed 's/^/sellergate series: /'
problems=$(promtool check metrics < "$W/metrics.txt" 2>&1 || true)
if [ -n "$problems" ]; then
  echo "promtool check metrics:"
  echo "$problems"
  exit 1
fi
echo "promtool check metrics: clean"
