#!/usr/bin/env bats
# update: the limits it sets reach the container's cgroup files, only the given ones change, and
# a failed update changes nothing. This host is hybrid: the limits live in the v1 hierarchies.

load helpers

setup() {
	berth_setup
	setup_bundle "${SLEEPER[@]}"
}

teardown() {
	cleanup_berth
}

SLEEPER=(sh -c 'trap "exit 0" TERM; sleep 1000 & wait')

# cgroup_file ID CONTROLLER FILE: FILE in the container's CONTROLLER cgroup, found from
# /proc/PID/cgroup of its init (the memory cgroup nests below the caller's on this host).
cgroup_file() {
	local pid rel
	pid=$(container_pid "$1")
	rel=$(awk -F: -v c="$2" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' \
		"/proc/$pid/cgroup")
	[[ -n $rel ]] || fail "container $1 (init $pid) has no $2 cgroup"
	echo "/sys/fs/cgroup/$2$rel/$3"
}

# assert_cgroup ID CONTROLLER FILE VALUE
assert_cgroup() {
	local file
	file=$(cgroup_file "$1" "$2" "$3")
	assert_equal "$3=$(cat "$file")" "$3=$4"
}

@test "update sets memory limits, reading sizes with suffixes" {
	run_detached "$ID"
	run berth update --memory 512m --memory-reservation 256M --memory-swap 1g "$ID"
	assert_success
	assert_cgroup "$ID" memory memory.limit_in_bytes $((512 << 20))
	assert_cgroup "$ID" memory memory.soft_limit_in_bytes $((256 << 20))
	assert_cgroup "$ID" memory memory.memsw.limit_in_bytes $((1 << 30))

	run berth update --memory 1.5g --memory-swap -1 "$ID"
	assert_success
	assert_cgroup "$ID" memory memory.limit_in_bytes $((3 << 29))
	# -1 is unlimited: the kernel shows its largest page-aligned value.
	[[ $(cat "$(cgroup_file "$ID" memory memory.memsw.limit_in_bytes)") -gt $((1 << 40)) ]] ||
		fail "memory.memsw.limit_in_bytes is not unlimited"

	run berth update --memory 100000000 "$ID"
	assert_success
	# The kernel rounds the limit down to whole pages.
	assert_cgroup "$ID" memory memory.limit_in_bytes $((100000000 / 4096 * 4096))
}

@test "update sets cpu, cpuset and pids limits" {
	run_detached "$ID"
	run berth update --cpu-share 512 --cpu-period 50000 --cpu-quota 25000 --cpuset-cpus 0 --cpuset-mems 0 \
		--pids-limit 42 "$ID"
	assert_success
	assert_cgroup "$ID" cpu cpu.shares 512
	assert_cgroup "$ID" cpu cpu.cfs_period_us 50000
	assert_cgroup "$ID" cpu cpu.cfs_quota_us 25000
	assert_cgroup "$ID" cpuset cpuset.cpus 0
	assert_cgroup "$ID" cpuset cpuset.mems 0
	assert_cgroup "$ID" pids pids.max 42

	run berth update --cpu-quota -1 --pids-limit -1 "$ID"
	assert_success
	assert_cgroup "$ID" cpu cpu.cfs_quota_us -1
	assert_cgroup "$ID" pids pids.max max
}

@test "update changes only the limits it is given" {
	update_config '.linux.resources.memory = {limit: 268435456} | .linux.resources.pids = {limit: 100}'
	run_detached "$ID"
	run berth update --cpu-share 300 "$ID"
	assert_success
	run berth update --pids-limit 30 "$ID"
	assert_success
	assert_cgroup "$ID" cpu cpu.shares 300
	assert_cgroup "$ID" pids pids.max 30
	assert_cgroup "$ID" memory memory.limit_in_bytes 268435456
	# With no option, nothing changes.
	run berth update "$ID"
	assert_success
	assert_cgroup "$ID" pids pids.max 30
	assert_cgroup "$ID" cpu cpu.shares 300
}

@test "update --resources reads linux.resources JSON from a file or from stdin" {
	run_detached "$ID"
	echo '{"pids": {"limit": 77}, "cpu": {"shares": 700}}' >"$BATS_TEST_TMPDIR/res.json"
	run berth update --resources "$BATS_TEST_TMPDIR/res.json" "$ID"
	assert_success
	assert_cgroup "$ID" pids pids.max 77
	assert_cgroup "$ID" cpu cpu.shares 700

	# With -r, the other options are ignored.
	run berth update -r - --pids-limit 5 "$ID" <<<'{"memory": {"limit": 67108864}}'
	assert_success
	assert_cgroup "$ID" memory memory.limit_in_bytes 67108864
	assert_cgroup "$ID" pids pids.max 77

	run berth update -r - "$ID" <<<'not json'
	assert_failure 1
	run berth update -r "$BATS_TEST_TMPDIR/missing.json" "$ID"
	assert_failure 1
}

@test "update with a bad value fails and changes nothing" {
	run_detached "$ID"
	berth update --memory 64m --pids-limit 20 "$ID"
	local value
	for value in 1x -5 1e3 1mm; do
		run berth update --memory "$value" "$ID"
		assert_one_line_error "--memory"
	done
	# An empty value is as good as no option.
	run berth update --memory "" "$ID"
	assert_success
	run berth update --cpu-period abc "$ID"
	assert_failure 1
	assert_cgroup "$ID" memory memory.limit_in_bytes $((64 << 20))

	# The kernel refuses a limit below the memory in use: memory is applied before pids, and the
	# pids limit stays as it was too.
	run berth update --memory 8k --pids-limit 30 "$ID"
	assert_failure 1
	# runc adds a warning line about setting the old limits back; berth says only what failed.
	if is_berth; then assert_one_line_error "memory"; fi
	assert_cgroup "$ID" memory memory.limit_in_bytes $((64 << 20))
	assert_cgroup "$ID" pids pids.max 20
}

@test "update of a stopped container fails and changes nothing" {
	run_detached "$ID"
	berth update --pids-limit 50 "$ID"
	local pids_max
	pids_max=$(cgroup_file "$ID" pids pids.max)
	berth kill "$ID" KILL
	wait_for_status "$ID" stopped

	run berth update --pids-limit 60 "$ID"
	assert_one_line_error "stopped"
	if [[ -e $pids_max ]]; then
		assert_equal "$(cat "$pids_max")" 50
	fi
	if is_berth; then
		assert_equal "$(jq -c .config.linux.resources.pids "$BERTH_ROOT/$ID/state.json")" '{"limit":50}'
	fi
}

@test "update of a paused container leaves it paused" {
	run_detached "$ID"
	berth pause "$ID"
	run berth update --pids-limit 25 "$ID"
	assert_success
	assert_cgroup "$ID" pids pids.max 25
	assert_equal "$(container_status "$ID")" paused
	berth resume "$ID"
}

@test "update of a created container applies before start" {
	create_container "$ID"
	run berth update --pids-limit 33 "$ID"
	assert_success
	assert_cgroup "$ID" pids pids.max 33
	assert_equal "$(container_status "$ID")" created
}

@test "update of a container that does not exist fails" {
	run berth update --pids-limit 10 no-such-container
	assert_one_line_error "no-such-container"
	run berth update
	assert_failure 1
}

@test "berth keeps updated limits in its state for the next update" {
	requires_berth
	update_config '.linux.resources.memory = {limit: 268435456}'
	run_detached "$ID"
	berth update --pids-limit 40 "$ID"
	berth update --memory 128m "$ID"
	run jq -c '.config.linux.resources | {memory, pids}' "$BERTH_ROOT/$ID/state.json"
	assert_output '{"memory":{"limit":134217728},"pids":{"limit":40}}'
}
