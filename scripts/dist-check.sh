#!/usr/bin/env bash
# make dist runs this after building: the Windows installer in dist/out,
# installed under Wine by a person whose Windows user name has Vietnamese
# letters and spaces (C:\users\Nguyễn Văn An), the way a correspondent
# installs it: silently here (/S), per user, no administrator. It checks
# what the person gets: the programs in %LOCALAPPDATA%\Programs\FieldDesk,
# the Start-menu entry, the uninstaller and its entry in Settings › Apps;
# that the installed FieldDesk.exe keeps articles in %APPDATA%; that
# installing again (an upgrade) keeps them; that uninstalling removes the
# program and keeps them.
set -euo pipefail
cd "$(dirname "$0")/.."
version="$(sed -n 's/^Version *= *"\(.*\)"/\1/p' FyneApp.toml)"
setup="$PWD/dist/out/FieldDesk-Setup-$version.exe"
[ -f "$setup" ] || { echo "dist-check: $setup is missing: run make dist" >&2; exit 1; }
prefix="$(mktemp -d)"
export WINEPREFIX="$prefix" WINEDEBUG=-all USER="Nguyễn Văn An"
trap '/usr/lib/wine/wineserver -k 2>/dev/null || true; rm -rf "$prefix"' EXIT
scripts/wine/prefix.sh >/dev/null # a new prefix, its profile named after $USER
wine() { /usr/lib/wine/wine64 "$@"; }
home="$prefix/drive_c/users/$USER"
[ -d "$home" ] || { echo "dist-check: Wine made no profile for $USER" >&2; exit 1; }
app="$home/AppData/Local/Programs/FieldDesk"
data="$home/AppData/Roaming/fyne/org.fielddesk.app"
menu="$home/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/FieldDesk.lnk"
key='HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\FieldDesk'
winexe="C:\\users\\$USER\\AppData\\Local\\Programs\\FieldDesk\\FieldDesk.exe"
checks=0
fail() { echo "dist-check: $*" >&2; exit 1; }
ok() { checks=$((checks + 1)); }

wine "$setup" /S
/usr/lib/wine/wineserver -w
for f in FieldDesk.exe fielddesk-server.exe fielddesk.ico "Uninstall FieldDesk.exe"; do
  [ -f "$app/$f" ] || fail "the installer did not put $f in $app"
  ok
done
[ -f "$menu" ] || fail "no Start-menu entry at $menu"
ok
wine reg query "$key" /v DisplayVersion 2>/dev/null | grep -q "$version" || fail "no uninstall entry for $version in $key"
ok

# The installed program keeps an article in the person's %APPDATA%.
id="$(wine "$winexe" import 'Z:'"$(echo "$PWD/docs/example/bai-viet.md" | tr / '\\')" | tr -d '\r')"
[ -n "$id" ] || fail "the installed FieldDesk.exe imported nothing"
[ -d "$data/db" ] || fail "the data folder is not in %APPDATA% ($data)"
ok
listed() { wine "$winexe" list | grep -q "Xã vùng cao hoàn thành đường liên thôn"; }
listed || fail "the installed FieldDesk.exe does not list the article it imported"
ok

# Installing again (an upgrade in place) keeps the data.
wine "$setup" /S
/usr/lib/wine/wineserver -w
listed || fail "the article is gone after installing again"
ok

# Uninstalling removes the program, its menu entry and its registry entry,
# and keeps the articles.
wine "$app/Uninstall FieldDesk.exe" /S
/usr/lib/wine/wineserver -w
for _ in $(seq 50); do [ -e "$app/FieldDesk.exe" ] || break; sleep 0.2; done
[ ! -e "$app/FieldDesk.exe" ] || fail "FieldDesk.exe is still there after uninstalling"
[ ! -e "$menu" ] || fail "the Start-menu entry is still there after uninstalling"
if wine reg query "$key" >/dev/null 2>&1; then fail "the uninstall entry is still there"; fi
[ -d "$data/db" ] || fail "uninstalling removed the articles in $data"
ok
echo "dist-check: $checks checks passed (installed, upgraded and uninstalled as C:\\users\\$USER under $(/usr/lib/wine/wine64 --version))"
