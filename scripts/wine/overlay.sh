#!/usr/bin/env bash
# Prints the path of a `go build -overlay` file for running Windows builds
# under Wine 8: Go's os.Remove asks Windows 10's FILE_DISPOSITION_INFORMATION_EX
# first and falls back to the older call only on the answers real Windows
# gives when it lacks it; Wine 8 answers STATUS_NOT_IMPLEMENTED (or
# STATUS_INVALID_DEVICE_REQUEST), so every removal (t.TempDir's clean-up
# among them) would fail with "Invalid function". The overlay adds those two
# answers to the fallback's list, in a copy of the installed Go's own file.
# Only the Windows test build under Wine uses it.
set -euo pipefail
goroot="$(go env GOROOT)"
src="$goroot/src/internal/syscall/windows/at_windows.go"
out="${XDG_CACHE_HOME:-$HOME/.cache}/fielddesk-wine-overlay/$(go env GOVERSION)"
mkdir -p "$out"
if [ ! -s "$out/overlay.json" ] || [ "$src" -nt "$out/at_windows.go" ]; then
  sed 's|^\(\t*\)STATUS_NOT_SUPPORTED:\(.*\)$|\1STATUS_NOT_SUPPORTED, NTStatus(0xC0000002), NTStatus(0xC0000010):\2|' "$src" >"$out/at_windows.go"
  if cmp -s "$src" "$out/at_windows.go"; then
    echo "overlay.sh: $src no longer has the line to patch; look again at Go's Deleteat" >&2
    exit 1
  fi
  printf '{"Replace":{"%s":"%s"}}\n' "$src" "$out/at_windows.go" >"$out/overlay.json"
fi
echo "$out/overlay.json"
