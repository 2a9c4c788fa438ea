#!/bin/sh
# Install what sealdrop needs: Debian's packages (only those missing; as
# root, or through sudo), then the npm packages of the two lock files (only
# when missing or when a lock file changed): libsodium for the web form's
# sealer (templates/static/vendor), and playwright-core and axe-core for
# the browser tests (tests/browser). Chromium is Debian's.
#
# SD_WITH_BROWSER=0 leaves out chromium (the browser tests then say so).
set -eu
cd "$(dirname "$0")/.."

PKGS="build-essential cmake pkg-config libsodium-dev libmicrohttpd-dev
libsqlite3-dev libcmocka-dev libjansson-dev libcurl4-openssl-dev libglpk-dev
libseccomp-dev sqlite3 curl binutils nodejs npm gettext openssl
systemd groff-base"
# The browser tests drive Debian's chromium; DejaVu has the Greek and
# Cyrillic letters of the form's languages.
if [ "${SD_WITH_BROWSER:-1}" = 1 ]; then
	PKGS="$PKGS chromium fonts-dejavu-core"
fi
# The test command also runs each libFuzzer target for a short time: clang
# and its runtime libraries (libFuzzer, sanitizers). SD_WITH_FUZZ=0 leaves
# them out; the libFuzzer runs are then skipped.
if [ "${SD_WITH_FUZZ:-1}" = 1 ]; then
	PKGS="$PKGS clang libclang-rt-14-dev"
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
if [ -n "$missing" ]; then
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO="sudo"
	echo "sealdrop: installing$missing" >&2
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
	# shellcheck disable=SC2086
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# npm_ci DIR: node_modules of DIR from its package-lock.json, once per lock
npm_ci() {
	stamp=$1/node_modules/.sealdrop-lock
	if [ -f "$stamp" ] && cmp -s "$1/package-lock.json" "$stamp"; then
		return 0
	fi
	echo "sealdrop: npm ci in $1" >&2
	if (cd "$1" && npm ci --no-audit --no-fund --loglevel=error >/dev/null); then
		cp "$1/package-lock.json" "$stamp"
	else
		echo "sealdrop: npm ci failed in $1 (the npm registry must be reachable once)" >&2
		return 1
	fi
}
status=0
npm_ci templates/static/vendor || status=1
npm_ci tests/browser || status=1
exit "$status"
