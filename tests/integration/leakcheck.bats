#!/usr/bin/env bats
# The leak check itself (helpers.bash, assert_no_leaks): each kind of leftover it must find, made
# by hand without the runtime, is found and then reclaimed.

load helpers

setup() {
	berth_setup
}

teardown() {
	cleanup_berth
}

@test "leak check: a process holding an fd on a file of the test is found and killed" {
	mkdir -p "$BERTH_ROOT/c1"
	: >"$BERTH_ROOT/c1/state.json"
	# Root and cwd elsewhere: only the open fd ties it to the test.
	(cd / && exec sleep 1000 3<"$BERTH_ROOT/c1/state.json" </dev/null >/dev/null 2>&1) &
	local pid=$! i
	for ((i = 0; i < 100; i++)); do
		[[ $(readlink "/proc/$pid/fd/3") == "$BERTH_ROOT/c1/state.json" ]] && break
		sleep 0.05
	done
	run _leaked_fds
	assert_output --regexp "^$pid sleep: fd 3 -> $BERTH_ROOT/c1/state.json"
	run _all_leaks
	assert_line --partial "open fd: $pid sleep"
	_reclaim_leaks
	wait "$pid" || true
	run _leaked_fds
	assert_output ''
}

@test "leak check: state entries, mounts and cgroups named after the test's container are found" {
	mkdir -p "$BERTH_ROOT/$ID" "$BATS_TEST_TMPDIR/mnt"
	mount -t tmpfs none "$BATS_TEST_TMPDIR/mnt"
	echo "$ID" >>"$BERTH_IDS_FILE"
	mkdir "/sys/fs/cgroup/pids/$ID"
	run _all_leaks
	assert_line "state entry: $BERTH_ROOT/$ID"
	assert_line "mount: $BATS_TEST_TMPDIR/mnt"
	assert_line "cgroup: /sys/fs/cgroup/pids/$ID"
	_reclaim_leaks
	run _all_leaks
	assert_output ''
}
