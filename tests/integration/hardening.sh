#!/bin/sh
# The programs are built as the build promises: position independent, full
# RELRO, no executable stack, and neither the intake server nor the
# submitter can open an envelope. usage: hardening.sh BINARY_DIR
set -u
pass=0 fail=0
check() { if eval "$2"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $1" >&2; fi; }
for b in server/sealdrop-server analyst/sealdrop-analyst submitter/sealdrop-submit; do
	f=$1/$b
	check "$b is PIE" "readelf -h '$f' | grep -q 'Type:.*DYN'"
	check "$b has full RELRO" "readelf -l '$f' | grep -q GNU_RELRO && readelf -d '$f' | grep -q BIND_NOW"
	check "$b has no executable stack" "readelf -l '$f' | grep -A1 GNU_STACK | grep -qv RWE"
	check "$b uses the stack protector" "nm -D '$f' | grep -q __stack_chk_fail"
done
# Neither the intake server nor the submitter can open an envelope: no
# secretstream pull and no envelope opener at all. Each opens one kind of
# sealed box, a follow-up message sealed to a mailbox key derived from the
# reporter's follow-up code (PRODUCT.md section 8), and only in sd_msg_open.
# Every call site of the box opener is listed from the machine code, so a
# new caller anywhere in these programs fails here.
openers() {
	objdump -d --no-show-raw-insn "$1" | awk '
	    /^[0-9a-f]+ <.*>:$/ { f = $2 }
	    /(call|jmp).*<crypto_box_(seal_)?open[a-z_]*@plt>/ { print f }' |
	    sort -u | tr -d '<>:' | tr '\n' ' '
}
for b in server/sealdrop-server submitter/sealdrop-submit; do
	f=$1/$b
	check "$b links no secretstream pull" \
	    "! nm -D '$f' | grep -q 'secretstream_xchacha20poly1305.*pull'"
	check "$b holds no envelope opener" \
	    "! nm '$f' | grep -Eq ' (sd_envelope_open|sd_open_)'"
	sites=$(openers "$f")
	check "$b opens boxes only in sd_msg_open (found: $sites)" \
	    "[ '$sites' = 'sd_msg_open ' ]"
done
# the listing must see a caller where there is one, or the checks above
# would pass on a listing that sees nothing
sites=$(openers "$1/analyst/sealdrop-analyst")
check "the call-site listing sees the analyst's openers (found: $sites)" \
    "[ \$(echo '$sites' | wc -w) -ge 3 ]"
echo "hardening: $pass passed, $fail failed"
[ "$fail" = 0 ]
