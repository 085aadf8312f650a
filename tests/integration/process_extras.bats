#!/usr/bin/env bats
# The process attributes beyond user and capabilities: linux.personality, process.scheduler,
# process.ioPriority, process.execCPUAffinity, linux.memoryPolicy, and the security labels and
# features this host cannot give (apparmorProfile, selinuxLabel, mountLabel, intelRdt), which
# must fail create with a clear error instead of running the container without them.
#
# runc 1.1.5 predates most of these fields and ignores them: those tests call requires_berth.

load helpers

setup() {
	berth_setup
}

teardown() {
	cleanup_berth
}

# create_fails [TEXT...]: `create` of $ID fails with one line containing each TEXT (for berth),
# and leaves nothing behind.
create_fails() {
	run_unpiped berth create --bundle "$BUNDLE" "$ID"
	assert_one_line_error "$@"
	assert_no_leaks
}

# STAT_FIELDS: the container's program prints fields of its own /proc/PID/stat:
# 19 nice, 40 rt_priority, 41 policy (proc(5)). cut's comm has no spaces, so fields split cleanly.
STAT_FIELDS=(cut -d ' ' -f 19,40,41 /proc/self/stat)

@test "personality LINUX32: uname -m prints i686" {
	requires_berth
	[[ $(uname -m) == x86_64 ]] || skip "needs an x86_64 host"
	setup_bundle uname -m
	update_config '.linux.personality = {domain: "LINUX32"}'
	run_container
	assert_success
	assert_output i686
}

@test "personality LINUX: uname -m prints the host's machine" {
	setup_bundle uname -m
	update_config '.linux.personality = {domain: "LINUX"}'
	run_container
	assert_success
	assert_output "$(uname -m)"
}

@test "personality: an unknown domain or any flag fails create naming the field" {
	requires_berth
	setup_bundle true
	update_config '.linux.personality = {domain: "LINUX64"}'
	create_fails 'linux.personality.domain "LINUX64"'
	update_config '.linux.personality = {domain: "LINUX", flags: ["ADDR_NO_RANDOMIZE"]}'
	create_fails 'linux.personality.flags'
}

@test "scheduler SCHED_BATCH with nice 5" {
	requires_berth
	setup_bundle "${STAT_FIELDS[@]}"
	update_config '.process.scheduler = {policy: "SCHED_BATCH", nice: 5}'
	run_container
	assert_success
	# nice 5, no real-time priority, policy 3 = SCHED_BATCH
	assert_output "5 0 3"
}

@test "scheduler SCHED_IDLE" {
	requires_berth
	setup_bundle "${STAT_FIELDS[@]}"
	update_config '.process.scheduler = {policy: "SCHED_IDLE"}'
	run_container
	assert_success
	assert_output "0 0 5"
}

@test "scheduler SCHED_FIFO priority 10, with real-time time in the cpu cgroup" {
	requires_berth
	setup_bundle "${STAT_FIELDS[@]}"
	# With RT group scheduling (cpu.rt_runtime_us on v1) a new cgroup has no real-time time:
	# give it some, or the kernel refuses any real-time policy.
	update_config '.process.scheduler = {policy: "SCHED_FIFO", priority: 10}
		| .linux.resources.cpu.realtimePeriod = 1000000 | .linux.resources.cpu.realtimeRuntime = 10000'
	run_container
	assert_success
	assert_output "0 10 1"
}

@test "scheduler: a bad policy, priority or nice fails create naming the field" {
	requires_berth
	setup_bundle true
	update_config '.process.scheduler = {policy: "SCHED_NORMAL"}'
	create_fails 'process.scheduler.policy "SCHED_NORMAL"'
	update_config '.process.scheduler = {policy: "SCHED_FIFO"}'
	create_fails 'process.scheduler.priority 0'
	update_config '.process.scheduler = {policy: "SCHED_OTHER", nice: 20}'
	create_fails 'process.scheduler.nice 20'
}

@test "ioPriority best-effort 6: ionice shows it" {
	requires_berth
	setup_bundle sh -c 'ionice -p $$'
	update_config '.process.ioPriority = {class: "IOPRIO_CLASS_BE", priority: 6}'
	run_container
	assert_success
	assert_output "best-effort: prio 6"
}

@test "ioPriority idle and real-time" {
	requires_berth
	setup_bundle sh -c 'ionice -p $$'
	update_config '.process.ioPriority = {class: "IOPRIO_CLASS_IDLE", priority: 0}'
	run_container
	assert_success
	assert_output --regexp '^idle'
	update_config '.process.ioPriority = {class: "IOPRIO_CLASS_RT", priority: 2}'
	run_container
	assert_success
	assert_output "realtime: prio 2"
}

@test "ioPriority: a bad class or priority fails create naming the field" {
	requires_berth
	setup_bundle true
	update_config '.process.ioPriority = {class: "IOPRIO_CLASS_NONE", priority: 0}'
	create_fails 'process.ioPriority.class "IOPRIO_CLASS_NONE"'
	update_config '.process.ioPriority = {class: "IOPRIO_CLASS_BE", priority: 8}'
	create_fails 'process.ioPriority.priority 8'
}

@test "execCPUAffinity does not apply to the container's init" {
	[[ $(nproc) -ge 2 ]] || skip "needs two CPUs"
	setup_bundle grep Cpus_allowed_list /proc/self/status
	run_container
	assert_success
	local without=$output
	# The spec: "This setting is not applicable to the container's init process."
	update_config '.process.execCPUAffinity = {initial: "0", final: "1"}'
	run_container
	assert_success
	assert_output "$without"
}

@test "execCPUAffinity final: an exec'd process runs on the final CPUs" {
	requires_berth
	[[ $(nproc) -ge 2 ]] || skip "needs two CPUs"
	setup_bundle sleep 100
	run_detached "$ID"
	jq '.process | .args = ["grep", "Cpus_allowed_list", "/proc/self/status"]
		| .execCPUAffinity = {initial: "0", final: "1"}' "$BUNDLE/config.json" >"$BATS_TEST_TMPDIR/process.json"
	run_unpiped berth exec --process "$BATS_TEST_TMPDIR/process.json" "$ID"
	assert_success
	assert_output --regexp '^Cpus_allowed_list:[[:space:]]+1$'
}

@test "memoryPolicy MPOL_BIND node 0: numa_maps shows bind:0" {
	requires_berth
	[[ -d /sys/devices/system/node/node0 && -e /proc/self/numa_maps ]] || skip "no NUMA support"
	setup_bundle head -n 1 /proc/self/numa_maps
	update_config '.linux.memoryPolicy = {mode: "MPOL_BIND", nodes: "0"}'
	run_container
	assert_success
	assert_output --regexp '^[0-9a-f]+ bind:0 '
}

@test "memoryPolicy: a bad mode or nodes fails create naming the field" {
	requires_berth
	setup_bundle true
	update_config '.linux.memoryPolicy = {mode: "MPOL_RANDOM"}'
	create_fails 'linux.memoryPolicy.mode "MPOL_RANDOM"'
	update_config '.linux.memoryPolicy = {mode: "MPOL_BIND"}'
	create_fails 'linux.memoryPolicy.nodes' 'needs at least one node'
}

@test "memoryPolicy: a node the host does not have fails run naming the field" {
	requires_berth
	setup_bundle true
	# Only the kernel knows which nodes exist: this fails when init applies it.
	update_config '.linux.memoryPolicy = {mode: "MPOL_BIND", nodes: "1000"}'
	run_container
	assert_one_line_error 'linux.memoryPolicy MPOL_BIND "1000"' 'set_mempolicy: invalid argument'
	assert_no_leaks
}

@test "apparmorProfile on a host without AppArmor fails create" {
	[[ $(cat /sys/module/apparmor/parameters/enabled 2>/dev/null) != Y ]] || skip "this host has AppArmor"
	setup_bundle true
	update_config '.process.apparmorProfile = "berth-test-profile"'
	create_fails 'process.apparmorProfile "berth-test-profile": AppArmor is not enabled on this host'
}

@test "selinuxLabel and mountLabel on a host without SELinux fail create" {
	[[ ! -e /sys/fs/selinux/enforce ]] || skip "this host has SELinux"
	setup_bundle true
	update_config '.process.selinuxLabel = "system_u:system_r:container_t:s0"'
	create_fails 'process.selinuxLabel' 'SELinux is not enabled on this host'
	update_config 'del(.process.selinuxLabel) | .linux.mountLabel = "system_u:object_r:container_file_t:s0"'
	create_fails 'linux.mountLabel' 'SELinux is not enabled on this host'
}

@test "intelRdt on a host without resctrl fails create" {
	requires_berth
	! grep -qw resctrl /proc/filesystems || skip "this kernel has resctrl"
	setup_bundle true
	update_config '.linux.intelRdt = {closID: "berth-test"}'
	create_fails 'linux.intelRdt: resctrl is not available on this host'
}
