#!/usr/bin/env bats
# bats file_tags=vm
# The test VM itself (make test-vm, scripts/vm/): pure cgroup v2, systemd as PID 1, AppArmor,
# and berth running a container there. Tests tagged `vm` need that machine, so outside it
# (BERTH_IN_VM unset, e.g. under plain `make test`) these skip.

load helpers

setup() {
	berth_setup
	[[ ${BERTH_IN_VM:-} == 1 ]] || skip "runs only in the test VM (make test-vm)"
}

teardown() {
	cleanup_berth
}

@test "vm: /sys/fs/cgroup is cgroup v2 and no v1 hierarchy is mounted" {
	run stat -f -c %T /sys/fs/cgroup
	assert_success
	assert_output cgroup2fs
	# Mount points (field 5) of filesystems of type "cgroup" (the type follows " - ").
	run awk '$0 ~ / - cgroup / { print $5 }' /proc/self/mountinfo
	assert_output ""
}

@test "vm: PID 1 is systemd" {
	run cat /proc/1/comm
	assert_output systemd
}

@test "vm: AppArmor is enabled and is an active LSM" {
	run cat /sys/module/apparmor/parameters/enabled
	assert_output Y
	run cat /sys/kernel/security/lsm
	assert_output --partial apparmor
}

@test "vm: berth run of a busybox bundle prints hello" {
	setup_bundle echo hello
	run_unpiped berth run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output hello
}
