#!/bin/sh
# The programs are built as the build promises: position independent, full
# RELRO, no executable stack, and the intake server links nothing that opens
# a sealed box. usage: hardening.sh BINARY_DIR
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
check "the submitter cannot open a sealed box" \
	"! nm -D '$1/submitter/sealdrop-submit' | grep -Eq 'crypto_box_seal_open|secretstream_xchacha20poly1305_pull'"
echo "hardening: $pass passed, $fail failed"
[ "$fail" = 0 ]
