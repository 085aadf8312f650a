#!/usr/bin/env bats
# kill and delete --force of a container that shares the host's PID namespace: killing its init
# does not take the other processes with it (no namespace dies), so SIGKILL goes to every
# process in the container's cgroup, as with a private PID namespace the kernel would do.

load helpers

setup() {
	berth_setup
	# Two children besides init (sh), each in its own process group.
	setup_bundle sh -c 'sleep 1000 & sleep 1001 & wait'
	update_config '.linux.namespaces |= map(select(.type != "pid"))'
}

teardown() {
	cleanup_berth
}

# container_pids ID: every PID in the container's cgroup, once init's children have started.
container_pids() {
	local id=$1 pids i
	for ((i = 0; i < 100; i++)); do
		pids=$(berth ps --format json "$id" | jq -r '.[]')
		[[ $(wc -w <<<"$pids") -ge 3 ]] && break
		sleep 0.05
	done
	[[ $(wc -w <<<"$pids") -ge 3 ]] || fail "want init and two children in $id, got: $pids"
	echo "$pids"
}

# assert_all_gone PID...: each PID exits (or is a zombie) within 5 s.
assert_all_gone() {
	local pid i
	for pid in "$@"; do
		for ((i = 0; i < 100; i++)); do
			process_gone "$pid" && break
			sleep 0.05
		done
		process_gone "$pid" || fail "pid $pid ($(cat "/proc/$pid/cmdline" | tr '\0' ' ')) is still alive"
	done
}

# runc 1.1.5 signals only init here; runc 1.2 signals the whole cgroup, as berth does.
@test "kill KILL without a private PID namespace kills every process of the container" {
	requires_berth
	run_detached "$ID"
	local pids
	pids=$(container_pids "$ID")

	run berth kill "$ID" KILL
	assert_success
	# shellcheck disable=SC2086
	assert_all_gone $pids
	wait_for_status "$ID" stopped
}

@test "kill --all KILL without a private PID namespace kills every process of the container" {
	run_detached "$ID"
	local pids
	pids=$(container_pids "$ID")

	run berth kill --all "$ID" KILL
	assert_success
	# shellcheck disable=SC2086
	assert_all_gone $pids
}

@test "kill TERM without a private PID namespace signals only init" {
	# sh as init ignores nothing: it dies, its children stay until delete.
	run_detached "$ID"
	local pids init
	pids=$(container_pids "$ID")
	init=$(container_pid "$ID")

	run berth kill "$ID" TERM
	assert_success
	assert_all_gone "$init"
	local pid
	for pid in $pids; do
		[[ $pid == "$init" ]] && continue
		process_gone "$pid" && fail "child $pid of init was killed by kill TERM"
	done

	run berth delete "$ID"
	assert_success
	# shellcheck disable=SC2086
	assert_all_gone $pids
}

@test "delete --force without a private PID namespace kills every process of the container" {
	run_detached "$ID"
	local pids
	pids=$(container_pids "$ID")

	run berth delete --force "$ID"
	assert_success
	# shellcheck disable=SC2086
	assert_all_gone $pids
	run berth state "$ID"
	assert_failure
}

@test "kill of a stopped container fails with one line" {
	setup_bundle true
	run_detached "$ID"
	wait_for_status "$ID" stopped
	run berth kill "$ID" KILL
	assert_one_line_error "container not running"
}

@test "kill --all after init died reaches the processes it left (no private PID namespace)" {
	run_detached "$ID"
	local pids init
	pids=$(container_pids "$ID")
	init=$(container_pid "$ID")
	berth kill "$ID" TERM
	assert_all_gone "$init"
	wait_for_status "$ID" stopped

	run berth kill --all "$ID" KILL
	assert_success
	# shellcheck disable=SC2086
	assert_all_gone $pids
}
