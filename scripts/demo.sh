#!/bin/sh
# Set up and run the main job: build, create demo keys and a signed channel
# under var/demo/ (once), and run the intake server on 127.0.0.1.
#
# The demo keys are protected by the passphrase "demo" and made with the
# fast Argon2id setting: they are for trying sealdrop out, never for use.
set -eu
cd "$(dirname "$0")/.."
scripts/setup-deps.sh
mkdir -p var
echo "sealdrop: building (log in var/build.log)" >&2
if ! scripts/build.sh >var/build.log 2>&1; then
	tail -40 var/build.log >&2
	echo "sealdrop: the build failed; the whole log is var/build.log" >&2
	exit 1
fi

LISTEN=${SEALDROP_LISTEN:-127.0.0.1:8080}
DEMO=var/demo
ANALYST=build/analyst/sealdrop-analyst
SERVER=build/server/sealdrop-server
export SEALDROP_PASSPHRASE=demo

mkdir -p "$DEMO"
chmod 700 var "$DEMO"
for role in stats details authority ack; do
	[ -f "$DEMO/$role.key" ] ||
		"$ANALYST" keygen --role "$role" --out "$DEMO/$role" --kdf interactive
done
[ -f "$DEMO/receipt.key" ] ||
	"$SERVER" keygen --out "$DEMO/receipt" --kdf interactive
if [ ! -f "$DEMO/channel.json" ]; then
	expires=$(date -u -d '+1 year' +%Y-%m-%d)
	"$ANALYST" channel --authority "$DEMO/authority.key" \
		--recipient "$DEMO/stats.pub" --recipient "$DEMO/details.pub" \
		--receipt-key "$DEMO/receipt.pub" --ack-key "$DEMO/ack.pub" \
		--expires "$expires" --out "$DEMO/channel.json"
fi
cat <<MSG
Demo channel in $DEMO/ (passphrase of every key: demo):
  channel.json            signed channel descriptor
  authority.pub           the key a submitter pins
  stats.key, details.key  the analysts' keys (on an offline machine in real use)
  ack.key                 signs purge acks; receipt.key signs receipts
MSG
# Started as root the server reads the keys, then runs as an unprivileged
# user inside $DEMO (chroot): that user writes the store there.
set --
if [ "$(id -u)" = 0 ]; then
	user=nobody
	if id sealdrop >/dev/null 2>&1; then user=sealdrop; fi
	chown "$user" "$DEMO"
	for f in "$DEMO"/intake.db "$DEMO"/intake.db-wal "$DEMO"/intake.db-shm; do
		if [ -f "$f" ]; then chown "$user" "$f"; fi
	done
	set -- --user "$user"
fi
exec "$SERVER" --listen "$LISTEN" --db "$DEMO/intake.db" \
	--channel "$DEMO/channel.json" --authority "$DEMO/authority.pub" \
	--receipt-key "$DEMO/receipt.key" "$@"
