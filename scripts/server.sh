#!/usr/bin/env bash
# Starts a local FieldDesk server on loopback with a data folder under the
# project (.data/server) and, the first time, a demo correspondent and
# editor whose passwords it prints.
set -euo pipefail
cd "$(dirname "$0")/.."
go build -o bin/fielddesk-server ./cmd/fielddesk-server
data=.data/server
mkdir -p "$data"
if [ ! -f "$data/demo-users.txt" ]; then
  : > "$data/demo-users.txt"
  for spec in "phongvien correspondent" "bientap editor"; do
    set -- $spec
    pw=$(head -c 12 /dev/urandom | base64 | tr -d '/+=' | cut -c1-16)
    printf '%s\n' "$pw" > "$data/.pw"
    ./bin/fielddesk-server user add "$1" --role "$2" --desk demo --password-file "$data/.pw" --data "$data" >/dev/null
    rm -f "$data/.pw"
    echo "$1 ($2): $pw" >> "$data/demo-users.txt"
  done
fi
echo "Demo accounts (also in $data/demo-users.txt):"
cat "$data/demo-users.txt"
echo "Serving on http://127.0.0.1:8080 (Ctrl+C stops)"
exec ./bin/fielddesk-server serve --data "$data" --listen 127.0.0.1:8080
