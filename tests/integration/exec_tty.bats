#!/usr/bin/env bats
# exec --tty: a pty for the new process, its master sent to --console-socket (with --detach, as
# runc requires) or relayed by berth in the foreground.

load helpers

setup() {
	berth_setup
	SOCK=$BATS_TEST_TMPDIR/console.sock
	TRANSCRIPT=$BATS_TEST_TMPDIR/transcript
	setup_bundle sh -c 'trap "exit 0" TERM; sleep 1000 & wait'
	run_detached "$ID"
}

teardown() {
	cleanup_berth
}

# exec_on_tty INPUT ARGS...: start recvtty (typing INPUT), exec -d -t ARGS with the console
# socket, wait for the terminal to close; its output, without CRs, is in $output/$lines.
exec_on_tty() {
	local input=$1
	shift
	start_recvtty "$SOCK" "$TRANSCRIPT" "$input"
	run_unpiped timeout 30 "$BERTH_BIN" --root "$BERTH_ROOT" exec -d -t --console-socket "$SOCK" "$ID" "$@"
	assert_success
	wait_recvtty 10
	# The master can deliver a NUL before the first write: drop it with the CRs.
	output=$(tr -d '\r\0' <"$TRANSCRIPT")
	mapfile -t lines <<<"$output"
}

# script_run CMD...: run CMD under script(1), which gives it a terminal of its own.
script_run() {
	command -v script >/dev/null || skip "script(1) from util-linux is not installed"
	run timeout 30 script -qec "$(printf '%q ' "$@")" /dev/null
}

@test "exec -t --console-socket runs the process on a pty of the container" {
	exec_on_tty '' sh -c 'tty; for fd in 0 1 2; do readlink /proc/self/fd/$fd; done;
		[ -t 0 ] && [ -t 1 ] && echo is-a-tty'
	# The container's own devpts: the init has no terminal, so the exec's is pts/0.
	assert_line --index 0 --regexp '^/dev/pts/[0-9]+$'
	local pts=${lines[0]}
	assert_line --index 1 "$pts"
	assert_line --index 2 "$pts"
	assert_line --index 3 "$pts"
	assert_line is-a-tty
}

@test "exec -t has a controlling terminal and reads what is typed" {
	exec_on_tty 'typed-in\n' sh -c 'read -r line; echo "got:$line"; [ "$(cut -d" " -f7 /proc/self/stat)" != 0 ] && echo has-ctty'
	assert_line got:typed-in
	assert_line has-ctty
}

@test "exec -t --console-socket --pid-file names the process on the terminal" {
	start_recvtty "$SOCK" "$TRANSCRIPT" ''
	run_unpiped timeout 30 "$BERTH_BIN" --root "$BERTH_ROOT" exec -d -t --console-socket "$SOCK" \
		--pid-file "$BATS_TEST_TMPDIR/exec.pid" "$ID" sleep 1000
	assert_success
	local pid
	pid=$(tr -d '\n' <"$BATS_TEST_TMPDIR/exec.pid")
	[[ $pid =~ ^[0-9]+$ ]] || fail "pid file holds '$pid'"
	assert_equal "$(cat "/proc/$pid/comm")" sleep
	assert_equal "$(readlink "/proc/$pid/ns/pid")" "$(readlink "/proc/$(container_pid "$ID")/ns/pid")"
	# Its stdio is a pty slave.
	[[ $(readlink "/proc/$pid/fd/0") == /dev/pts/* ]] || fail "stdin is $(readlink "/proc/$pid/fd/0")"
	kill -KILL "$pid"
	wait_recvtty 10
}

@test "exec -t into a container one task below its pids limit runs its program" {
	# The terminal is made by the C part too: no Go runtime's threads count against pids.max.
	update_config '.process.args = ["sleep", "1000"] | .linux.resources.pids = {limit: 2}'
	run_detached "$ID-pids"
	start_recvtty "$SOCK" "$TRANSCRIPT" ''
	run_unpiped timeout 30 "$BERTH_BIN" --root "$BERTH_ROOT" exec -d -t --console-socket "$SOCK" "$ID-pids" readlink /proc/self/fd/0
	assert_success
	wait_recvtty 10
	# One process: with init, the limit leaves room for nothing else.
	run tr -d '\r\0' <"$TRANSCRIPT"
	assert_output --regexp '^/dev/pts/[0-9]+$'
	script_run "$BERTH_BIN" --root "$BERTH_ROOT" exec -t "$ID-pids" echo foreground-in-limit
	assert_success
	assert_output --partial foreground-in-limit
}

@test "exec -t in the foreground relays the caller's terminal" {
	script_run "$BERTH_BIN" --root "$BERTH_ROOT" exec -t "$ID" sh -c 'tty; [ -t 0 ] && echo stdin-is-a-tty'
	assert_success
	assert_output --partial /dev/pts/
	assert_output --partial stdin-is-a-tty
}

@test "exec -t in the foreground returns the process's exit code" {
	script_run "$BERTH_BIN" --root "$BERTH_ROOT" exec -t "$ID" sh -c 'exit 6'
	assert_failure 6
}

@test "exec -t sets TERM from the container's environment" {
	script_run "$BERTH_BIN" --root "$BERTH_ROOT" exec -t "$ID" sh -c 'echo "TERM=$TERM"'
	assert_success
	assert_output --partial TERM=xterm
}

@test "exec without -t in a terminal gets no tty" {
	script_run "$BERTH_BIN" --root "$BERTH_ROOT" exec "$ID" sh -c 'tty; [ -t 0 ] || echo no-tty'
	assert_output --partial "not a tty"
	assert_output --partial no-tty
}

@test "exec -t returns when the process exits, though a background child ignoring SIGHUP keeps the pty" {
	script_run "$BERTH_BIN" --root "$BERTH_ROOT" exec -t "$ID" sh -c 'trap "" HUP; sleep 1000 & echo started; exit 3'
	assert_failure 3
	assert_output --partial started
}

@test "a foreground exec -t with a terminal relays lines without \\r (ONLCR cleared, as runc does)" {
	# Under script(1), as a user in a terminal piping the output on: runc needs a terminal here.
	command -v script >/dev/null || skip "script(1) from util-linux is not installed"
	# script(1) passes on what its own stdin gives, and at EOF a byte the container's pty may echo
	# (seen as ^@ between the lines), so each line is looked for alone, in one wide od line.
	run timeout 30 script -qec "$(printf '%q ' "$BERTH_BIN" --root "$BERTH_ROOT") exec -t $ID sh -c 'echo one; echo two' | od -An -c -w256" /dev/null
	assert_success
	assert_output --partial 'o   n   e  \n'
	assert_output --partial 't   w   o  \n'
	refute_output --partial '\r'
}
