#!/usr/bin/env bash
# Makes (once) the Wine prefix the Windows tests run in, with the
# bcryptprimitives.dll stand-in Go needs under Wine 8, and prints its path.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
prefix="${WINEPREFIX:-${XDG_CACHE_HOME:-$HOME/.cache}/fielddesk-wine}"
dll="$prefix/drive_c/windows/system32/bcryptprimitives.dll"
if [ ! -s "$dll" ] || [ "$here/bcryptprimitives.c" -nt "$dll" ]; then
  mkdir -p "$prefix"
  if [ ! -d "$prefix/drive_c/windows/system32" ]; then
    WINEPREFIX="$prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" \
      /usr/lib/wine/wine64 wineboot --init >/dev/null 2>&1
    WINEPREFIX="$prefix" /usr/lib/wine/wineserver -w
  fi
  tmp="$(mktemp -d)"
  x86_64-w64-mingw32-gcc -O2 -shared -o "$tmp/bcryptprimitives.dll" \
    "$here/bcryptprimitives.c" "$here/bcryptprimitives.def" -ladvapi32
  cp "$tmp/bcryptprimitives.dll" "$dll"
  rm -rf "$tmp"
fi
echo "$prefix"
