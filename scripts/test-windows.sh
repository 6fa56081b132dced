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
bin="$(mktemp -d)"
trap 'rm -f "$log"; rm -rf "$bin"; /usr/lib/wine/wineserver -k 2>/dev/null || true' EXIT
# Wine's own processes (services.exe, explorer.exe…) start with the first
# Windows program and inherit its output: a test program that started them
# saw its output held open long after it ended ("Test I/O incomplete").
# Started here with no output, and kept for the whole run.
/usr/lib/wine/wineserver -p
/usr/lib/wine/wine64 cmd /c exit </dev/null >/dev/null 2>&1 || true
status=0
go test -overlay "$overlay" -tags "$tags" -count=1 -v "$@" $pkgs >"$log" 2>&1 || status=$?
# A test program that ended in failure before any test ran and printed
# nothing is Wine that did not start it (seen once in CI: render, exit 1
# after 36 ms, not a line of output; never again in hundreds of starts).
# Such packages run once more, said; a real failure fails again.
unstarted=$(awk '/^=== RUN/ {ran=1} /^(ok|\?)[[:space:]]/ {ran=0}
  /^FAIL[[:space:]]+[^[:space:]]+[[:space:]]/ {if (!ran) print $2; ran=0}' "$log")
if [ -n "$unstarted" ] && [ "$status" -ne 0 ]; then
  echo "test-windows: Wine did not start the tests of $(echo $unstarted); run again:" >&2
  if go test -overlay "$overlay" -tags "$tags" -count=1 -v "$@" $unstarted >"$log.again" 2>&1 &&
    ! grep -q -- '--- FAIL' "$log" && [ "$(grep -c '^FAIL[[:space:]]' "$log")" -eq "$(echo "$unstarted" | wc -l)" ]; then
    status=0
  fi
  grep -E '^(ok|FAIL)[[:space:]]' "$log.again" >&2 || true
  grep -v -E "^FAIL[[:space:]]+($(echo $unstarted | sed 's/ /|/g'))[[:space:]]" "$log" >"$log.first" || true
  cat "$log.first" "$log.again" >"$log"
  rm -f "$log.first" "$log.again"
fi
# The Windows flush path over real power cuts: the Linux power-cut test
# (store/powercut_test.go, FUSE, root) runs the Windows build of the store's
# saving child under Wine, once as shipped and once built with upstream
# ristretto (an empty msync on Windows), which must lose saves.
grep -v '^replace github.com/dgraph-io/ristretto' go.mod >"$bin/upstream.mod"
cp go.sum "$bin/upstream.sum"
if go test -c -overlay "$overlay" -tags "$tags" -o "$bin/store.test.exe" ./store >>"$log" 2>&1 &&
  go test -c -modfile "$bin/upstream.mod" -mod=mod -overlay "$overlay" -tags "$tags" -o "$bin/store-upstream.test.exe" ./store >>"$log" 2>&1; then
  GOOS= GOARCH= go test -tags "$tags" -count=1 -v -timeout 20m -run '^TestPowerCutOnTheWindowsFlushPath$' ./store \
    -args -powercut.windows="$bin/store.test.exe" -powercut.windows-stub="$bin/store-upstream.test.exe" >>"$log" 2>&1 || status=$?
else
  echo "test-windows: the store's Windows test programs for the power-cut test did not build" >&2
  status=1
fi
grep -E 'Windows build under Wine|upstream ristretto.s msync' "$log" || true
# Each package's result, and each skip with its reason (the line before it).
awk '/^(ok|FAIL|panic:)/ {print} /--- SKIP/ {print; print prev} {prev=$0}' "$log"
if [ "$status" -ne 0 ]; then
  echo "test-windows: what failed:" >&2
  # Each failed test with what follows it, and the lines before a package
  # that failed without one (a crash of the test program).
  { grep -E -A20 -- '--- FAIL|^panic:|timed out' "$log" || true; } | head -200 >&2
  { grep -E -B40 '^FAIL[[:space:]]' "$log" || true; } | tail -120 >&2
fi
echo "test-windows: $(grep -c -- '--- PASS' "$log") passed, $(grep -c -- '--- SKIP' "$log") skipped, $(grep -c -- '--- FAIL' "$log") failed (under $(/usr/lib/wine/wine64 --version))"
exit "$status"
