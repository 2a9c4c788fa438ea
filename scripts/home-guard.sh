#!/bin/sh
# Tests must never write to the user's real home: record what sealdrop's
# places there hold before the tests, and compare afterwards.
#
#   scripts/home-guard.sh snapshot FILE   write the record to FILE
#   scripts/home-guard.sh check FILE      exit 1, naming what changed, when
#                                         the places differ from FILE
#
# The places: sealdrop/ under each XDG base directory (the defaults under
# $HOME and whatever XDG_*_HOME say) and ~/.sealdrop. Each entry is recorded
# with its type, size, mode and modification time.
set -u

places() {
	for base in "$HOME/.local/share" "$HOME/.config" "$HOME/.cache" \
	    "$HOME/.local/state" "${XDG_DATA_HOME:-}" "${XDG_CONFIG_HOME:-}" \
	    "${XDG_CACHE_HOME:-}" "${XDG_STATE_HOME:-}"; do
		[ -n "$base" ] && printf '%s\n' "$base/sealdrop"
	done
	printf '%s\n' "$HOME/.sealdrop"
}

record() {
	places | sort -u | while IFS= read -r p; do
		if [ -e "$p" ] || [ -L "$p" ]; then
			find "$p" -printf '%p\t%y\t%s\t%m\t%T@\n'
		else
			printf '%s\tabsent\n' "$p"
		fi
	done | LC_ALL=C sort
}

case "${1:-}" in
snapshot)
	[ $# -eq 2 ] || { echo "usage: $0 snapshot FILE" >&2; exit 2; }
	record >"$2"
	;;
check)
	[ $# -eq 2 ] || { echo "usage: $0 check FILE" >&2; exit 2; }
	now=$(record)
	if ! printf '%s\n' "$now" | cmp -s - "$2"; then
		echo "home-guard: the tests created or changed files in the real home" >&2
		echo "home-guard: (lines with - are from before, + from after)" >&2
		printf '%s\n' "$now" | diff -u "$2" - | grep '^[-+][^-+]' >&2
		exit 1
	fi
	;;
*)
	echo "usage: $0 snapshot|check FILE" >&2
	exit 2
	;;
esac
