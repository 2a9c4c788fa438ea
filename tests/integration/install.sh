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
# the installed server starts from its installed templates
out=$("$P/bin/sealdrop-server" --help 2>&1) && ok || bad "installed server --help"

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
for c in keygen export purge; do
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
