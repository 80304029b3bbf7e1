#!/bin/sh
# Makes the self-signed certificate docker compose needs (agents authenticate
# only over TLS). The image runs as the distroless nonroot user (uid 65532):
# the key is made readable by it. For production use tls.acme or a key
# issued for your host.
#   deploy/compose/make-cert.sh [HOSTNAME]
set -eu
cd "$(dirname "$0")"
host=${1:-sellergate.local}
out=${CERT_DIR:-certs}
mkdir -p "$out"
openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=$host" \
  -addext "subjectAltName=DNS:$host,DNS:localhost,IP:127.0.0.1" \
  -keyout "$out/key.pem" -out "$out/cert.pem" 2>/dev/null
# Readable by the image's user, whoever owns the file on the host.
chmod 0644 "$out/key.pem" "$out/cert.pem"
echo "wrote $out/cert.pem and $out/key.pem for $host"
