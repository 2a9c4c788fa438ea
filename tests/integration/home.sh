#!/bin/sh
# Tests never write to the user's real home: every test has a scratch HOME
# and XDG directories (tests/ScratchHome.cmake), and scripts/home-guard.sh,
# which scripts/test.sh runs around the whole test command, notices a file
# created or changed in the real sealdrop directories.
# usage: home.sh BINARY_DIR SOURCE_DIR
set -u
BIN=$(cd "$1" && pwd) || exit 2
SRC=$(cd "$2" && pwd) || exit 2
GUARD=$SRC/scripts/home-guard.sh
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }

# this test's own environment
for v in HOME XDG_DATA_HOME XDG_CONFIG_HOME XDG_CACHE_HOME XDG_STATE_HOME \
    XDG_RUNTIME_DIR; do
	eval "val=\${$v:-}"
	case "$val" in
	"$BIN"/tests/home/*) ok ;;
	*) bad "$v is '$val', not a scratch directory under $BIN/tests/home" ;;
	esac
done

# every registered test's environment
json=$(mktemp "$BIN/tests/ctest-json.XXXXXX") || exit 1
trap 'rm -f "$json"; rm -rf "$fake"' EXIT
fake=$(mktemp -d "$BIN/tests/fake-home.XXXXXX") || exit 1
if (cd "$BIN" && ctest -N --show-only=json-v1 >"$json") &&
    cmake -DJSON="$json" -DROOT="$BIN/tests/home" \
    -P "$SRC/tests/check_scratch_home.cmake" >"$fake.log" 2>&1; then
	ok
else
	bad "not every test has a scratch home: $(cat "$fake.log")"
fi
rm -f "$fake.log"
# ... and that check notices a test without one
printf '{"tests":[{"name":"t1","properties":[{"name":"ENVIRONMENT","value":["HOME=%s/tests/home/t1","XDG_DATA_HOME=/root/.local/share"]}]}]}' \
    "$BIN" >"$json"
if cmake -DJSON="$json" -DROOT="$BIN/tests/home" \
    -P "$SRC/tests/check_scratch_home.cmake" >"$fake.log" 2>&1; then
	bad "the check misses a test whose XDG_DATA_HOME is the real one"
else
	grep -q "t1: XDG_DATA_HOME=/root/.local/share" "$fake.log" && ok ||
		bad "the check does not name the test: $(cat "$fake.log")"
fi
rm -f "$fake.log"

# the guard itself, on a fake home: quiet when nothing changed, loud when a
# receipt log appears or an existing file changes
g() { env -u XDG_DATA_HOME -u XDG_CONFIG_HOME -u XDG_CACHE_HOME \
    -u XDG_STATE_HOME HOME="$fake" sh "$GUARD" "$@"; }
mkdir -p "$fake/.config/sealdrop"
echo "kept" >"$fake/.config/sealdrop/settings"
g snapshot "$fake.snap" && ok || bad "guard snapshot failed"
g check "$fake.snap" 2>"$fake.err" && ok || bad "guard fails with nothing changed: $(cat "$fake.err")"
mkdir -p "$fake/.local/share/sealdrop"
printf 'r\td\ts\thttp://127.0.0.1:1\tc\n' >"$fake/.local/share/sealdrop/receipts.log"
if g check "$fake.snap" 2>"$fake.err"; then
	bad "guard misses a new receipt log"
else
	grep -q "receipts.log" "$fake.err" && ok || bad "guard does not name the file: $(cat "$fake.err")"
fi
rm -r "$fake/.local/share/sealdrop"
g check "$fake.snap" 2>"$fake.err" && ok || bad "guard fails once the new file is gone: $(cat "$fake.err")"
echo "changed" >>"$fake/.config/sealdrop/settings"
if g check "$fake.snap" 2>"$fake.err"; then
	bad "guard misses a changed file"
else
	grep -q "settings" "$fake.err" && ok || bad "guard does not name the changed file"
fi
# XDG_DATA_HOME elsewhere than ~/.local/share is watched too
mkdir -p "$fake/xdg"
XDG_DATA_HOME="$fake/xdg" HOME="$fake" sh "$GUARD" snapshot "$fake.snap2"
mkdir -p "$fake/xdg/sealdrop" && : >"$fake/xdg/sealdrop/org.secret"
if XDG_DATA_HOME="$fake/xdg" HOME="$fake" sh "$GUARD" check "$fake.snap2" 2>/dev/null; then
	bad "guard misses a file under XDG_DATA_HOME"
else
	ok
fi
rm -f "$fake.snap" "$fake.snap2" "$fake.err"

echo "home: $pass passed, $fail failed"
[ "$fail" = 0 ]
