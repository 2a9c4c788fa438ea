#!/bin/sh
# Several intake servers: two on loopback, each with its own store, serve the
# same channel (one authority, one channel.json, one receipt key, as the
# channel names a single receipt_key). One envelope is posted to both, others
# to one each, and both stores are exported. An envelope has the same
# receipt on every server (receipts are content addresses); each intake
# store has an id of its own, carried in its batches, and the analyst store
# follows each store's chain by it: both servers' batches are ingested, the
# shared report is kept and counted once, a batch that claims the other
# store's id is refused whole, later batches continue each chain, and one
# ack purges each server of its own rows. (docs/operations.md, "Several
# intake servers".) The servers start from the
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
ida=$(sqlite3 a-1.sqlite "SELECT value FROM meta WHERE key = 'store_id'")
idb=$(sqlite3 b-1.sqlite "SELECT value FROM meta WHERE key = 'store_id'")
[ ${#ida} = 32 ] && [ ${#idb} = 32 ] && [ "$ida" != "$idb" ] && ok ||
	bad "the two intake stores have no ids of their own: '$ida' '$idb'"
out=$("$AN" ingest --store analyst.db a-1.sqlite 2>&1)
case "$out" in *"3 envelopes added, 0 skipped"*) ok ;; *) bad "ingest a-1: $out" ;; esac
# a batch that claims a's store but holds other rows is refused whole
cp b-1.sqlite forged.sqlite
sqlite3 forged.sqlite "UPDATE meta SET value = '$ida' WHERE key = 'store_id'"
out=$("$AN" ingest --store analyst.db forged.sqlite 2>&1)
st=$?
[ "$st" != 0 ] && ok || bad "a batch forged with a's store id was taken: $out"
case "$out" in *"refused, nothing stored"*"differs from the row already ingested"*) ok ;;
*) bad "the forged batch's refusal: $out" ;; esac
[ "$(rows analyst.db)" = 3 ] && ok || bad "the refused batch changed the store"
# the other server's batch is a chain of its own: the shared envelope once
out=$("$AN" ingest --store analyst.db b-1.sqlite 2>&1)
case "$out" in *"3 envelopes added, 1 skipped"*) ok ;; *) bad "ingest b-1: $out" ;; esac
[ "$(rows analyst.db)" = 6 ] && ok || bad "after both batches: $(rows analyst.db) reports, not 6"
[ "$("$AN" list --store analyst.db | grep -c "^$ra ")" = 1 ] && ok ||
	bad "the shared report is not listed once"
# both batches again: nothing new, in either order
out=$("$AN" ingest --store analyst.db b-1.sqlite a-1.sqlite 2>&1)
case "$out" in *"0 envelopes added, 7 skipped"*) ok ;; *) bad "ingest both again: $out" ;; esac
# DE: shared, a1, b2; FR: a2, b1, b3 -- the shared report counts once
tab=$("$AN" table --store analyst.db --key stats.key --rows member_state \
    --format csv --no-ledger --threshold 1 2>&1)
printf '%s\n' "$tab" | grep -q "^DE,Germany,3," && printf "%s\n" "$tab" | grep -q "^FR,France,3," && ok || bad "table of both: $tab"
# the later batches of each server continue its own chain
seal a3 DE
seal b4 FR
[ -n "$(post "$PA" a3)" ] && ok || bad "post a3"
[ -n "$(post "$PB" b4)" ] && ok || bad "post b4"
"$SRV" export --db a/intake.db --out a-2.sqlite >/dev/null && ok || bad "export a 2"
"$SRV" export --db b/intake.db --out b-2.sqlite >/dev/null && ok || bad "export b 2"
# b's second batch cannot be passed off as a's: its prev_chain is b's
cp b-2.sqlite forged-2.sqlite
sqlite3 forged-2.sqlite "UPDATE meta SET value = '$ida' WHERE key = 'store_id'"
"$AN" ingest --store analyst.db forged-2.sqlite >/dev/null 2>&1 &&
	bad "b's second batch was taken as a's" || ok
"$AN" ingest --store analyst.db b-2.sqlite a-2.sqlite >/dev/null 2>&1 && ok ||
	bad "ingest a-2 and b-2"
[ "$(rows analyst.db)" = 8 ] && ok || bad "after the second round: $(rows analyst.db) reports, not 8"
# one ack purges each server of what it holds, and of nothing else
"$AN" ack --store analyst.db --key ack.key --out ack.sig >/dev/null 2>&1 && ok ||
	bad "ack"
for n in a b; do
	"$SRV" purge --db $n/intake.db --ack ack.sig >purge.$n 2>&1 && ok ||
		bad "purge $n: $(cat purge.$n)"
	[ "$(sqlite3 $n/intake.db 'SELECT count(*) FROM envelopes')" = 0 ] && ok ||
		bad "purge $n left rows"
done
[ "$(sqlite3 a/intake.db 'SELECT count(*) FROM purged')" = 4 ] &&
    [ "$(sqlite3 b/intake.db 'SELECT count(*) FROM purged')" = 5 ] && ok ||
	bad "purged rows: a $(sqlite3 a/intake.db 'SELECT count(*) FROM purged')," \
	    "b $(sqlite3 b/intake.db 'SELECT count(*) FROM purged')"

echo "scale-out: $pass passed, $fail failed"
[ "$fail" = 0 ]
