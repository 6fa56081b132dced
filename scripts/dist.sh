#!/usr/bin/env bash
# make dist: the release files, cross-built on Debian/Ubuntu.
#   dist/out/FieldDesk-Setup-<version>.exe  Windows installer (per user, NSIS)
#   dist/out/FieldDesk.exe, fielddesk-server.exe  the Windows programs
#   dist/out/fielddesk_<version>_amd64.deb  Linux package (menu entry, icon)
#   dist/out/fielddesk-<version>-linux-amd64.tar.gz  the same as a tarball
# The version is FyneApp.toml's. The Windows programs carry the icon, a
# manifest (per-monitor DPI, UTF-8, no elevation) and version information,
# compiled with mingw's windres.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh dist
version="$(sed -n 's/^Version *= *"\(.*\)"/\1/p' FyneApp.toml)"
build="$(sed -n 's/^Build *= *\([0-9]*\)/\1/p' FyneApp.toml)"
tags="${TAGS:-migrated_fynedo}"
out="$PWD/dist/out"
work="$(mktemp -d)"
trap 'rm -rf "$work" cmd/fielddesk/zz_dist_windows_amd64.syso cmd/fielddesk-server/zz_dist_windows_amd64.syso' EXIT
mkdir -p "$out"

# Windows resources.
convert assets/icon.png -define icon:auto-resize=256,64,48,32,16 "$work/fielddesk.ico"
cp dist/windows/fielddesk.manifest "$work/"
commas="$(echo "$version" | tr . ,),${build:-0}"
for prog in fielddesk:FieldDesk fielddesk-server:"FieldDesk newsroom server"; do
  file="${prog%%:*}" name="${prog#*:}"
  sed -e "s/@NAME@/$name/" -e "s/@FILE@/$file/" -e "s/@VERSION@/$version/" -e "s/@VERSION_COMMAS@/$commas/" \
    dist/windows/fielddesk.rc.in >"$work/$file.rc"
  (cd "$work" && x86_64-w64-mingw32-windres -O coff -o "$file.syso" "$file.rc")
  cp "$work/$file.syso" "cmd/$file/zz_dist_windows_amd64.syso"
done

echo "dist: building FieldDesk.exe (cgo with mingw; several minutes the first time)" >&2
CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=x86_64-w64-mingw32-gcc \
  go build -trimpath -tags "$tags" -ldflags "-s -w -H=windowsgui" -o "$out/FieldDesk.exe" ./cmd/fielddesk
CGO_ENABLED=0 GOOS=windows GOARCH=amd64 \
  go build -trimpath -ldflags "-s -w" -o "$out/fielddesk-server.exe" ./cmd/fielddesk-server
cp "$out/FieldDesk.exe" "$out/fielddesk-server.exe" "$work/"
makensis -V2 -DVERSION="$version" -DSRC="$work" -DOUT="$out/FieldDesk-Setup-$version.exe" dist/windows/installer.nsi

# Linux: a .deb and a tarball with the menu entry and icon.
echo "dist: building the Linux programs" >&2
go build -trimpath -tags "$tags" -ldflags "-s -w" -o "$work/fielddesk" ./cmd/fielddesk
CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$work/fielddesk-server" ./cmd/fielddesk-server
root="$work/deb"
install -D -m 0755 "$work/fielddesk" "$root/usr/bin/fielddesk"
install -D -m 0755 "$work/fielddesk-server" "$root/usr/bin/fielddesk-server"
install -D -m 0644 dist/linux/fielddesk.desktop "$root/usr/share/applications/fielddesk.desktop"
install -D -m 0644 assets/icon.png "$root/usr/share/icons/hicolor/256x256/apps/fielddesk.png"
mkdir -p "$root/DEBIAN"
cat >"$root/DEBIAN/control" <<CONTROL
Package: fielddesk
Version: $version
Architecture: amd64
Maintainer: FieldDesk <fielddesk@users.noreply.github.com>
Depends: libgl1, libx11-6, libxcursor1, libxrandr2, libxinerama1, libxi6, libxxf86vm1
Section: editors
Priority: optional
Description: offline-first newsroom editor for correspondents
 Write, preview and send articles from places with bad connectivity;
 editors review and publish in the same app.
CONTROL
dpkg-deb --root-owner-group --build "$root" "$out/fielddesk_${version}_amd64.deb" >/dev/null
tar -C "$root/usr" -czf "$out/fielddesk-$version-linux-amd64.tar.gz" --transform "s,^\.,fielddesk-$version," .
ls -l "$out"
