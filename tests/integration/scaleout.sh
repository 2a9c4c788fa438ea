#!/bin/sh
# Several intake servers: two on loopback, each with its own store, serve the
# same channel (one authority, one channel.json, one receipt key, as the
# channel names a single receipt_key). One envelope is posted to both, others
# to one each, and both stores are exported. What holds today: an envelope
# has the same receipt on every server (receipts are content addresses); an
# analyst store follows one intake chain, so the batch of the second server
# is refused whole, naming the other chain, and nothing of it is stored; a
# store of its own takes it, and every store counts each report once.
# (docs/operations.md, "Several intake servers".) The servers start from the
# sample configuration dist/sealdrop-server.conf.
# usage: scaleout.sh BINARY_DIR SOURCE_DIR
set -u
AN=$1/analyst/sealdrop-analyst SRV=$1/server/sealdrop-server
SUB=$1/submitter/sealdrop-submit SRC=$2
work=$(mktemp -d)
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	for p in $pids; do wait "$p" 2>/dev/null; done
	rm -rf "$work"
}
trap cleanup EXIT
cd "$work" || exit 1
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
die() { echo "FAIL: $*" >&2; exit 1; }

export SEALDROP_PASSPHRASE=scale-out
for r in authority stats details ack; do
	"$AN" keygen --role $r --out $r --kdf interactive >/dev/null || die "keygen $r"
done
"$SRV" keygen --out receipt --kdf interactive >/dev/null || die "server keygen"
"$AN" channel --authority authority.key --recipient stats.pub \
    --recipient details.pub --receipt-key receipt.pub --ack-key ack.pub \
    --expires 2099-12-31 --out channel.json >/dev/null || die "channel"

# started as root, each server becomes nobody in its own data directory
asuser=""
[ "$(id -u)" -eq 0 ] && asuser="--user nobody"
start() {   # start NAME: data directory NAME/, port in NAME.port
	mkdir -p "$1"
	[ -n "$asuser" ] && chown nobody "$1"
	# shellcheck disable=SC2086
	"$SRV" --config "$SRC/dist/sealdrop-server.conf" --listen 127.0.0.1:0 \
	    --db "$work/$1/intake.db" --channel channel.json \
	    --authority authority.pub --receipt-key receipt.key \
	    --templates "$SRC/templates" $asuser >"$1.out" 2>"$1.err" &
	pids="$pids $!"
	i=0
	while ! grep -q "listening on" "$1.out" 2>/dev/null; do
		i=$((i + 1))
		[ "$i" -gt 100 ] && die "server $1 did not start: $(cat "$1.err")"
		sleep 0.1
	done
	sed -n 's#.*listening on http://127.0.0.1:\([0-9]*\)/.*#\1#p' "$1.out" >"$1.port"
}
start a
start b
PA=$(cat a.port) PB=$(cat b.port)

# sealed offline, so that the very same bytes can go to both servers
seal() {   # seal NAME MEMBER_STATE
	sed "s/\"member_state\": \"BE\"/\"member_state\": \"$2\"/" base.json >"$1.json"
	"$SUB" --channel channel.json --authority authority.pub --anonymous \
	    --receipts receipts.log --out "$1.sealed" "$1.json" >/dev/null ||
		die "seal $1"
}
"$SUB" template --json | sed '/"narrative"/d; /"contact"/d; /"consent_law/d;
    s/"reported_to_police": false,/"reported_to_police": false/' >base.json
for n in shared:DE a1:DE a2:FR b1:FR b2:DE b3:FR; do seal "${n%%:*}" "${n#*:}"; done
post() {   # post PORT NAME: the receipt
	curl -s -o "post.$1.$2" -w '%{http_code}' --data-binary "@$2.sealed" \
	    -H 'Content-Type: application/octet-stream' \
	    "http://127.0.0.1:$1/api/v1/reports" >"code.$1.$2"
	sed -n 's/.*"receipt": *"\([a-z0-9]*\)".*/\1/p' "post.$1.$2"
}
ra=$(post "$PA" shared) rb=$(post "$PB" shared)
[ "$(cat "code.$PA.shared")" = 201 ] && [ "$(cat "code.$PB.shared")" = 201 ] && ok ||
	bad "the shared envelope was not stored by both servers"
[ -n "$ra" ] && [ "$ra" = "$rb" ] && ok ||
	bad "the same envelope has receipts '$ra' and '$rb' on the two servers"
for n in a1 a2; do [ -n "$(post "$PA" $n)" ] && ok || bad "post $n to a"; done
for n in b1 b2 b3; do [ -n "$(post "$PB" $n)" ] && ok || bad "post $n to b"; done

"$SRV" export --db a/intake.db --out a-1.sqlite >/dev/null && ok || bad "export a"
"$SRV" export --db b/intake.db --out b-1.sqlite >/dev/null && ok || bad "export b"
[ "$(sqlite3 a-1.sqlite 'SELECT count(*) FROM envelopes')" = 3 ] && ok || bad "batch a rows"
[ "$(sqlite3 b-1.sqlite 'SELECT count(*) FROM envelopes')" = 4 ] && ok || bad "batch b rows"

rows() { "$AN" list --store "$1" | grep -c '^[a-z0-9]\{32\} '; }
out=$("$AN" ingest --store analyst.db a-1.sqlite 2>&1)
case "$out" in *"3 envelopes added, 0 skipped"*) ok ;; *) bad "ingest a-1: $out" ;; esac
out=$("$AN" ingest --store analyst.db b-1.sqlite 2>&1)
st=$?
[ "$st" != 0 ] && ok || bad "a batch of another intake chain was taken: $out"
case "$out" in
*"b-1.sqlite refused, nothing stored from it"*"another intake chain"*) ok ;;
*) bad "the refusal does not name the other chain: $out" ;;
esac
[ "$(rows analyst.db)" = 3 ] && ok || bad "the refused batch changed the store"
[ "$("$AN" list --store analyst.db | grep -c "^$ra ")" = 1 ] && ok ||
	bad "the shared report is not listed once"
# each store counts its reports once: a (shared DE, a1 DE, a2 FR)
tab=$("$AN" table --store analyst.db --key stats.key --rows member_state \
    --format csv --no-ledger --threshold 1 2>&1)
printf '%s\n' "$tab" | grep -q "^DE,Germany,2," && printf "%s\n" "$tab" | grep -q "^FR,France,1," && ok || bad "table of a: $tab"
out=$("$AN" ingest --store analyst-b.db b-1.sqlite 2>&1)
case "$out" in *"4 envelopes added, 0 skipped"*) ok ;; *) bad "ingest b-1 alone: $out" ;; esac
[ "$(rows analyst-b.db)" = 4 ] && ok || bad "store b rows"
# the later batches of each server continue its own chain
seal a3 DE
seal b4 FR
[ -n "$(post "$PA" a3)" ] && ok || bad "post a3"
[ -n "$(post "$PB" b4)" ] && ok || bad "post b4"
"$SRV" export --db a/intake.db --out a-2.sqlite >/dev/null && ok || bad "export a 2"
"$SRV" export --db b/intake.db --out b-2.sqlite >/dev/null && ok || bad "export b 2"
"$AN" ingest --store analyst.db a-2.sqlite >/dev/null 2>&1 && ok || bad "ingest a-2"
"$AN" ingest --store analyst-b.db b-2.sqlite >/dev/null 2>&1 && ok || bad "ingest b-2"
[ "$(rows analyst.db)" = 4 ] && [ "$(rows analyst-b.db)" = 5 ] && ok ||
	bad "after the second round: $(rows analyst.db) and $(rows analyst-b.db) reports"

echo "scale-out: $pass passed, $fail failed"
[ "$fail" = 0 ]
