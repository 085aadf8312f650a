#!/usr/bin/env bats
# The container lifecycle: create, start, run, kill, delete, state, list, and what each reports.

load helpers

setup() {
	berth_setup
}

teardown() {
	cleanup_berth
}

# A container process that stays up until killed, and exits 0 on SIGTERM (PID 1 of a pid
# namespace ignores signals it has no handler for).
SLEEPER=(sh -c 'trap "exit 0" TERM; sleep 1000 & wait')

# wait_for_term_trap ID: wait until the SLEEPER of container ID catches SIGTERM; a TERM sent
# before sh ran `trap` would be ignored (it is PID 1) and the container would never stop.
wait_for_term_trap() {
	local pid i caught
	pid=$(container_pid "$1")
	for ((i = 0; i < 100; i++)); do
		caught=$(awk '/^SigCgt:/ { print $2 }' "/proc/$pid/status")
		(((0x$caught >> 14) & 1)) && return 0
		sleep 0.05
	done
	fail "container $1: init does not catch SIGTERM after 5s"
}

@test "create, start, kill and delete walk through created, running and stopped" {
	setup_bundle "${SLEEPER[@]}"
	create_container "$ID"

	run berth state "$ID"
	assert_success
	local state=$output
	assert_equal "$(jq -r .ociVersion <<<"$state" | grep -cE '^[0-9]+\.[0-9]+\.[0-9]+')" 1
	assert_equal "$(jq -r .id <<<"$state")" "$ID"
	assert_equal "$(jq -r .status <<<"$state")" created
	assert_equal "$(jq -r .bundle <<<"$state")" "$BUNDLE"
	[[ $(jq -r .pid <<<"$state") -gt 0 ]] || fail "pid is not > 0: $state"
	jq -e '.created | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T")' <<<"$state" >/dev/null ||
		fail "created is not an RFC 3339 time: $state"

	run berth start "$ID"
	assert_success
	assert_equal "$(container_status "$ID")" running

	run berth kill "$ID" KILL
	assert_success
	wait_for_status "$ID" stopped

	run berth delete "$ID"
	assert_success
	run berth state "$ID"
	assert_failure 1
}

@test "run returns the container's exit code" {
	setup_bundle sh -c 'exit 7'
	run berth run --bundle "$BUNDLE" "$ID"
	assert_failure 7
	# run without --keep deletes the container when it exits.
	run berth state "$ID"
	assert_failure 1
}

@test "run returns 128+N when the container's process dies of signal N" {
	setup_bundle sleep 1000
	berth run --bundle "$BUNDLE" "$ID" </dev/null >"$BATS_TEST_TMPDIR/run.log" 2>&1 3>&- &
	local run_pid=$! status=0
	echo "$run_pid" >>"$BERTH_PIDS_FILE"
	wait_for_status "$ID" running
	berth kill "$ID" KILL
	wait "$run_pid" || status=$?
	assert_equal "$status" 137
}

@test "run --detach returns at once and leaves the container running" {
	setup_bundle "${SLEEPER[@]}"
	run_detached "$ID"
	assert_equal "$(container_status "$ID")" running
	local pid
	pid=$(container_pid "$ID")
	process_gone "$pid" && fail "init $pid is not alive"
	berth kill "$ID" KILL
	wait_for_status "$ID" stopped
}

@test "run --keep leaves the stopped container for delete" {
	setup_bundle true
	run berth run --keep --bundle "$BUNDLE" "$ID"
	assert_success
	assert_equal "$(container_status "$ID")" stopped
	run berth delete "$ID"
	assert_success
	run berth state "$ID"
	assert_failure 1
}

@test "kill takes the signal as SIGTERM, TERM or 15, and TERM is the default" {
	setup_bundle "${SLEEPER[@]}"
	local sig id
	for sig in SIGTERM TERM 15 ""; do
		id=$ID-${sig:-default}
		run_detached "$id"
		wait_for_term_trap "$id"
		run berth kill "$id" $sig
		assert_success
		wait_for_status "$id" stopped
		berth delete "$id"
	done
}

@test "kill --all reaches every process, not just init" {
	# Init (sh, no TERM handler) ignores TERM; its children die of it, then sh's wait returns.
	setup_bundle sh -c 'sleep 1000 & sleep 1000 & wait'
	run_detached "$ID"
	berth kill "$ID" TERM
	sleep 0.3
	assert_equal "$(container_status "$ID")" running

	run berth kill --all "$ID" TERM
	assert_success
	wait_for_status "$ID" stopped
	[[ -z $(_leaked_processes) ]] || fail "processes left: $(_leaked_processes)"
}

@test "delete of a running container fails without --force and kills it with --force" {
	setup_bundle "${SLEEPER[@]}"
	run_detached "$ID"
	local pid
	pid=$(container_pid "$ID")

	run berth delete "$ID"
	assert_failure 1
	assert_equal "$(container_status "$ID")" running

	run berth delete --force "$ID"
	assert_success
	process_gone "$pid" || fail "init $pid still alive after delete --force"
	run berth state "$ID"
	assert_failure 1
}

@test "delete --force of a container that does not exist succeeds silently" {
	run berth delete --force no-such-container
	assert_success
	assert_output ""
}

@test "--pid-file holds the pid that state reports" {
	setup_bundle "${SLEEPER[@]}"
	create_container "$ID" --pid-file "$BATS_TEST_TMPDIR/pid"
	[[ -s $BATS_TEST_TMPDIR/pid ]] || fail "pid file is empty or missing"
	assert_equal "$(tr -d '\n' <"$BATS_TEST_TMPDIR/pid")" "$(container_pid "$ID")"
}

@test "list shows containers as a table, as JSON and as bare IDs" {
	setup_bundle "${SLEEPER[@]}"
	create_container "$ID"

	run berth list
	assert_success
	assert_line --index 0 --regexp '^ID +PID +STATUS +BUNDLE +CREATED +OWNER$'
	assert_line --index 1 --regexp "^$ID +[0-9]+ +created +$BUNDLE +"

	run berth list --format json
	assert_success
	assert_equal "$(jq -r '.[0].id' <<<"$output")" "$ID"
	assert_equal "$(jq -r '.[0].status' <<<"$output")" created
	assert_equal "$(jq -r 'length' <<<"$output")" 1

	run berth list -q
	assert_success
	assert_output "$ID"
}

@test "list of an empty root prints only the header" {
	mkdir -p "$BERTH_ROOT"
	run berth list
	assert_success
	assert_output --regexp '^ID +PID +STATUS +BUNDLE +CREATED +OWNER$'
}

# runc 1.1.5 creates the missing root and prints an empty table.
@test "list with a --root that does not exist fails with one line" {
	requires_berth
	run berth list
	assert_one_line_error "list: --root $BERTH_ROOT: no such file or directory"
	[[ ! -e $BERTH_ROOT ]] || fail "list created $BERTH_ROOT"
	run berth list --format json
	assert_one_line_error "--root $BERTH_ROOT"
}

@test "a program the kernel refuses to exec: run fails naming it, start leaves it to init's stderr" {
	# start returns once init is about to execve, as runc's start does (runc 1.1.5 behaves
	# alike): a failed execve is then init's last word on the container's stderr, and the
	# container stops. run waits for the program anyway and reports the error itself, once
	# (init, told that run waits, does not also write it on the container's stderr).
	setup_bundle /not-a-program
	printf 'plain text\n' >"$BUNDLE/rootfs/not-a-program"
	chmod +x "$BUNDLE/rootfs/not-a-program"
	run_unpiped berth run --bundle "$BUNDLE" "$ID"
	assert_one_line_error "exec format error" '"/not-a-program"'
	assert_no_leaks

	create_container "$ID"
	run_unpiped berth start "$ID"
	assert_success
	wait_for_status "$ID" stopped
	run cat "$BATS_TEST_TMPDIR/$ID.log"
	assert_output --partial "exec format error"
	if is_berth; then
		assert_output --partial '"/not-a-program"'
	fi
	berth delete "$ID"
	assert_no_leaks
}

@test "with a seccomp filter, start waits for the execve and reports its failure itself" {
	# init does not tell start about an execve it makes under the container's filter (the
	# frame could be a syscall the profile refuses), so start reads on to the exec. runc 1.1.5
	# returns 0 here as without a filter.
	requires_berth
	setup_bundle /not-a-program
	printf 'plain text\n' >"$BUNDLE/rootfs/not-a-program"
	chmod +x "$BUNDLE/rootfs/not-a-program"
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO"}]}'
	create_container "$ID"
	run_unpiped berth start "$ID"
	assert_failure 1
	assert_output --partial "exec format error"
	wait_for_status "$ID" stopped
	berth delete "$ID"
	assert_no_leaks
}

@test "a created container has not run the user's program before start" {
	local shared=$BATS_TEST_TMPDIR/shared
	mkdir -p "$shared"
	setup_bundle touch /shared/started
	update_config '.mounts += [{destination: "/shared", type: "bind", source: $src,
		options: ["rbind", "rw"]}]' --arg src "$shared"

	create_container "$ID"
	sleep 0.3
	[[ ! -e $shared/started ]] || fail "the program ran before start"

	berth start "$ID"
	wait_for_status "$ID" stopped
	[[ -e $shared/started ]] || fail "the program did not run after start"
}

@test "a detached container whose init died is stopped, though nobody reaped it" {
	setup_bundle true
	create_container "$ID"
	local pid
	pid=$(container_pid "$ID")
	berth start "$ID"
	wait_for_status "$ID" stopped
	# On this host PID 1 never reaps orphans, so init is usually still a zombie here: state must
	# not mistake it for a live process.
	local proc_state
	proc_state=$(awk '{ sub(/.*\) /, ""); print $1 }' "/proc/$pid/stat" 2>/dev/null || echo gone)
	echo "init $pid is: $proc_state"
	[[ $proc_state == Z || $proc_state == X || $proc_state == gone ]] ||
		fail "init $pid is '$proc_state', not dead, yet reported stopped"
	run berth list --format json
	assert_equal "$(jq -r '.[0].status' <<<"$output")" stopped
}
