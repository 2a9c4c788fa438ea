#!/bin/sh
# The translations of the web form, with Debian's gettext:
# - templates/po/sealdrop.pot and en.po are what the sources give
#   (scripts/update-pot.sh --check);
# - every catalogue present passes msgfmt --check, has every text of the
#   template, none untranslated or fuzzy, and no English left: a msgstr equal
#   to its msgid is allowed only for a Member State's name or a text that is
#   placeholders and units ("{name} ({size} KiB)").
# A new catalogue is checked as soon as it is in templates/po/.
# usage: sh translations.sh BUILD_DIR SOURCE_DIR
set -u
BUILD=$1
SRC=$2
cd "$SRC" || exit 2
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
bad() { fail=$((fail + 1)); echo "not ok - $1"; }
for tool in msgfmt msgcmp msgattrib; do
	command -v "$tool" >/dev/null 2>&1 || {
		bad "$tool is missing: install gettext (scripts/setup-deps.sh)"
		echo "translations: $pass passed, $fail failed"
		exit 1
	}
done
POT=templates/po/sealdrop.pot
if sh scripts/update-pot.sh --check "$BUILD"; then
	ok "sealdrop.pot and en.po are up to date with the sources"
else
	bad "sealdrop.pot and en.po are up to date with the sources"
fi
n=0
for po in templates/po/*.po; do
	lang=$(basename "$po" .po)
	n=$((n + 1))
	if out=$(msgfmt --check --statistics -o /dev/null "$po" 2>&1); then
		ok "$lang: msgfmt --check ($out)"
	else
		bad "$lang: msgfmt --check: $out"
	fi
	if out=$(msgcmp "$po" "$POT" 2>&1); then
		ok "$lang: has every text of the template"
	else
		bad "$lang: lacks texts of the template: $(echo "$out" | head -5)"
	fi
	left=$(msgattrib --untranslated --no-obsolete --no-wrap "$po" | grep -c '^msgid ' || true)
	fuzzy=$(msgattrib --only-fuzzy --no-obsolete --no-wrap "$po" | grep -c '^msgid ' || true)
	# the header entry counts as untranslated for msgattrib when empty
	if [ "$left" -le 0 ] && [ "$fuzzy" -eq 0 ]; then
		ok "$lang: nothing untranslated or fuzzy"
	else
		bad "$lang: $left untranslated and $fuzzy fuzzy texts (msgattrib --untranslated / --only-fuzzy $po)"
	fi
	[ "$lang" = en ] && continue
	seen=$(msgattrib --no-obsolete --no-wrap "$po" | grep -c '^msgstr ' || true)
	same=$(msgattrib --no-obsolete --no-wrap "$po" | awk '
		function text(s) { sub(/^[a-z]+ "/, "", s); sub(/"$/, "", s); return s }
		/^msgctxt / { ctx = text($0) }
		/^msgid / { id = text($0) }
		/^msgstr / {
			str = text($0)
			bare = id
			gsub(/\{[a-z_]+\}/, "", bare)
			if (id != "" && str == id && ctx != "member_state" && bare ~ /[A-Za-z][A-Za-z][A-Za-z][A-Za-z]/)
				print id
			ctx = ""
		}')
	if [ "$seen" -lt 100 ]; then
		bad "$lang: only $seen entries read"
	elif [ -z "$same" ]; then
		ok "$lang: no English left ($seen entries)"
	else
		bad "$lang: English left: $(echo "$same" | head -5 | tr '\n' '|')"
	fi
done
[ "$n" -ge 2 ] && ok "$n catalogues checked" || bad "fewer than 2 catalogues in templates/po"
echo "translations: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
