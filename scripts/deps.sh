#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages FieldDesk needs, only those missing.
#   scripts/deps.sh build   the desktop build (cgo, OpenGL and X11 headers)
#   scripts/deps.sh test    the build, plus Xvfb and xdotool for the window smoke test and
#                           headless Chromium for the published-page tests, and nginx for
#                           the tests behind a reverse proxy, and mingw and Wine for the
#                           Windows build's tests (make test-windows), fuse3 for the
#                           power-cut test, and PostgreSQL and an S3-compatible object
#                           store (versitygw, built with go install into bin/tools) for
#                           the server's shared backend (pgstore)
#   scripts/deps.sh dist    the build, plus mingw and NSIS for the Windows installer,
#                           and Wine to install it once as a check (dist-check.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
want=(gcc pkg-config libgl1-mesa-dev xorg-dev libxkbcommon-dev)
case "${1:-build}" in
test) want+=(xvfb xdotool x11-utils chromium chromium-driver nginx-light gcc-mingw-w64-x86-64 wine64 fuse3 postgresql) ;;
dist) want+=(gcc-mingw-w64-x86-64 nsis imagemagick wine64) ;;
esac
# The object store the shared backend's tests run against: no Debian package
# serves S3, so it is built from the Go module proxy (about 2 minutes, once).
versitygw=github.com/versity/versitygw/cmd/versitygw@v1.8.0
if [ "${1:-build}" = test ] && [ ! -x bin/tools/versitygw ]; then
  echo "deps: building versitygw into bin/tools (once)" >&2
  GOBIN="$PWD/bin/tools" go install "$versitygw"
fi
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null; then
  echo "deps: missing packages ${missing[*]}; this script knows only apt-get (Debian/Ubuntu)." >&2
  exit 1
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "deps: installing ${missing[*]}" >&2
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
