#!/bin/sh
# sealdrop-analyst keygen, channel and open, as a user runs them.
# usage: cli.sh BINARY_DIR SOURCE_DIR
set -u
BIN=$1/analyst/sealdrop-analyst
VEC=$2/tests/vectors
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
pass=0 fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
# expect STATUS PATTERN -- command...: exit status and a stderr/stdout pattern
expect() {
	want=$1 pat=$2
	shift 3
	out=$("$@" 2>&1)
	st=$?
	if [ "$want" = 0 ] && [ "$st" != 0 ]; then bad "$* -> $st: $out"; return; fi
	if [ "$want" != 0 ] && [ "$st" = 0 ]; then bad "$* succeeded: $out"; return; fi
	case "$out" in *$pat*) ok ;; *) bad "$*: output lacks '$pat': $out" ;; esac
}

export SEALDROP_PASSPHRASE=test-pass
for r in stats details authority ack receipt; do
	expect 0 "wrote $r.key" -- "$BIN" keygen --role $r --out $r --kdf interactive
done
mode=$(stat -c %a stats.key)
[ "$mode" = 600 ] && ok || bad "stats.key mode $mode"
head -1 stats.pub | grep -q "^untrusted comment: sealdrop stats public key [0-9a-f]\{16\}$" && ok ||
	bad "stats.pub comment"
cp stats.key stats.key.orig
expect 1 "use --force" -- "$BIN" keygen --role stats --out stats --kdf interactive
cmp -s stats.key stats.key.orig && ok || bad "stats.key changed without --force"
expect 1 "--role" -- "$BIN" keygen --role boss --out x
expect 1 "required" -- "$BIN" keygen --role stats
expect 0 "usage" -- "$BIN" keygen --help
expect 0 "Commands" -- "$BIN" --help
expect 1 "unknown command" -- "$BIN" frobnicate

expect 0 "2 recipients" -- "$BIN" channel --authority authority.key --recipient stats.pub \
	--recipient details.pub --receipt-key receipt.pub --ack-key ack.pub \
	--expires 2099-12-31 --out channel.json
grep -q '"format": "sealdrop.channel/1"' channel.json && ok || bad "channel format"
expect 1 "expected role receipt" -- "$BIN" channel --authority authority.key \
	--recipient stats.pub --recipient details.pub --receipt-key ack.pub \
	--expires 2099-12-31 --out c2.json
expect 1 "not a stats or details key" -- "$BIN" channel --authority authority.key \
	--recipient ack.pub --receipt-key receipt.pub --expires 2099-12-31 --out c2.json
expect 1 "at least one stats and one details" -- "$BIN" channel --authority authority.key \
	--recipient stats.pub --receipt-key receipt.pub --expires 2099-12-31 --out c2.json
expect 1 "must be an authority key" -- "$BIN" channel --authority ack.key \
	--recipient stats.pub --recipient details.pub --receipt-key receipt.pub \
	--expires 2099-12-31 --out c2.json
expect 1 "YYYY-MM-DD" -- "$BIN" channel --authority authority.key --recipient stats.pub \
	--recipient details.pub --receipt-key receipt.pub --expires 2000-01-01 --out c2.json
SEALDROP_PASSPHRASE=nope expect 1 "wrong passphrase" -- "$BIN" channel \
	--authority authority.key --recipient stats.pub --recipient details.pub \
	--receipt-key receipt.pub --expires 2099-12-31 --out c2.json
expect 1 "exists" -- "$BIN" channel --authority authority.key --recipient stats.pub \
	--recipient details.pub --receipt-key receipt.pub --expires 2099-12-31 --out channel.json

# An envelope made elsewhere (the documented vector) opens with key files.
export SEALDROP_PASSPHRASE=vector
expect 0 '"member_state": "DK"' -- "$BIN" open --key "$VEC/vector-stats.key" "$VEC/valid.env"
expect 0 "needs a details key" -- "$BIN" open --key "$VEC/vector-stats.key" "$VEC/valid.env"
expect 0 '"narrative": "Test vector."' -- "$BIN" open --key "$VEC/vector-details.key" "$VEC/valid.env"
mkdir saved
expect 0 "saved as saved/2-note.txt" -- "$BIN" open --key "$VEC/vector-details.key" \
	--save-dir saved "$VEC/valid.env"
[ "$(cat saved/2-note.txt)" = hello ] && ok || bad "attachment content"
expect 1 "exists" -- "$BIN" open --key "$VEC/vector-details.key" --save-dir saved "$VEC/valid.env"
expect 1 "fails authentication" -- "$BIN" open --key "$VEC/vector-stats.key" "$VEC/flip-stats-chunk.env"
expect 1 "truncated" -- "$BIN" open --key "$VEC/vector-stats.key" "$VEC/cut-in-body.env"
expect 1 "not a recipient" -- "$BIN" open --key "$VEC/vector-stats.key" "$VEC/flip-recipient-key-id.env"
expect 1 "not a sealdrop envelope" -- "$BIN" open --key "$VEC/vector-stats.key" "$VEC/channel.json"
SEALDROP_PASSPHRASE=wrong expect 1 "wrong passphrase" -- "$BIN" open --key "$VEC/vector-stats.key" "$VEC/valid.env"
expect 1 "damaged" -- "$BIN" open --key "$VEC/stats-tampered.key" "$VEC/valid.env"
expect 1 "not a recipient of the section" -- env SEALDROP_PASSPHRASE=test-pass "$BIN" open --key stats.key "$VEC/valid.env"
expect 1 "opens nothing" -- env SEALDROP_PASSPHRASE=test-pass "$BIN" open --key ack.key "$VEC/valid.env"

# errors a new user meets: one line that says what is wrong
expect 1 "public key file" -- "$BIN" open --key "$VEC/vector-authority.pub" "$VEC/valid.env"
expect 1 "No such file or directory" -- "$BIN" open --key missing.key "$VEC/valid.env"
expect 1 "given twice" -- "$BIN" channel --authority authority.key --recipient stats.pub \
	--recipient stats.pub --recipient details.pub --receipt-key receipt.pub \
	--expires 2099-12-31 --out c3.json
out=$("$BIN" keygen --frob 2>&1)
[ "$(printf '%s\n' "$out" | wc -l)" = 1 ] && case "$out" in *"--frob"*) true;; *) false;; esac &&
	ok || bad "unknown option: not one line naming it: $out"

echo "cli: $pass passed, $fail failed"
[ "$fail" = 0 ]
