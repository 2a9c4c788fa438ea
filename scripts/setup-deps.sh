#!/bin/sh
# Install what sealdrop needs from Debian's packages; does nothing when all of
# it is there. Runs as root, or through sudo.
set -eu

PKGS="build-essential cmake pkg-config libsodium-dev libmicrohttpd-dev
libsqlite3-dev libcmocka-dev libjansson-dev libcurl4-openssl-dev libglpk-dev
libseccomp-dev sqlite3 curl binutils nodejs npm"
# The test command also runs each libFuzzer target for a short time: clang
# and its runtime libraries (libFuzzer, sanitizers). SD_WITH_FUZZ=0 leaves
# them out; the libFuzzer runs are then skipped.
if [ "${SD_WITH_FUZZ:-1}" = 1 ]; then
	PKGS="$PKGS clang libclang-rt-14-dev"
fi
# Browser tests need Chromium as well.
if [ "${SD_WITH_BROWSER:-0}" = 1 ]; then
	PKGS="$PKGS chromium"
fi

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
# Node.js may come from elsewhere than Debian: accept any working npm.
case " $missing " in *" npm "*|*" nodejs "*)
	if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
		missing=$(echo "$missing" | sed 's/ nodejs//; s/ npm//')
	fi;;
esac
[ -z "$missing" ] && exit 0

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "sealdrop: installing$missing" >&2
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
# shellcheck disable=SC2086
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
