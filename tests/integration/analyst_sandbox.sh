#!/bin/sh
# The analyst tool holds the channel's secret keys: while a command runs it
# has a seccomp filter and no new privileges (Seccomp 2, NoNewPrivs 1 in
# /proc/PID/status, read while it waits for its passphrase on a FIFO), it
# cannot open a socket (EPERM), starting a program kills it (SIGSYS), its
# core dumps are off, and a locked-memory limit too low for its secrets is
# said at start. --no-sandbox lifts the filter, which shows it is the
# filter that refuses. Builds with sanitizers have no filter (LeakSanitizer
# traces the process at exit): there only the rest is checked.
# usage: analyst_sandbox.sh BINARY_DIR [sanitized]
set -u
AN=$1/analyst/sealdrop-analyst
SANITIZED=${2:-}
work=$(mktemp -d)
pid=""
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
cd "$work" || exit 1
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
unset SEALDROP_PASSPHRASE

field() { # field PID NAME: the value of NAME: in /proc/PID/status
	sed -n "s/^$2:[[:space:]]*\([^[:space:]]*\).*/\1/p" "/proc/$1/status"
}

# 1. a real command, stopped where it reads its passphrase
mkfifo pass.fifo
mkdir k
"$AN" keygen --role stats --out k/stats --kdf interactive \
    --passphrase-file pass.fifo >keygen.out 2>&1 &
pid=$!
i=0
while [ $i -lt 100 ]; do
	[ "$(cat /proc/$pid/wchan 2>/dev/null)" = "fifo_open" ] && break
	grep -q '^State:.*S' /proc/$pid/status 2>/dev/null &&
	    [ "$(field $pid NoNewPrivs)" = 1 ] && break
	sleep 0.05
	i=$((i + 1))
done
if [ -z "$SANITIZED" ]; then
	[ "$(field $pid Seccomp)" = 2 ] && ok ||
	    bad "keygen waiting for its passphrase: Seccomp is" \
	    "'$(field $pid Seccomp)', not 2 (filter)"
	[ "$(field $pid NoNewPrivs)" = 1 ] && ok ||
	    bad "keygen: NoNewPrivs is '$(field $pid NoNewPrivs)', not 1"
fi
core=$(sed -n 's/^Max core file size[[:space:]]*\([0-9a-z]*\)[[:space:]]*\([0-9a-z]*\).*/\1 \2/p' \
    "/proc/$pid/limits")
[ "$core" = "0 0" ] && ok || bad "keygen: core file size limit is '$core', not 0 0"
printf 'sandboxed passphrase\n' >pass.fifo
wait "$pid"
st=$?
pid=""
[ "$st" -eq 0 ] && [ -s k/stats.key ] && [ -s k/stats.pub ] && ok ||
    bad "keygen under the sandbox failed ($st): $(cat keygen.out)"

# 2. no socket, no program
if [ -z "$SANITIZED" ]; then
	out=$("$AN" test-sandbox socket 2>&1)
	st=$?
	[ "$st" -eq 3 ] && echo "$out" | grep -q "Operation not permitted" &&
	    ok || bad "socket(2) under the sandbox: exit $st, '$out'"
	"$AN" test-sandbox exec >exec.out 2>&1
	st=$?
	# 128 + SIGSYS
	[ "$st" -eq $((128 + 31)) ] && ok ||
	    bad "execve(2) under the sandbox: exit $st, $(cat exec.out)"
	grep -q '^exec:' exec.out && bad "execve(2) returned: $(cat exec.out)" ||
	    ok
	out=$("$AN" test-sandbox other 2>&1)
	st=$?
	[ "$st" -eq 70 ] && echo "$out" |
	    grep -q "sandbox: system call [0-9]* refused" && ok ||
	    bad "a call on no list: exit $st, '$out'"
else
	echo "sanitizer build: no seccomp filter to test"
fi
out=$("$AN" --no-sandbox test-sandbox socket 2>&1)
[ "$out" = "socket: opened" ] && ok ||
    bad "--no-sandbox still refuses socket(2): '$out'"
"$AN" --no-sandbox test-sandbox exec >exec.out 2>&1 && ok ||
    bad "--no-sandbox still refuses execve(2): $(cat exec.out)"

# 3. secrets that cannot be locked are said once, at start (AddressSanitizer
# makes mlock(2) a no-op that succeeds: nothing to see there)
if [ -z "$SANITIZED" ]; then
	if [ "$(id -u)" -eq 0 ]; then
		drop="setpriv --reuid=65534 --regid=65534 --clear-groups"
	else
		drop=""
	fi
	err=$(prlimit --memlock=0:0 $drop "$AN" --help 2>&1 >/dev/null)
	[ "$(echo "$err" | grep -c 'secret memory cannot be locked')" -eq 1 ] && ok ||
	    bad "no warning about unlockable secret memory: '$err'"
	SUB=$1/submitter/sealdrop-submit
	if [ -x "$SUB" ]; then
		err=$(prlimit --memlock=0:0 $drop "$SUB" --help 2>&1 >/dev/null)
		echo "$err" | grep -q 'sealdrop-submit: warning: secret memory cannot be locked' &&
		    ok || bad "sealdrop-submit: no warning about unlockable memory: '$err'"
	fi
fi
err=$("$AN" --help 2>&1 >/dev/null)
[ -z "$err" ] && ok || bad "a warning with a usable limit: '$err'"

echo "analyst sandbox: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
