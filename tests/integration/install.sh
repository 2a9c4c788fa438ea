#!/bin/sh
# `cmake --install` puts the three programs, their man pages, the unit and
# the templates under a prefix; each page renders without a warning, and
# names every option and command its program's --help shows.
# usage: install.sh BINARY_DIR SOURCE_DIR
set -u
BUILD=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }

command -v groff >/dev/null 2>&1 ||
	{ echo "FAIL: groff is missing: install groff-base (scripts/setup-deps.sh does)" >&2; exit 1; }
cmake --install "$BUILD" --prefix "$work/p" >"$work/install.log" 2>&1 ||
	{ cat "$work/install.log" >&2; echo "FAIL: cmake --install" >&2; exit 1; }
P=$work/p
for f in bin/sealdrop-server bin/sealdrop-analyst bin/sealdrop-submit; do
	[ -x "$P/$f" ] && ok || bad "$f is not installed"
done
for f in share/man/man8/sealdrop-server.8 share/man/man1/sealdrop-analyst.1 \
    share/man/man1/sealdrop-submit.1 lib/systemd/system/sealdrop-server.service \
    share/doc/sealdrop/sealdrop-server.conf share/sealdrop/templates/form.html \
    share/sealdrop/templates/static/sealdrop.css; do
	[ -f "$P/$f" ] && ok || bad "$f is not installed"
done
[ -e "$P/share/sealdrop/templates/po" ] && ok || bad "the catalogues are not installed"

# every page renders, with every warning on, in silence
for m in "$P"/share/man/man1/*.1 "$P"/share/man/man8/*.8; do
	out=$(groff -man -Tutf8 -ww -z "$m" 2>&1)
	[ -z "$out" ] && ok || bad "$(basename "$m"): groff warns: $out"
	if command -v mandoc >/dev/null 2>&1; then
		out=$(mandoc -Tlint -Wwarning "$m" 2>&1)
		[ -z "$out" ] && ok || bad "$(basename "$m"): mandoc: $out"
	fi
done
# the installed server serves the form from the installed templates
export SEALDROP_PASSPHRASE=install-test
cd "$work" || exit 1
for r in authority stats details ack; do
	"$P/bin/sealdrop-analyst" keygen --role $r --out $r --kdf interactive >/dev/null ||
		bad "keygen $r"
done
"$P/bin/sealdrop-server" keygen --out receipt --kdf interactive >/dev/null || bad "receipt key"
"$P/bin/sealdrop-analyst" channel --authority authority.key --recipient stats.pub \
    --recipient details.pub --receipt-key receipt.pub --ack-key ack.pub \
    --expires 2099-12-31 --out channel.json >/dev/null || bad "channel"
mkdir data
asuser=""
[ "$(id -u)" -eq 0 ] && { asuser="--user nobody"; chown nobody data; }
# shellcheck disable=SC2086
"$P/bin/sealdrop-server" --listen 127.0.0.1:0 --db "$work/data/intake.db" \
    --channel channel.json --authority authority.pub --receipt-key receipt.key \
    --templates "$P/share/sealdrop/templates" $asuser >srv.out 2>srv.err &
spid=$!
i=0
while ! grep -q "listening on" srv.out 2>/dev/null && [ "$i" -lt 100 ]; do
	i=$((i + 1)); sleep 0.1
done
port=$(sed -n 's#.*listening on http://127.0.0.1:\([0-9]*\)/.*#\1#p' srv.out)
if [ -n "$port" ]; then
	ok
	for u in "/?lang=de" "/followup?lang=de" /static/sealdrop.css /healthz; do
		code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port$u")
		[ "$code" = 200 ] && ok || bad "installed server: GET $u answered $code"
	done
else
	bad "the installed server did not start: $(cat srv.err)"
fi
kill "$spid" 2>/dev/null; wait "$spid" 2>/dev/null

# covers PAGE HELPTEXT: every --option of the help text is in the page
covers() {
	page=$1 text=$2 what=$3
	src=$(sed 's/\\-/-/g' "$page")
	for o in $(printf '%s\n' "$text" | grep -o -- '--[a-z][a-z0-9-]*' | sort -u); do
		case "$src" in
		*"$o"*) ok ;;
		*) bad "$(basename "$page") lacks $o (in $what --help)" ;;
		esac
	done
}
S=$P/bin/sealdrop-server A=$P/bin/sealdrop-analyst U=$P/bin/sealdrop-submit
covers "$P/share/man/man8/sealdrop-server.8" "$("$S" --help)" "sealdrop-server"
covers "$P/share/man/man1/sealdrop-submit.1" "$("$U" --help)" "sealdrop-submit"
covers "$P/share/man/man1/sealdrop-analyst.1" "$("$A" --help)" "sealdrop-analyst"
apage=$(sed 's/\\-/-/g' "$P/share/man/man1/sealdrop-analyst.1")
cmds=$("$A" --help | sed -n 's/^  \([a-z][a-z]*\) .*/\1/p')
[ -n "$cmds" ] && ok || bad "no commands in sealdrop-analyst --help"
for c in $cmds; do
	covers "$P/share/man/man1/sealdrop-analyst.1" "$("$A" "$c" --help)" \
	    "sealdrop-analyst $c"
	printf '%s\n' "$apage" | grep -qx ".B $c" && ok ||
		bad "sealdrop-analyst.1 has no entry for the command $c"
done
# and every route it names
spage=$(sed 's/\\-/-/g' "$P/share/man/man8/sealdrop-server.8")
routes=$("$S" --help | grep -o '\(GET\|POST\) /[a-z0-9/._-]*' | sort -u)
[ -n "$routes" ] && ok || bad "no routes in sealdrop-server --help"
printf '%s\n' "$routes" | while read -r rt; do
	case "$spage" in
	*"$rt"*) ;;
	*) echo "sealdrop-server.8 lacks the route $rt (in --help)" ;;
	esac
done >"$work/routes.miss"
[ -s "$work/routes.miss" ] && bad "$(cat "$work/routes.miss")" || ok
for c in keygen export purge messages; do
	grep -qx ".B $c" "$P/share/man/man8/sealdrop-server.8" && ok ||
		bad "sealdrop-server.8 has no entry for the command $c"
done
# the check can fail: a page without an option is caught
sed 's/max-spool/max-spoon/g; s/max\\-spool/max\\-spoon/g' \
    "$P/share/man/man8/sealdrop-server.8" >"$work/stale.8"
before=$fail
covers "$work/stale.8" "$("$S" --help)" "sealdrop-server" 2>/dev/null
if [ "$fail" = $((before + 1)) ]; then fail=$before; ok
else fail=$before; bad "a page lacking --max-spool went unnoticed"; fi

echo "install: $pass passed, $fail failed"
[ "$fail" = 0 ]
