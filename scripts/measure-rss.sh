#!/usr/bin/env bash
# Measures the resident memory of the desktop app holding N articles
# (default 10,000): fills a data folder, opens the window under Xvfb, lets
# it list the articles and open the newest one, and reads VmRSS.
# Usage: scripts/measure-rss.sh [N]   (needs Xvfb and xdotool: make test-deps)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000}
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
go build -tags migrated_fynedo,no_animations -o bin/fielddesk ./cmd/fielddesk
go test ./store -run '^TestSeed$' -count=1 -args -seed.dir="$data" -seed.n="$n" >/dev/null
disp=:$((200 + RANDOM % 300))
Xvfb "$disp" -screen 0 1366x768x24 -nolisten tcp >/dev/null 2>&1 &
xv=$!
sleep 1
DISPLAY=$disp LANG=en_US.UTF-8 ./bin/fielddesk --data "$data" >/dev/null 2>&1 &
app=$!
sleep 8
DISPLAY=$disp xdotool mousemove 140 125 click 1   # open the newest article
sleep 4
rss=$(awk '/VmRSS/ {print $2}' /proc/$app/status)
hwm=$(awk '/VmHWM/ {print $2}' /proc/$app/status)
kill -TERM $app; wait $app || true
kill $xv
echo "articles=$n rss_kb=$rss peak_rss_kb=$hwm"
