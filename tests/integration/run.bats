#!/usr/bin/env bats
# `run` in the foreground: signals, the terminal berth relays itself, and --pidfd-socket.

load helpers

setup() {
	berth_setup
}

teardown() {
	cleanup_berth
}

RECVFD_BIN=${RECVFD_BIN:-$REPO/.cache/bin/recvfd}

# run_foreground: start `berth run` of the bundle in the background, its PID in RUN_PID (the
# binary itself, not the berth() wrapper: $! must be berth's PID, not a subshell's).
run_foreground() {
	_record_container_id run "$ID"
	"$BERTH_BIN" --root "$BERTH_ROOT" run --bundle "$BUNDLE" "$ID" >/dev/null 2>&1 3>&- &
	RUN_PID=$!
}

# wait_for_file PATH WHAT: wait up to 5 s for PATH; fail saying WHAT if it never comes.
wait_for_file() {
	local i
	for ((i = 0; i < 100; i++)); do
		[[ -e $1 ]] && return 0
		sleep 0.05
	done
	fail "$2"
}

@test "run in the foreground forwards SIGTERM to the container and returns its status" {
	setup_bundle sh -c 'trap "exit 42" TERM; echo up >/tmp/up; sleep 1000 & wait'
	update_config '.root.readonly = false'
	run_foreground
	wait_for_file "$BUNDLE/rootfs/tmp/up" "the container did not come up"
	kill -TERM "$RUN_PID"
	local status=0
	wait "$RUN_PID" || status=$?
	assert_equal "$status" 42
}

@test "run in the foreground forwards the signals Go would ignore (SIGUSR1, SIGUSR2) too" {
	# berth catches these only while init sets the container up (the Go runtime ignores them
	# until then): by the time the program runs, they must be caught and forwarded.
	setup_bundle sh -c 'trap "echo got-usr1 >/tmp/usr1" USR1; trap "exit 7" USR2; echo up >/tmp/up; while :; do sleep 0.05; done'
	update_config '.root.readonly = false'
	run_foreground
	wait_for_file "$BUNDLE/rootfs/tmp/up" "the container did not come up"
	kill -USR1 "$RUN_PID"
	wait_for_file "$BUNDLE/rootfs/tmp/usr1" "SIGUSR1 did not reach the container"
	kill -USR2 "$RUN_PID"
	local status=0
	wait "$RUN_PID" || status=$?
	assert_equal "$status" 7
}

@test "run in the foreground returns 128+N when the container dies of signal N" {
	setup_bundle sh -c 'kill -KILL $$'
	# Without its own PID namespace: a namespace's init is immune to signals from inside it.
	update_config '.linux.namespaces |= map(select(.type != "pid"))'
	run_unpiped berth run --bundle "$BUNDLE" "$ID"
	assert_equal "$status" 137
}

@test "run in the foreground relays the terminal when there is no console socket" {
	command -v script >/dev/null || skip "script(1) from util-linux is not installed"
	setup_bundle sh -c 'tty; [ -t 0 ] && echo stdin-is-a-tty'
	update_config '.process.terminal = true'
	# script(1) gives berth a terminal of its own, as a user's shell would.
	run script -qec "$(printf '%q ' "$BERTH_BIN" --root "$BERTH_ROOT" run --bundle "$BUNDLE" "$ID")" /dev/null
	assert_success
	assert_output --partial /dev/pts/0
	assert_output --partial stdin-is-a-tty
}

@test "a terminal without --console-socket is refused for create and run --detach" {
	setup_bundle true
	update_config '.process.terminal = true'
	run berth create --bundle "$BUNDLE" "$ID"
	assert_failure
	run berth run -d --bundle "$BUNDLE" "$ID"
	assert_failure
	assert_no_leaks
}

@test "--pidfd-socket receives a pidfd of the container's init" {
	requires_berth # runc 1.1 has no --pidfd-socket
	[[ -x $RECVFD_BIN ]] || fail "$RECVFD_BIN is missing: run make test-helpers"
	setup_bundle sleep 100
	local sock=$BATS_TEST_TMPDIR/pidfd.sock out=$BATS_TEST_TMPDIR/pidfd.out
	"$RECVFD_BIN" "$sock" >"$out" 3>&- &
	local recv=$!
	echo "$recv" >>"$BERTH_PIDS_FILE"
	local i
	for ((i = 0; i < 100; i++)); do
		[[ -S $sock ]] && break
		sleep 0.05
	done
	create_container "$ID" --pidfd-socket "$sock"
	wait "$recv"
	run cat "$out"
	assert_line 'anon_inode:[pidfd]'
	assert_line "pid $(container_pid "$ID")"
}
