#!/usr/bin/env bats
# process.terminal with --console-socket: the pty master goes to the socket's listener
# (tests/cmd/recvtty, started by start_recvtty), the process runs on the slave.

load helpers

setup() {
	berth_setup
	SOCK=$BATS_TEST_TMPDIR/console.sock
	TRANSCRIPT=$BATS_TEST_TMPDIR/transcript
}

teardown() {
	cleanup_berth
}

# setup_tty_bundle ARGS...: a bundle running ARGS on a terminal.
setup_tty_bundle() {
	setup_bundle "$@"
	update_config '.process.terminal = true'
}

# run_on_tty [INPUT]: start recvtty (typing INPUT), run the container detached with the console
# socket, wait for both to finish; the terminal's output, without CRs, is in $output/$lines.
run_on_tty() {
	start_recvtty "$SOCK" "$TRANSCRIPT" "${1:-}"
	run_detached "$ID" --console-socket "$SOCK"
	wait_for_status "$ID" stopped
	wait_recvtty
	output=$(tr -d '\r' <"$TRANSCRIPT")
	mapfile -t lines <<<"$output"
}

@test "the process's stdio is a pty slave and /dev/console is that terminal" {
	setup_tty_bundle sh -c 'tty; for fd in 0 1 2; do readlink /proc/self/fd/$fd; done;
		stat -c "%t %F" /dev/console; [ -t 0 ] && [ -t 1 ] && echo is-a-tty'
	run_on_tty
	# runc prints /dev/pts/0: the slave of the container's own devpts instance.
	assert_line --index 0 /dev/pts/0
	assert_line --index 1 /dev/pts/0
	assert_line --index 2 /dev/pts/0
	assert_line --index 3 /dev/pts/0
	# /dev/console is the same pty (major 136 = 0x88), bind-mounted.
	assert_line --index 4 "88 character special file"
	assert_line is-a-tty
}

@test "the container has a controlling terminal and sees the input typed on the master" {
	# Field 7 of /proc/PID/stat is the controlling tty (0: none); 34816 = 136:0, /dev/pts/0.
	setup_tty_bundle sh -c 'read -r line; echo "got:$line"; echo "ctty=$(cut -d" " -f7 /proc/self/stat)"'
	run_on_tty 'typed-in\n'
	# The tty echoes the input, then sh prints it back.
	assert_line typed-in
	assert_line got:typed-in
	assert_line ctty=34816
}

@test "an interactive shell on the terminal runs commands and exits" {
	setup_tty_bundle sh
	run_on_tty 'echo hello-$((40 + 2)); exit 3\n'
	assert_line --partial hello-42
}

@test "consoleSize sets the terminal's rows and columns" {
	setup_tty_bundle stty size
	update_config '.process.consoleSize = {height: 31, width: 97}'
	run_on_tty
	assert_output "31 97"
}

@test "TERM from the config reaches the terminal process" {
	setup_tty_bundle sh -c 'echo "TERM=$TERM"'
	update_config '.process.env = [.process.env[] | select(startswith("TERM=") | not)] + ["TERM=vt100"]'
	run_on_tty
	assert_output TERM=vt100
}

@test "terminal without --console-socket is refused for a detached container" {
	setup_tty_bundle true
	run_unpiped berth create --bundle "$BUNDLE" "$ID"
	assert_failure 1
	assert_no_leaks
	run_unpiped berth run --detach --bundle "$BUNDLE" "$ID"
	assert_failure 1
	assert_no_leaks
}

@test "--console-socket without terminal is refused" {
	setup_bundle true
	run_unpiped berth create --console-socket "$SOCK" --bundle "$BUNDLE" "$ID"
	assert_failure 1
	assert_no_leaks
}

@test "a --console-socket nobody listens on fails create and leaves nothing" {
	setup_tty_bundle true
	run_unpiped berth create --console-socket "$BATS_TEST_TMPDIR/nobody.sock" --bundle "$BUNDLE" "$ID"
	assert_failure 1
	assert_no_leaks
}

@test "a foreground run with a terminal relays lines without \\r (ONLCR cleared, as runc does)" {
	setup_tty_bundle sh -c 'echo one; echo two'
	# Under script(1), as a user in a terminal piping the output on: runc needs a terminal here.
	command -v script >/dev/null || skip "script(1) from util-linux is not installed"
	# script(1) passes on what its own stdin gives, and at EOF a byte the container's pty may echo
	# (seen as ^@ between the lines), so each line is looked for alone, in one wide od line.
	run timeout 30 script -qec "$(printf '%q ' "$BERTH_BIN" --root "$BERTH_ROOT" run --bundle "$BUNDLE" "$ID") | od -An -c -w256" /dev/null
	assert_success
	assert_output --partial 'o   n   e  \n'
	assert_output --partial 't   w   o  \n'
	refute_output --partial '\r'
}

# A client that reads create's output to EOF (containerd's shim, `out=$(...)` in a shell) must
# get it as soon as create returns: init, waiting for start, must not hold the caller's pipes.
@test "create, run -d and exec -d with a console socket return to a caller reading their output" {
	setup_tty_bundle sleep 1000
	printf '%s\n' "$ID" "$ID-2" >>"$BERTH_IDS_FILE" # started below without the berth wrapper
	start_recvtty "$SOCK" "$TRANSCRIPT" ''
	run timeout 10 bash -c 'out=$("$1" --root "$2" create --console-socket "$3" --bundle "$4" "$5" 2>&1); echo "create said: [$out]"' \
		_ "$BERTH_BIN" "$BERTH_ROOT" "$SOCK" "$BUNDLE" "$ID"
	assert_success
	assert_output "create said: []"

	# The listeners keep their terminals to the end of the test (the processes sleep).
	start_recvtty "$SOCK.2" "$TRANSCRIPT.2" ''
	run timeout 10 bash -c 'out=$("$1" --root "$2" exec -d -t --console-socket "$3" "$4" sleep 1000 2>&1); echo "exec said: [$out]"' \
		_ "$BERTH_BIN" "$BERTH_ROOT" "$SOCK.2" "$ID"
	assert_success
	assert_output "exec said: []"

	start_recvtty "$SOCK.3" "$TRANSCRIPT.3" ''
	run timeout 10 bash -c 'out=$("$1" --root "$2" run -d --console-socket "$3" --bundle "$4" "$5" 2>&1); echo "run said: [$out]"' \
		_ "$BERTH_BIN" "$BERTH_ROOT" "$SOCK.3" "$BUNDLE" "$ID-2"
	assert_success
	assert_output "run said: []"
}

@test "root.readonly without a /dev tmpfs: /dev/console is still made and bound to the terminal" {
	# The console's mount point is created in the image's /dev, before / turns read-only.
	setup_tty_bundle sh -c 'stat -c "%t %F" /dev/console; tty; touch /new; true'
	update_config '.root.readonly = true | .mounts |= map(select(.destination != "/dev"))'
	run_on_tty
	assert_line --index 0 "88 character special file"
	assert_line --index 1 /dev/pts/0
	assert_line --partial 'Read-only file system'
}
