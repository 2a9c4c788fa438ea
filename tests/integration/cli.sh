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

# a passphrase that cannot be read: every command that takes
# --passphrase-file names the cause
SRV=$1/server/sealdrop-server
unset SEALDROP_PASSPHRASE
: >empty.pass
nofile="--passphrase-file nope.pass: No such file or directory"
expect 1 "$nofile" -- "$BIN" keygen --role stats --out k2 --kdf interactive --passphrase-file nope.pass
expect 1 "$nofile" -- "$BIN" channel --authority authority.key --recipient stats.pub \
	--recipient details.pub --receipt-key receipt.pub --expires 2099-12-31 --out c4.json \
	--passphrase-file nope.pass
expect 1 "$nofile" -- "$BIN" open --key stats.key --passphrase-file nope.pass "$VEC/valid.env"
expect 1 "--passphrase-file empty.pass is empty" -- "$BIN" open --key stats.key \
	--passphrase-file empty.pass "$VEC/valid.env"
expect 1 "--passphrase-file saved: Is a directory" -- "$BIN" open --key stats.key \
	--passphrase-file saved "$VEC/valid.env"
expect 1 "--passphrase-file needs a value" -- "$BIN" open --key stats.key "$VEC/valid.env" \
	--passphrase-file
expect 1 "no terminal to ask for it on" -- setsid -w "$BIN" open --key stats.key "$VEC/valid.env"
SEALDROP_PASSPHRASE= expect 1 "SEALDROP_PASSPHRASE is empty" -- "$BIN" open --key stats.key \
	"$VEC/valid.env"
# the commands on a store: an empty one, from an empty export batch
sqlite3 empty.sqlite "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE envelopes(seq INTEGER PRIMARY KEY, receipt TEXT NOT NULL UNIQUE,
 day TEXT NOT NULL, size INTEGER NOT NULL, envelope BLOB NOT NULL, chain BLOB NOT NULL);
INSERT INTO meta VALUES('format','sealdrop.batch/1'),
 ('channel_id','00000000000000000000000000000000'),
 ('prev_chain','0000000000000000000000000000000000000000000000000000000000000000'),
 ('first_seq','1'),('last_seq','0'),('count','0');" && ok || bad "sqlite3 cannot make a batch"
expect 0 "0 envelopes added" -- "$BIN" ingest --store s.db empty.sqlite
expect 1 "$nofile" -- "$BIN" table --store s.db --key stats.key --rows sector \
	--passphrase-file nope.pass
expect 1 "$nofile" -- "$BIN" report --store s.db --key stats.key --out r.html \
	--passphrase-file nope.pass
# (show and ack read the key only for a store with reports:
# test_analyst_e2e checks them)
expect 1 "$nofile" -- "$SRV" keygen --out rk --kdf interactive --passphrase-file nope.pass
# started as root, the server must be told whom to become
asuser=""
[ "$(id -u)" -eq 0 ] && asuser="--user nobody"
# shellcheck disable=SC2086
expect 1 "$nofile" -- "$SRV" --listen 127.0.0.1:0 --db intake.db --channel channel.json \
	--authority authority.pub --receipt-key receipt.key --passphrase-file nope.pass \
	--templates "$2/templates" $asuser
[ ! -e intake.db ] && ok || bad "the server made a store without its receipt key"

echo "cli: $pass passed, $fail failed"
[ "$fail" = 0 ]
