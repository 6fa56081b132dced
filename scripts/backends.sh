#!/usr/bin/env bash
# Says plainly which of the server's backends the tests ran against: the
# embedded one (Badger and files) always; PostgreSQL with an S3-compatible
# object store when both could be started here (scripts/deps.sh test installs
# them; FIELDDESK_BACKENDS=required, as CI sets it, makes their absence a failure).
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(go test -count=1 -run 'TestBlobsConformance$' -v ./store ./pgstore 2>&1) || { echo "$out"; exit 1; }
say() { printf 'backends: %-42s %s\n' "$1" "$2"; }
if grep -q '^ok .*fielddesk/store' <<<"$out"; then say "embedded (Badger + files)" "ran"; fi
if grep -q 'cannot start here' <<<"$out"; then
  why=$(grep -m1 'cannot start here' <<<"$out" | sed 's/^ *[^ ]*: //')
  say "shared (PostgreSQL + S3-compatible store)" "SKIPPED: $why"
elif grep -q '^ok .*fielddesk/pgstore' <<<"$out"; then
  say "shared (PostgreSQL + S3-compatible store)" "ran"
fi
