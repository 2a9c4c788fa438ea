#!/bin/sh
# dist/sealdrop-server.service passes `systemd-analyze verify` (offline: no
# running systemd is needed) with the ExecStart binary pointed at the build,
# and without a single warning; a broken copy of it does not.
# usage: unit.sh BINARY_DIR SOURCE_DIR
set -u
SRV=$1/server/sealdrop-server
UNIT=$2/dist/sealdrop-server.service
if ! command -v systemd-analyze >/dev/null 2>&1; then
	echo "FAIL: systemd-analyze is missing: install the systemd package" \
	    "(scripts/setup-deps.sh does)" >&2
	exit 1
fi
[ -x "$SRV" ] || { echo "FAIL: $SRV is not built" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
grep -q '^ExecStart=/usr/local/bin/sealdrop-server ' "$UNIT" ||
	{ echo "FAIL: ExecStart does not name the installed binary" >&2; fail=1; }
# verify with the build's binary in place of the installed path
sed "s#^ExecStart=/usr/local/bin/sealdrop-server#ExecStart=$SRV#" "$UNIT" \
    >"$work/sealdrop-server.service"
out=$(systemd-analyze verify --man=no "$work/sealdrop-server.service" 2>&1)
st=$?
if [ "$st" != 0 ] || [ -n "$out" ]; then
	echo "FAIL: systemd-analyze verify: status $st: $out" >&2
	fail=1
fi
# the check can fail: a bad value is reported (status 0, but a message)
sed 's#^ProtectSystem=.*#ProtectSystem=bogus#' "$work/sealdrop-server.service" \
    >"$work/bad.service"
out=$(systemd-analyze verify --man=no "$work/bad.service" 2>&1)
[ -n "$out" ] || { echo "FAIL: a bad ProtectSystem= went unnoticed" >&2; fail=1; }
# the options the unit relies on are there
for want in DynamicUser=yes StateDirectory=sealdrop ProtectSystem=strict \
    ProtectHome=yes PrivateTmp=yes PrivateDevices=yes NoNewPrivileges=yes \
    'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX' \
    'SystemCallFilter=@system-service' 'CapabilityBoundingSet=$' \
    MemoryDenyWriteExecute=yes LockPersonality=yes RestrictNamespaces=yes; do
	grep -q "^$want" "$UNIT" || { echo "FAIL: the unit lacks $want" >&2; fail=1; }
done
# what systemd itself makes of the sandbox: exposure well below the
# "UNSAFE" of an unhardened service
if systemd-analyze security --help 2>/dev/null | grep -q -- --offline; then
	exp=$(systemd-analyze security --offline=yes --man=no \
	    "$work/sealdrop-server.service" 2>&1 | sed -n \
	    's/.*Overall exposure level for .*: \([0-9.]*\).*/\1/p')
	echo "systemd-analyze security exposure: ${exp:-?}"
	case "$exp" in
	""|[3-9].*|10*) echo "FAIL: exposure '${exp:-none}' is not below 3" >&2; fail=1 ;;
	esac
fi
[ "$fail" = 0 ] && echo "unit: ok"
exit "$fail"
