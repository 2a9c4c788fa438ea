#!/bin/sh
# Make the translators' template templates/po/sealdrop.pot from the sources,
# and en.po from it; bring every other catalogue up to it (msgmerge: new
# texts come in untranslated, changed ones fuzzy, for the translator).
#
# usage: scripts/update-pot.sh [--check] [BUILD_DIR]
#   --check  change nothing; exit 1 when sealdrop.pot or en.po is not what
#            the sources give (the tests run this)
# BUILD_DIR (default build/) holds tests/sd_pot, which reads the schema's
# tables and the templates' {{_ ...}} texts; xgettext (Debian's gettext)
# reads the N_("...") texts of server/ and of the analyst's EU report
# (analyst/: headings, notes, chart and map labels).
set -eu
cd "$(dirname "$0")/.."
check=0
if [ "${1:-}" = --check ]; then
	check=1
	shift
fi
BUILD=${1:-build}
POT=templates/po/sealdrop.pot
SD_POT=$BUILD/tests/sd_pot
for tool in xgettext msgcat msguniq msgen msgmerge; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "update-pot: $tool is missing: install gettext (scripts/setup-deps.sh)" >&2
		exit 2
	}
done
[ -x "$SD_POT" ] || {
	echo "update-pot: $SD_POT is missing: build first (scripts/build.sh)" >&2
	exit 2
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$SD_POT" . >"$tmp/raw.pot"
# a text used in several places is one entry with every place
msguniq --no-wrap -o "$tmp/schema-templates.pot" "$tmp/raw.pot"
# shellcheck disable=SC2046
xgettext --language=C --from-code=UTF-8 --keyword= --keyword=N_ \
	--keyword=NC_:1c,2 --add-comments=TRANSLATORS: --no-location \
	--force-po -o "$tmp/c.pot" $(ls server/form.h server/form_*.h server/form_*.c server/httpd_*.c analyst/*.h analyst/*.c | sort)
sed -i '/^"POT-Creation-Date:/d' "$tmp/c.pot"
msgcat --use-first --no-wrap -o "$tmp/all.pot" "$tmp/schema-templates.pot" "$tmp/c.pot"
# header NAME LANGUAGE: the header entry of a catalogue (no dates, so that
# the same sources give the same bytes)
header() {
	cat <<HDR
# Texts of the sealdrop web form and EU report$1. Made by scripts/update-pot.sh
# from the sources; see docs/translations.md.
#
# Every msgid is the English text. Keep {n}, {m}, {max}, {mib}, {name},
# {size}, {period}, {date}, {id}, {note}, {c} as they are: the server and the
# report put numbers and names there. The answers
# of a list carry the list's field name as msgctxt, so that the same English
# word ("Unknown") can take the gender or case each list needs.
msgid ""
msgstr ""
"Project-Id-Version: sealdrop\\n"
"PO-Revision-Date: $3\\n"
"Last-Translator: $4\\n"
"Language-Team: $4\\n"
"Language: $2\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
HDR
	[ -z "$5" ] || printf '"X-Language-Name: %s\\n"\n' "$5"
}
# the entries, without the header entry msgcat or msgen wrote
body() {
	sed '1,/^$/d' "$1"
}
{
	header ", for translators" "" "YEAR-MO-DA HO:MI+ZONE" \
		"FULL NAME <EMAIL@ADDRESS>" ""
	echo
	body "$tmp/all.pot"
} >"$tmp/sealdrop.pot"

# en.po: the English text as its own translation, so English is listed
msgen --no-wrap -o "$tmp/en-raw.po" "$tmp/sealdrop.pot"
{
	header " in English (made from the template)" en "2026-01-01 00:00+0000" \
		"sealdrop" English
	echo
	body "$tmp/en-raw.po"
} >"$tmp/en.po"
msgfmt --check -o /dev/null "$tmp/en.po"

if [ "$check" = 1 ]; then
	bad=0
	for f in sealdrop.pot en.po; do
		if ! cmp -s "$tmp/$f" "templates/po/$f"; then
			echo "update-pot: templates/po/$f is not what the sources give; run scripts/update-pot.sh and commit it:" >&2
			diff -u "templates/po/$f" "$tmp/$f" | head -40 >&2 || true
			bad=1
		fi
	done
	exit "$bad"
fi
cp "$tmp/sealdrop.pot" "$POT"
cp "$tmp/en.po" templates/po/en.po
for po in templates/po/*.po; do
	[ "$po" = templates/po/en.po ] && continue
	msgmerge --quiet --no-wrap --no-fuzzy-matching --update --backup=off "$po" "$POT"
done
echo "update-pot: $POT and the catalogues are up to date" >&2
