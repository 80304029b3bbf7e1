#!/usr/bin/env bash
# The one build of sellergate: the container image runs it, and CI runs it,
# so the binary in the image is the binary CI tests. Static (no cgo), so it
# runs on distroless/static. Prints the path of the binary it built.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-bin/sellergate}
VERSION=${VERSION:-$(git describe --always --dirty 2>/dev/null || echo dev)}
CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=$VERSION" -o "$OUT" ./cmd/sellergate

# Static or refused. The Go toolchain's own record first (always there), then
# what the system says about the ELF file: `file` where installed (it is not in
# the golang image), else ldd, whose wording is matched rather than its exit
# status (ldd exits 0 on a static-pie binary).
fail() { echo "build/image.sh: $OUT is not static: $*" >&2; exit 1; }
go version -m "$OUT" | grep -q 'CGO_ENABLED=0' || fail "built with cgo"
if command -v file >/dev/null; then
  desc=$(file -b "$OUT")
  case "$desc" in *"statically linked"* | *"static-pie linked"*) ;; *) fail "$desc" ;; esac
elif command -v ldd >/dev/null; then
  desc=$(ldd "$OUT" 2>&1 || true)
  case "$desc" in *"not a dynamic executable"* | *"statically linked"*) ;; *) fail "$desc" ;; esac
fi
"$OUT" version >&2
echo "$OUT"
