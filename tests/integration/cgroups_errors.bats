#!/usr/bin/env bats
# Bad linux.resources and resources this host cannot apply: create exits 1 with one line,
# `berth: create ID: ...` naming the config field, and leaves nothing behind (no state entry,
# process, mount or cgroup: assert_no_leaks runs right after the failure, before the teardown's
# force-delete could hide a half-made container).
#
# Written for this cgroup v1 (hybrid) host; tests about a controller this host lacks skip where
# the host has it.

load helpers

setup() {
	berth_setup
	[[ $(stat -fc %T /sys/fs/cgroup) == tmpfs ]] ||
		skip "needs cgroup v1 hierarchies at /sys/fs/cgroup (this host: $(stat -fc %T /sys/fs/cgroup))"
	setup_bundle sleep 1000
}

teardown() {
	cleanup_berth
}

# create_fails FIELD [TEXT...] -- JQ_EXPR [JQ_OPTIONS...]: apply JQ_EXPR to config.json, then
# `create` must fail with one line naming FIELD (and each TEXT), leaving nothing behind.
create_fails() {
	local texts=()
	while [[ $1 != -- ]]; do
		texts+=("$1")
		shift
	done
	shift
	update_config "$@"
	run_unpiped berth create --bundle "$BUNDLE" "$ID"
	assert_one_line_error "${texts[@]}"
	if is_berth; then
		assert_output --regexp "^berth: create $ID: "
	fi
	assert_no_leaks
}

# v1_mounted CONTROLLER: some mounted v1 hierarchy has CONTROLLER.
v1_mounted() {
	grep -E " - cgroup [^ ]+ ([^ ]*,)?$1(,[^ ]*)?\$" /proc/self/mountinfo >/dev/null
}

@test "memory.limit below what init needs: an error naming linux.resources.memory.limit" {
	# 4096 bytes: the kernel takes it while the cgroup is empty and then OOM-kills init.
	create_fails linux.resources.memory.limit -- '.linux.resources.memory = {limit: 4096}'
}

@test "memory.limit below -1 is refused" {
	create_fails linux.resources.memory.limit -- '.linux.resources.memory = {limit: -2}'
}

@test "memory.swap below memory.limit is refused" {
	create_fails linux.resources.memory.swap -- '.linux.resources.memory = {limit: 67108864, swap: 33554432}'
}

@test "memory.swappiness above 100 is refused" {
	create_fails linux.resources.memory.swappiness -- '.linux.resources.memory = {swappiness: 101}'
}

@test "cpu.cpus outside the host's CPUs is refused" {
	create_fails linux.resources.cpu.cpus -- '.linux.resources.cpu = {cpus: "0-63"}'
}

@test "cpu.cpus that is no CPU list is refused" {
	create_fails linux.resources.cpu.cpus -- '.linux.resources.cpu = {cpus: "zero"}'
}

@test "cpu.mems outside the host's memory nodes is refused" {
	create_fails linux.resources.cpu.mems -- '.linux.resources.cpu = {mems: "0-7"}'
}

@test "cpu.quota below 1000 µs is refused" {
	create_fails linux.resources.cpu.quota -- '.linux.resources.cpu = {quota: 500, period: 100000}'
}

@test "cpu.period outside 1 ms to 1 s is refused" {
	create_fails linux.resources.cpu.period -- '.linux.resources.cpu = {quota: 50000, period: 500}'
}

@test "cpu.shares below 2 is refused" {
	create_fails linux.resources.cpu.shares -- '.linux.resources.cpu = {shares: 1}'
}

@test "cpu.realtimeRuntime above cpu.realtimePeriod is refused" {
	create_fails linux.resources.cpu.realtimeRuntime -- \
		'.linux.resources.cpu = {realtimeRuntime: 200000, realtimePeriod: 100000}'
}

@test "cpu.realtimeRuntime more than the host grants is refused" {
	# The root grants 950000 of 1000000 µs by default; a child cannot take more than its parent.
	create_fails linux.resources.cpu.realtimeRuntime -- \
		'.linux.resources.cpu = {realtimeRuntime: 999999, realtimePeriod: 1000000}'
}

@test "pids.limit below -1 is refused" {
	requires_berth # runc 1.1.5 takes any negative limit as unlimited
	create_fails linux.resources.pids.limit -- '.linux.resources.pids = {limit: -2}'
}

@test "blockIO.weight outside 10 to 1000 is refused" {
	requires_berth # runc 1.1.5 writes it, and blkio.bfq.weight takes 1 to 1000
	create_fails linux.resources.blockIO.weight -- '.linux.resources.blockIO = {weight: 5}'
}

@test "unified on a cgroup v1 host is refused" {
	create_fails linux.resources.unified -- '.linux.resources.unified = {"memory.max": "67108864"}'
}

@test "an unknown unified key is refused" {
	create_fails linux.resources.unified -- '.linux.resources.unified = {"nosuch.knob": "1"}'
}

@test "a unified key that is not a cgroup file name is refused" {
	requires_berth # runc refuses any unified on v1 before it looks at the keys
	create_fails 'linux.resources.unified["../escape"]' -- '.linux.resources.unified = {"../escape": "1"}'
}

@test "hugepageLimits without a mounted hugetlb controller is refused" {
	! v1_mounted hugetlb || skip "this host has a hugetlb hierarchy"
	create_fails linux.resources.hugepageLimits hugetlb -- \
		'.linux.resources.hugepageLimits = [{pageSize: "2MB", limit: 2097152}]'
}

@test "hugepageLimits with a malformed page size is refused" {
	create_fails 'linux.resources.hugepageLimits[0].pageSize' -- \
		'.linux.resources.hugepageLimits = [{pageSize: "2 megabytes", limit: 2097152}]'
}

@test "network.classID without a mounted net_cls controller is refused" {
	! v1_mounted net_cls || skip "this host has a net_cls hierarchy"
	create_fails linux.resources.network.classID net_cls -- '.linux.resources.network = {classID: 1048577}'
}

@test "network.priorities without a mounted net_prio controller is refused" {
	! v1_mounted net_prio || skip "this host has a net_prio hierarchy"
	create_fails linux.resources.network.priorities net_prio -- \
		'.linux.resources.network = {priorities: [{name: "eth0", priority: 5}]}'
}

@test "a device rule with a bad type is refused" {
	create_fails 'linux.resources.devices[1].type' -- \
		'.linux.resources.devices += [{allow: true, type: "x", major: 1, minor: 11, access: "rw"}]'
}

@test "a device rule with bad access letters is refused" {
	requires_berth # runc 1.1.5 accepts unknown access letters
	create_fails 'linux.resources.devices[1].access' -- \
		'.linux.resources.devices += [{allow: true, type: "c", major: 1, minor: 11, access: "rwx"}]'
}

@test "a device rule with a negative major is refused" {
	create_fails 'linux.resources.devices[1].major' -- \
		'.linux.resources.devices += [{allow: true, type: "c", major: -5, minor: 11, access: "rw"}]'
}

@test "a failing run leaves nothing behind either" {
	update_config '.linux.resources.cpu = {quota: 500, period: 100000}'
	run_unpiped berth run --bundle "$BUNDLE" "$ID"
	assert_one_line_error linux.resources.cpu.quota
	assert_no_leaks
}

@test "an absolute cgroupsPath with a bad limit leaves no cgroup at that path" {
	local parent=berth-bats-err-$$
	update_config '.linux.cgroupsPath = $p | .linux.resources.cpu = {cpus: "0-63"}' --arg p "/$parent/$ID"
	run_unpiped berth create --bundle "$BUNDLE" "$ID"
	assert_failure 1
	assert_no_leaks
	local d
	for d in /sys/fs/cgroup/*/"$parent"; do
		[[ -e $d/$ID ]] && fail "$d/$ID is left"
		rmdir "$d" 2>/dev/null || true
	done
}
