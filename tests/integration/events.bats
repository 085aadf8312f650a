#!/usr/bin/env bats
# events: cgroup statistics as runc's JSON, once (--stats) or every --interval, and OOM kills.

load helpers

setup() {
	berth_setup
}

teardown() {
	cleanup_berth
}

# Init and one child: two processes.
SLEEPER=(sh -c 'trap "exit 0" TERM; sleep 1000 & wait')

# run_sleeper: run the SLEEPER container and wait until its child is there too.
run_sleeper() {
	run_detached "$ID"
	local pid i
	pid=$(container_pid "$ID")
	for ((i = 0; i < 100; i++)); do
		[[ -n $(tr -d ' ' <"/proc/$pid/task/$pid/children") ]] && return 0
		sleep 0.05
	done
	fail "init of $ID has no child after 5 s"
}

@test "events --stats prints one JSON object with the container's statistics" {
	setup_bundle "${SLEEPER[@]}"
	update_config '.linux.resources.pids = {limit: 100} | .linux.resources.memory = {limit: 268435456}'
	run_sleeper

	run berth events --stats "$ID"
	assert_success
	assert_equal "${#lines[@]}" 1
	local ev=$output
	assert_equal "$(jq -r .type <<<"$ev")" stats
	assert_equal "$(jq -r .id <<<"$ev")" "$ID"
	assert_equal "$(jq -c .data.pids <<<"$ev")" '{"current":2,"limit":100}'
	assert_equal "$(jq .data.memory.usage.limit <<<"$ev")" 268435456
	jq -e '.data.memory.usage.usage > 0 and .data.cpu.usage.total > 0' <<<"$ev" >/dev/null ||
		fail "no memory or cpu usage: $ev"
	jq -e '.data.memory.raw.rss != null and (.data.cpu.usage.percpu | length) > 0' <<<"$ev" >/dev/null ||
		fail "no memory.stat or per-cpu usage: $ev"
	assert_equal "$(jq -c '.data | keys' <<<"$ev")" \
		'["blkio","cpu","cpuset","hugetlb","intel_rdt","memory","network_interfaces","pids"]'
}

@test "events --stats works on a paused container" {
	setup_bundle "${SLEEPER[@]}"
	run_sleeper
	berth pause "$ID"
	run berth events --stats "$ID"
	assert_success
	assert_equal "$(jq .data.pids.current <<<"$output")" 2
	berth resume "$ID"
}

@test "events prints statistics every --interval" {
	setup_bundle "${SLEEPER[@]}"
	run_detached "$ID"
	run timeout 1.1 "$BERTH_BIN" --root "$BERTH_ROOT" events --interval 200ms "$ID"
	# timeout stops it: the container is still running.
	assert_failure 124
	[[ ${#lines[@]} -ge 4 ]] || fail "want at least 4 stats lines in 1.1 s, got ${#lines[@]}"
	local line
	for line in "${lines[@]}"; do
		assert_equal "$(jq -r '.type + " " + .id' <<<"$line")" "stats $ID"
	done
}

@test "events ends when the container stops" {
	requires_berth # runc keeps printing the last statistics
	setup_bundle sh -c 'sleep 1'
	run_detached "$ID"
	run timeout 10 "$BERTH_BIN" --root "$BERTH_ROOT" events --interval 300ms "$ID"
	assert_success
	[[ ${#lines[@]} -ge 1 ]] || fail "no stats before the container stopped"
}

@test "events reports an oom event when the OOM killer kills a process" {
	# tail keeps a line that never ends in memory until the 16 MiB limit kills it.
	setup_bundle sh -c 'sleep 0.5; tail /dev/zero; sleep 1000'
	update_config '.linux.resources.memory = {limit: 16777216}'
	run_detached "$ID"
	run timeout 5 "$BERTH_BIN" --root "$BERTH_ROOT" events --interval 10s "$ID"
	assert_failure 124
	assert_line "{\"type\":\"oom\",\"id\":\"$ID\"}"
}

@test "events of a stopped or missing container fails" {
	setup_bundle true
	run_detached "$ID"
	wait_for_status "$ID" stopped
	run berth events --stats "$ID"
	assert_one_line_error
	run berth events "$ID"
	assert_one_line_error
	run berth events --stats no-such-container
	assert_one_line_error "no-such-container"
}
