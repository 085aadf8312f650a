#!/usr/bin/env bats
# ps: the container's processes, as ps(1) prints them or as a JSON array of PIDs.

load helpers

setup() {
	berth_setup
	setup_bundle "${SLEEPER[@]}"
}

teardown() {
	cleanup_berth
}

# Init and one child.
SLEEPER=(sh -c 'trap "exit 0" TERM; sleep 1000 & wait')

# run_sleeper: run the SLEEPER container and wait until its child is there too.
run_sleeper() {
	run_detached "$ID"
	local i
	for ((i = 0; i < 100; i++)); do
		[[ -n $(child_pid "$(container_pid "$ID")") ]] && return 0
		sleep 0.05
	done
	fail "init of $ID has no child after 5 s"
}

# child_pid PID: the one child of PID.
child_pid() {
	tr -d ' ' <"/proc/$1/task/$1/children"
}

@test "ps lists the container's processes and no other" {
	run_sleeper
	local pid child
	pid=$(container_pid "$ID")
	child=$(child_pid "$pid")

	run berth ps "$ID"
	assert_success
	assert_equal "${#lines[@]}" 3
	assert_line --index 0 --regexp '^UID +PID +PPID +C +STIME +TTY +TIME +CMD$'
	assert_line --regexp "^root +$pid +[0-9]+ .* sh -c trap"
	assert_line --regexp "^root +$child +$pid .* sleep 1000$"
}

@test "ps --format json prints the PIDs" {
	run_sleeper
	local pid child
	pid=$(container_pid "$ID")
	child=$(child_pid "$pid")

	run berth ps --format json "$ID"
	assert_success
	assert_equal "$(jq -c 'sort' <<<"$output")" "$(jq -nc --argjson a "$pid" --argjson b "$child" '[$a, $b] | sort')"
	run berth ps -f json "$ID"
	assert_success
	assert_equal "$(jq length <<<"$output")" 2
}

@test "ps passes its extra arguments to ps(1)" {
	run_sleeper
	local pid
	pid=$(container_pid "$ID")
	run berth ps "$ID" -o pid,comm
	assert_success
	assert_equal "${#lines[@]}" 3
	assert_line --index 0 --regexp '^ +PID +COMMAND$'
	assert_line --regexp "^ *$pid +sh$"
	assert_line --regexp '^ *[0-9]+ +sleep$'
}

@test "ps takes ps(1) arguments after --" {
	requires_berth # runc hands "--" itself to ps, which refuses it
	run_sleeper
	run berth ps "$ID" -- -o pid,args
	assert_success
	assert_equal "${#lines[@]}" 3
	assert_line --index 0 --regexp '^ +PID +COMMAND$'
	assert_line --regexp 'sleep 1000$'
}

@test "ps fails when ps(1) prints no PID column or refuses its arguments" {
	run_sleeper
	run berth ps "$ID" -o comm
	assert_one_line_error "PID"
	run berth ps "$ID" --no-such-ps-option
	assert_failure 1
}

@test "ps of a stopped container prints only the header" {
	run_detached "$ID"
	berth kill "$ID" KILL
	wait_for_status "$ID" stopped
	run berth ps "$ID"
	assert_success
	assert_equal "${#lines[@]}" 1
}

@test "ps refuses a bad --format and a missing container" {
	run_detached "$ID"
	run berth ps --format yaml "$ID"
	assert_failure 1
	run berth ps no-such-container
	assert_one_line_error "no-such-container"
	run berth ps
	assert_failure 1
}
