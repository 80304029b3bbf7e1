#!/usr/bin/env bash
# The one build of sellergate: the container image runs it, and CI runs it,
# so the binary in the image is the binary CI tests. Static (no cgo).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-bin/sellergate}
VERSION=${VERSION:-$(git describe --always --dirty 2>/dev/null || echo dev)}
CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=$VERSION" -o "$OUT" ./cmd/sellergate
if command -v ldd >/dev/null && ldd "$OUT" >/dev/null 2>&1; then
  echo "build/image.sh: $OUT is dynamically linked" >&2
  exit 1
fi
"$OUT" version
echo "$OUT"
