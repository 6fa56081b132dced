#!/usr/bin/env bash
# Measures the CPU the desktop app uses while nothing happens: a
# 6,000-word article open, the cursor in its body, the mouse still. Opens
# the window under Xvfb (Mesa's software OpenGL), waits 10 s, then reads
# utime+stime from /proc/PID/stat over 60 s.
# Usage: scripts/measure-idle-cpu.sh [BINARY]   (default: bin/fielddesk as
# make builds it; needs Xvfb and xdotool: make test-deps)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-}
if [ -z "$bin" ]; then
	go build -tags migrated_fynedo,no_animations -o bin/fielddesk ./cmd/fielddesk
	bin=bin/fielddesk
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$work/long.md" <<'PY'
import random, sys
random.seed(1)
words = "người dân xã miền núi Lào Cai trồng lúa nương năm nay được mùa giá bán tăng cao hơn trước nhiều".split()
paras, n = [], 0
while n < 6000:
    k = random.randint(60, 120); n += k
    paras.append(" ".join(random.choice(words) for _ in range(k)).capitalize() + ".")
open(sys.argv[1], "w").write("---\nheadline: Bài dài sáu nghìn chữ\nlanguage: vi\n---\n" + "\n\n".join(paras) + "\n")
PY
LANG=C.UTF-8 "$bin" --data "$work/data" import "$work/long.md" >/dev/null
disp=:$((200 + RANDOM % 300))
Xvfb "$disp" -screen 0 1366x768x24 -nolisten tcp >/dev/null 2>&1 &
xv=$!
sleep 1
mkdir -p "$work/home"
DISPLAY=$disp HOME="$work/home" LANG=C.UTF-8 "$bin" --data "$work/data" >/dev/null 2>&1 &
app=$!
sleep 8
win=$(DISPLAY=$disp xdotool search --onlyvisible --name FieldDesk | head -1)
DISPLAY=$disp xdotool mousemove --window "$win" 140 166 click 1   # open the article
sleep 3
DISPLAY=$disp xdotool mousemove --window "$win" 560 390 click 1   # the cursor in its body
sleep 10
tck=$(getconf CLK_TCK)
a=$(awk '{print $14+$15}' /proc/$app/stat)
sleep 60
b=$(awk '{print $14+$15}' /proc/$app/stat)
kill -TERM $app; wait $app || true
kill $xv
echo "idle_cpu_seconds_in_60s=$(echo "scale=2; ($b-$a)/$tck" | bc) percent_of_a_core=$(echo "scale=2; ($b-$a)*100/($tck*60)" | bc)"
