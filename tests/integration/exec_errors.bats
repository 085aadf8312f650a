#!/usr/bin/env bats
# exec's failures: the container's state, the command, the user, the cwd and process.json.
# runc fails exec with status 255 (not 1 as the other commands) and one "exec failed: ..." line;
# berth matches the status and prints one "berth: ..." line.

load helpers

setup() {
	berth_setup
}

teardown() {
	cleanup_berth
}

SLEEPER=(sh -c 'trap "exit 0" TERM; sleep 1000 & wait')

# bexec ARGS...: `exec ARGS` with a deadline and no stdin, output in $output (run_unpiped).
bexec() {
	run_unpiped timeout --kill-after=5 30 "$BERTH_BIN" --root "$BERTH_ROOT" exec "$@"
}

# assert_exec_error [TEXT...]: the last exec failed with runc's 255 and printed one line; for
# berth, "berth: ..." naming each TEXT.
assert_exec_error() {
	assert_one_line_failure 255 "$@"
}

# container_procs ID: the host pids of every process in the container's pid namespace.
container_procs() {
	local want pid
	want=$(readlink "/proc/$(container_pid "$1")/ns/pid")
	for pid in /proc/[0-9]*; do
		[[ $(readlink "$pid/ns/pid" 2>/dev/null) == "$want" ]] && echo "${pid#/proc/}"
	done | sort -n
}

@test "exec into a created container runs the process and leaves it created" {
	# runc allows this: the process runs beside the init that waits for start.
	setup_bundle "${SLEEPER[@]}"
	create_container "$ID"
	bexec "$ID" echo hi
	assert_success
	assert_output hi
	assert_equal "$(container_status "$ID")" created
	berth start "$ID"
	assert_equal "$(container_status "$ID")" running
}

@test "exec into a stopped container fails" {
	setup_bundle "${SLEEPER[@]}"
	run_detached "$ID"
	berth kill "$ID" KILL
	wait_for_status "$ID" stopped
	bexec "$ID" true
	assert_exec_error stopped
	assert_equal "$(container_status "$ID")" stopped
	berth delete "$ID"
	assert_no_leaks
}

@test "exec into a paused container fails without --ignore-paused and works with it" {
	setup_bundle "${SLEEPER[@]}"
	run_detached "$ID"
	local before
	before=$(container_procs "$ID")
	berth pause "$ID"
	bexec "$ID" true
	assert_exec_error paused
	assert_equal "$(container_status "$ID")" paused
	assert_equal "$(container_procs "$ID")" "$before"

	# With --ignore-paused the process joins the frozen cgroup, so it runs once resumed.
	local out=$BATS_TEST_TMPDIR/ign.out status=0 pid
	timeout 30 "$BERTH_BIN" --root "$BERTH_ROOT" exec --ignore-paused "$ID" echo thawed \
		</dev/null >"$out" 2>&1 3>&- &
	pid=$!
	echo "$pid" >>"$BERTH_PIDS_FILE"
	sleep 0.5
	berth resume "$ID"
	wait "$pid" || status=$?
	assert_equal "$status" 0
	assert_equal "$(cat "$out")" thawed
	assert_equal "$(container_procs "$ID")" "$before"
}

@test "exec of a command that does not exist fails with 255" {
	setup_bundle "${SLEEPER[@]}"
	run_detached "$ID"
	local before
	before=$(container_procs "$ID")
	bexec "$ID" no-such-command
	assert_exec_error no-such-command
	# runc: exec failed: unable to start container process: exec: "no-such-command":
	# executable file not found in $PATH
	is_berth || assert_output --partial 'executable file not found in $PATH'
	assert_equal "$(container_procs "$ID")" "$before"
	bexec "$ID" /no/such/path
	assert_exec_error /no/such/path
	assert_equal "$(container_procs "$ID")" "$before"
	assert_equal "$(container_status "$ID")" running
}

@test "exec with a user name (not a number) fails" {
	# runc 1.1.5 takes only UID[:GID] numbers for --user.
	setup_bundle "${SLEEPER[@]}"
	run_detached "$ID"
	local before
	before=$(container_procs "$ID")
	bexec -u nosuchuser "$ID" id
	assert_exec_error nosuchuser
	bexec -u 0:nosuchgroup "$ID" id
	assert_exec_error nosuchgroup
	assert_equal "$(container_procs "$ID")" "$before"
}

@test "exec --additional-gids with a non-number is a usage error (status 1)" {
	setup_bundle "${SLEEPER[@]}"
	run_detached "$ID"
	bexec -g abc "$ID" id
	# runc: urfave/cli's "Incorrect Usage" text and usage, status 1.
	assert_failure 1
	assert_output --partial abc
}

@test "exec --cwd of a directory that does not exist fails" {
	setup_bundle "${SLEEPER[@]}"
	run_detached "$ID"
	local before
	before=$(container_procs "$ID")
	bexec --cwd /no/such/dir "$ID" pwd
	assert_exec_error /no/such/dir
	assert_equal "$(container_procs "$ID")" "$before"
}

@test "exec without a command fails" {
	setup_bundle "${SLEEPER[@]}"
	run_detached "$ID"
	bexec "$ID"
	# runc: exec failed: process args cannot be empty
	assert_exec_error args
}

@test "exec of a container that does not exist fails" {
	bexec no-such-container true
	# runc: exec failed: container does not exist
	assert_exec_error no-such-container "does not exist"
	assert_no_leaks
}

@test "exec --process of a missing file fails" {
	setup_bundle "${SLEEPER[@]}"
	run_detached "$ID"
	bexec --process "$BATS_TEST_TMPDIR/none.json" "$ID"
	assert_exec_error none.json
}

@test "exec --process with a field of the wrong type fails" {
	setup_bundle "${SLEEPER[@]}"
	run_detached "$ID"
	local before pj=$BATS_TEST_TMPDIR/bad.json
	before=$(container_procs "$ID")
	jq -n '{terminal: false, user: {uid: "zero", gid: 0}, args: ["true"], cwd: "/"}' >"$pj"
	bexec --process "$pj" "$ID"
	# runc: json: cannot unmarshal string into Go struct field User.user.uid of type uint32
	assert_exec_error
	is_berth || assert_output --partial user.uid
	assert_equal "$(container_procs "$ID")" "$before"
}

@test "exec --process errors name the JSON field (berth wording)" {
	requires_berth
	setup_bundle "${SLEEPER[@]}"
	run_detached "$ID"
	local pj=$BATS_TEST_TMPDIR/bad.json
	jq -n '{terminal: false, user: {uid: "zero", gid: 0}, args: ["true"], cwd: "/"}' >"$pj"
	bexec --process "$pj" "$ID"
	assert_exec_error "user.uid"
	jq -n '{terminal: false, user: {uid: 0, gid: 0}, args: "true", cwd: "/"}' >"$pj"
	bexec --process "$pj" "$ID"
	assert_exec_error "args"
	jq -n '{terminal: false, user: {uid: 0, gid: 0}, args: ["true"], cwd: "/",
		rlimits: [{type: "RLIMIT_NOFILE", soft: "many", hard: 1}]}' >"$pj"
	bexec --process "$pj" "$ID"
	assert_exec_error "rlimits[0].soft"
}

@test "exec --console-socket without --tty is refused" {
	setup_bundle "${SLEEPER[@]}"
	run_detached "$ID"
	bexec -d --console-socket "$BATS_TEST_TMPDIR/none.sock" "$ID" true
	# runc: exec failed: cannot use console socket if runc will not detach or allocate tty
	assert_exec_error console
}

@test "exec --tty without a terminal of its own: runc fails, berth relays a pty anyway" {
	setup_bundle "${SLEEPER[@]}"
	run_detached "$ID"
	local before
	before=$(container_procs "$ID")
	bexec -t "$ID" tty </dev/null
	if is_berth; then
		# berth does not need a terminal on its side to relay the container's pty.
		assert_success
		assert_output --partial /dev/pts/
	else
		# runc: exec failed: open /dev/tty: no such device or address
		assert_exec_error
	fi
	assert_equal "$(container_procs "$ID")" "$before"
}

@test "failed execs leave nothing behind in a container that is then deleted" {
	setup_bundle "${SLEEPER[@]}"
	run_detached "$ID"
	bexec "$ID" no-such-command
	bexec --cwd /nope "$ID" true
	bexec -u bad "$ID" true
	berth delete --force "$ID"
	assert_no_leaks
}
