#!/usr/bin/env bash
# The Windows build's tests, run under Wine (make test-windows; make test
# runs it too). Every package but the window's main one (which needs cgo
# and mingw: make dist builds it) is cross-compiled for windows/amd64 and
# its test binary run by Wine through scripts/wine/go_windows_amd64_exec.
# Tests that need what Wine or the Linux test machine cannot give skip with
# the reason (internal/wintest); the count of skips is printed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/scripts/wine:$PATH"
export WINEPREFIX="$(scripts/wine/prefix.sh)"
overlay="$(scripts/wine/overlay.sh)"
tags="${TAGS:-migrated_fynedo,no_animations}"
export GOOS=windows GOARCH=amd64 CGO_ENABLED=0
pkgs=$(go list -e -tags "$tags" -f '{{if .GoFiles}}{{.ImportPath}}{{end}}' ./... | grep -v '/cmd/fielddesk$')
log="$(mktemp)"
trap 'rm -f "$log"; /usr/lib/wine/wineserver -k 2>/dev/null || true' EXIT
status=0
go test -overlay "$overlay" -tags "$tags" -count=1 -v "$@" $pkgs >"$log" 2>&1 || status=$?
# Each package's result, and each skip with its reason (the line before it).
awk '/^(ok|FAIL|panic:)/ {print} /--- SKIP/ {print; print prev} {prev=$0}' "$log"
if [ "$status" -ne 0 ]; then
  echo "test-windows: failures above; the whole log:" >&2
  grep -E -- '--- FAIL' -A20 "$log" | head -200 >&2
fi
echo "test-windows: $(grep -c -- '--- PASS' "$log") passed, $(grep -c -- '--- SKIP' "$log") skipped, $(grep -c -- '--- FAIL' "$log") failed (under $(/usr/lib/wine/wine64 --version))"
exit "$status"
