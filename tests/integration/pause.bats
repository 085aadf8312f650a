#!/usr/bin/env bats
# pause and resume: the freezer cgroup, the paused status, and the errors of a wrong state.

load helpers

setup() {
	berth_setup
	setup_bundle "${SLEEPER[@]}"
}

teardown() {
	cleanup_berth
}

SLEEPER=(sh -c 'trap "exit 0" TERM; sleep 1000 & wait')

# freezer_state ID: the container's freezer.state (FROZEN or THAWED).
freezer_state() {
	local pid rel
	pid=$(container_pid "$1")
	rel=$(awk -F: '$2 == "freezer" { print $3 }' "/proc/$pid/cgroup")
	cat "/sys/fs/cgroup/freezer$rel/freezer.state"
}

# proc_state PID: the one-letter state of /proc/PID/stat.
proc_state() {
	awk '{ sub(/.*\) /, ""); print $1 }' "/proc/$1/stat"
}

@test "pause freezes the container and resume thaws it" {
	run_detached "$ID"
	run berth pause "$ID"
	assert_success
	assert_output ""
	assert_equal "$(container_status "$ID")" paused
	assert_equal "$(freezer_state "$ID")" FROZEN
	# A frozen task sleeps in the freezer: D on this kernel.
	assert_equal "$(proc_state "$(container_pid "$ID")")" D

	run berth list
	assert_line --index 1 --regexp "^$ID +[0-9]+ +paused +"

	run berth resume "$ID"
	assert_success
	assert_output ""
	assert_equal "$(container_status "$ID")" running
	assert_equal "$(freezer_state "$ID")" THAWED
}

@test "pause of a paused container and resume of a running one fail" {
	run_detached "$ID"
	berth pause "$ID"
	run berth pause "$ID"
	assert_one_line_error "already paused"
	assert_equal "$(container_status "$ID")" paused

	berth resume "$ID"
	run berth resume "$ID"
	assert_one_line_error "not paused"
	assert_equal "$(container_status "$ID")" running
}

@test "a paused created container resumes to created and can still start" {
	create_container "$ID"
	run berth pause "$ID"
	assert_success
	assert_equal "$(container_status "$ID")" paused
	run berth resume "$ID"
	assert_success
	assert_equal "$(container_status "$ID")" created
	run berth start "$ID"
	assert_success
	assert_equal "$(container_status "$ID")" running
}

@test "pause and resume of a stopped container fail" {
	run_detached "$ID"
	berth kill "$ID" KILL
	wait_for_status "$ID" stopped
	run berth pause "$ID"
	assert_one_line_error "stopped"
	run berth resume "$ID"
	assert_one_line_error "not paused"
}

@test "delete --force removes a paused container" {
	run_detached "$ID"
	local pid
	pid=$(container_pid "$ID")
	berth pause "$ID"
	run berth delete "$ID"
	assert_failure 1
	run berth delete --force "$ID"
	assert_success
	process_gone "$pid" || fail "init $pid still alive after delete --force"
	assert_no_leaks
}

@test "kill of a paused container takes effect on resume" {
	run_detached "$ID"
	berth pause "$ID"
	run berth kill "$ID" TERM
	assert_success
	sleep 0.2
	assert_equal "$(container_status "$ID")" paused
	berth resume "$ID"
	wait_for_status "$ID" stopped
}

@test "pause and resume need exactly one existing container" {
	run berth pause no-such-container
	assert_one_line_error "no-such-container"
	run berth resume no-such-container
	assert_one_line_error "no-such-container"
	run berth pause
	assert_failure 1
	run berth pause a b
	assert_failure 1
}
