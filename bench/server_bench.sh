#!/bin/bash
# Side-by-side load benchmark of sealdrop-server and the reference server of
# ../shared/limits (e2e_server: POST -> crypto_box_seal -> WAL+FULL insert,
# group commit), alternated in rounds so that both see the same disk.
#
#   bench/server_bench.sh BUILD_DIR REFERENCE_BINARY [ROUNDS] [SECONDS] [CONNS]
#
# BUILD_DIR holds server/sealdrop-server, analyst/sealdrop-analyst and
# bench/server_load. REFERENCE_BINARY is e2e_server built from
# ../shared/limits with its Makefile into a scratch directory. Everything
# the run writes goes to a scratch directory (SD_BENCH_DIR, default a new
# one under /tmp); the figures go to stdout, one line per run.
# SD_BENCH_MODES="api" runs one mode only.
set -eu
build=$(cd "$1" && pwd)
ref=$2
rounds=${3:-3}
secs=${4:-8}
conns=${5:-64}
dir=${SD_BENCH_DIR:-$(mktemp -d /tmp/sd-bench.XXXXXX)}
port=18112
rport=18113
export SEALDROP_PASSPHRASE=bench-passphrase
analyst=$build/analyst/sealdrop-analyst
server=$build/server/sealdrop-server
load=$build/bench/server_load
src=$(cd "$(dirname "$0")/.." && pwd)

mkdir -p "$dir"
cd "$dir"
if [ ! -f channel.json ]; then
	for r in authority stats details ack receipt; do
		"$analyst" keygen --role "$r" --out "$r" --kdf interactive \
		    --force >/dev/null
	done
	"$analyst" channel --authority authority.key --recipient stats.pub \
	    --recipient details.pub --receipt-key receipt.pub \
	    --ack-key ack.pub --expires 2099-12-31 --out channel.json \
	    --force >/dev/null
fi

wait_port() {
	i=0
	while ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; do
		i=$((i + 1))
		[ "$i" -lt 100 ] || { echo "port $1 not up" >&2; exit 1; }
		sleep 0.1
	done
}

fresh() { rm -f "$1" "$1-wal" "$1-shm"; }

run_ref() {
	fresh ref.db
	"$ref" "$rport" ref.db group 2 64 2>ref.log &
	pid=$!
	wait_port "$rport"
	printf 'reference %s ' "$1"
	"$load" --url "http://127.0.0.1:$rport" --mode "$1" \
	    --channel channel.json --authority authority.pub \
	    --seconds "$secs" --connections "$conns" --pid "$pid" \
	    --ok-status 200 | tr '\n' ' '
	echo
	kill -TERM "$pid"
	wait "$pid" || true
}

# started as root the server runs as an unprivileged user (see
# docs/server.md), who must be able to write the store's directory
as_user=
if [ "$(id -u)" = 0 ]; then
	chown nobody .
	as_user="--user nobody"
fi

run_sd() {
	fresh sd.db
	# shellcheck disable=SC2086
	"$server" --listen "127.0.0.1:$port" --db sd.db \
	    --channel channel.json --authority authority.pub \
	    --receipt-key receipt.key --templates "$src/templates" \
	    --rate 0 --per-ip-limit 0 $as_user >sd.out 2>sd.log &
	pid=$!
	wait_port "$port"
	printf 'sealdrop %s ' "$1"
	"$load" --url "http://127.0.0.1:$port" --mode "$1" \
	    --channel channel.json --authority authority.pub \
	    --seconds "$secs" --connections "$conns" --pid "$pid" | tr '\n' ' '
	echo
	kill -TERM "$pid"
	wait "$pid" || true
}

modes=${SD_BENCH_MODES:-api form}
r=1
while [ "$r" -le "$rounds" ]; do
	echo "# round $r"
	for m in $modes; do
		run_ref "$m"
		run_sd "$m"
	done
	r=$((r + 1))
done
