#!/usr/bin/env bats
# linux.resources on cgroup v1: each field set at create is read back from the container's own
# cgroup files on the host (found through /proc/<init>/cgroup), and a few limits are shown to
# bite (pids.max stops forks, the device list stops a write to a device node).
#
# Fields this host cannot apply (net_cls, net_prio, hugetlb, unified) are errors: see
# cgroups_errors.bats. The VM suite covers cgroup v2.

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

# cg_file ID CONTROLLER FILE: the host path of FILE in container ID's cgroup of CONTROLLER, from
# its init's /proc/PID/cgroup (/sys/fs/cgroup/<controller> also names co-mounted hierarchies).
cg_file() {
	local pid ctrls path
	pid=$(container_pid "$1")
	[[ -n $pid && $pid != 0 ]] || fail "container $1 has no pid"
	while IFS=: read -r _ ctrls path; do
		[[ ,$ctrls, == *,$2,* ]] || continue
		echo "/sys/fs/cgroup/$2$path/$3"
		return 0
	done <"/proc/$pid/cgroup"
	fail "init $pid of $1 is in no $2 hierarchy: $(cat "/proc/$pid/cgroup")"
}

# assert_cg ID CONTROLLER FILE WANT: FILE of the container's cgroup holds exactly WANT.
assert_cg() {
	local f got
	f=$(cg_file "$1" "$2") || return 1
	f=${f%/}/$3
	[[ -f $f ]] || fail "$f does not exist"
	got=$(<"$f")
	[[ $got == "$4" ]] || fail "$f: got '$got', want '$4'"
}

# requires_cg_file CONTROLLER FILE: skip, naming the host limitation, when this kernel's
# cgroups lack FILE (checked in a fresh cgroup: a hierarchy's root lacks some files).
requires_cg_file() {
	local probe=/sys/fs/cgroup/$1/berth-probe-$$-$BATS_TEST_NUMBER found=0
	mkdir "$probe" || fail "cannot make a probe cgroup $probe"
	[[ -e $probe/$2 ]] && found=1
	rmdir "$probe"
	[[ $found == 1 ]] || skip "host limitation: this kernel's $1 cgroups have no $2"
}

# create_with JQ_EXPR [JQ_OPTIONS...]: apply JQ_EXPR to config.json and create $ID.
create_with() {
	update_config "$@"
	create_container "$ID"
}

# block_device: "MAJOR MINOR" of a real disk (not loop, ram, zram), the one / lives on if possible.
block_device() {
	local dev d first=
	dev=$(stat -c '%d' /)
	for d in /sys/block/*; do
		case ${d##*/} in loop* | ram* | zram* | dm-* | md*) continue ;; esac
		[[ -r $d/dev ]] || continue
		if [[ $(($(cut -d: -f1 "$d/dev") << 8 | $(cut -d: -f2 "$d/dev"))) == "$dev" ]]; then
			tr : ' ' <"$d/dev"
			return 0
		fi
		[[ -n ${first:-} ]] || first=$(tr : ' ' <"$d/dev")
	done
	[[ -n ${first:-} ]] || skip "host limitation: no real block device in /sys/block"
	echo "$first"
}

@test "memory.limit sets memory.limit_in_bytes" {
	create_with '.linux.resources.memory = {limit: 67108864}'
	assert_cg "$ID" memory memory.limit_in_bytes 67108864
}

@test "memory.limit -1 leaves the memory unlimited" {
	create_with '.linux.resources.memory = {limit: -1}'
	# The kernel's "unlimited": PAGE_COUNTER_MAX pages, as printed on this host's root.
	assert_cg "$ID" memory memory.limit_in_bytes "$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes)"
}

@test "memory.reservation sets memory.soft_limit_in_bytes" {
	create_with '.linux.resources.memory = {limit: 134217728, reservation: 33554432}'
	assert_cg "$ID" memory memory.soft_limit_in_bytes 33554432
	assert_cg "$ID" memory memory.limit_in_bytes 134217728
}

@test "memory.swap sets memory.memsw.limit_in_bytes (memory plus swap)" {
	requires_cg_file memory memory.memsw.limit_in_bytes
	create_with '.linux.resources.memory = {limit: 67108864, swap: 100663296}'
	assert_cg "$ID" memory memory.limit_in_bytes 67108864
	assert_cg "$ID" memory memory.memsw.limit_in_bytes 100663296
}

@test "memory.swap equal to memory.limit allows no swap" {
	requires_cg_file memory memory.memsw.limit_in_bytes
	create_with '.linux.resources.memory = {limit: 67108864, swap: 67108864}'
	assert_cg "$ID" memory memory.memsw.limit_in_bytes 67108864
}

@test "memory.swappiness sets memory.swappiness" {
	create_with '.linux.resources.memory = {swappiness: 17}'
	assert_cg "$ID" memory memory.swappiness 17
}

@test "memory.disableOOMKiller sets oom_kill_disable in memory.oom_control" {
	create_with '.linux.resources.memory = {limit: 67108864, disableOOMKiller: true}'
	run cat "$(cg_file "$ID" memory memory.oom_control)"
	assert_line 'oom_kill_disable 1'
}

@test "without memory.disableOOMKiller the OOM killer stays enabled" {
	create_with '.linux.resources.memory = {limit: 67108864}'
	run cat "$(cg_file "$ID" memory memory.oom_control)"
	assert_line 'oom_kill_disable 0'
}

@test "a memory limit is enforced: a process using more is OOM-killed" {
	# The shell holds 48 MB of anonymous memory in a variable, under a 16 MiB limit (swap, if
	# the kernel accounts it, limited to the same: no escape to swap).
	setup_bundle sh -c 'x=$(head -c 48000000 /dev/zero | tr "\0" a); echo "survived ${#x}"'
	update_config '.linux.resources.memory = {limit: 16777216}'
	if [[ -e /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes ]]; then
		update_config '.linux.resources.memory.swap = 16777216'
	fi
	run_unpiped berth run --bundle "$BUNDLE" "$ID"
	refute_output --partial 'survived 48000000'
	[[ $status -ne 0 ]] || fail "the container exited 0 holding 48 MB under a 16 MiB limit"
}

@test "cpu.shares sets cpu.shares" {
	create_with '.linux.resources.cpu = {shares: 512}'
	assert_cg "$ID" cpu cpu.shares 512
}

@test "cpu.quota and cpu.period set cpu.cfs_quota_us and cpu.cfs_period_us" {
	create_with '.linux.resources.cpu = {quota: 50000, period: 250000}'
	assert_cg "$ID" cpu cpu.cfs_quota_us 50000
	assert_cg "$ID" cpu cpu.cfs_period_us 250000
}

@test "cpu.quota alone keeps the default period" {
	create_with '.linux.resources.cpu = {quota: 20000}'
	assert_cg "$ID" cpu cpu.cfs_quota_us 20000
	assert_cg "$ID" cpu cpu.cfs_period_us 100000
}

@test "cpu.quota -1 is unlimited" {
	create_with '.linux.resources.cpu = {quota: -1, period: 100000}'
	assert_cg "$ID" cpu cpu.cfs_quota_us -1
}

@test "cpu.burst sets cpu.cfs_burst_us" {
	requires_cg_file cpu cpu.cfs_burst_us
	create_with '.linux.resources.cpu = {quota: 50000, period: 100000, burst: 20000}'
	assert_cg "$ID" cpu cpu.cfs_burst_us 20000
	assert_cg "$ID" cpu cpu.cfs_quota_us 50000
}

@test "cpu.realtimeRuntime and cpu.realtimePeriod set cpu.rt_runtime_us and cpu.rt_period_us" {
	requires_cg_file cpu cpu.rt_runtime_us
	create_with '.linux.resources.cpu = {realtimeRuntime: 10000, realtimePeriod: 500000}'
	assert_cg "$ID" cpu cpu.rt_runtime_us 10000
	assert_cg "$ID" cpu cpu.rt_period_us 500000
}

@test "cpu.idle sets cpu.idle" {
	requires_cg_file cpu cpu.idle
	create_with '.linux.resources.cpu = {idle: 1}'
	assert_cg "$ID" cpu cpu.idle 1
}

@test "cpu.cpus sets cpuset.cpus and confines init to those CPUs" {
	local last
	last=$(($(nproc --all) - 1))
	[[ $last -ge 1 ]] || skip "host limitation: one CPU, no proper subset to pin to"
	create_with '.linux.resources.cpu = {cpus: $c}' --arg c "$last"
	assert_cg "$ID" cpuset cpuset.cpus "$last"
	run grep Cpus_allowed_list "/proc/$(container_pid "$ID")/status"
	assert_output --regexp "Cpus_allowed_list:[[:space:]]+$last\$"
}

@test "cpu.mems sets cpuset.mems" {
	create_with '.linux.resources.cpu = {mems: "0"}'
	assert_cg "$ID" cpuset cpuset.mems 0
}

@test "without cpu.cpus the container gets its parent's CPUs (cpuset.cpus is not empty)" {
	create_with '.'
	assert_cg "$ID" cpuset cpuset.cpus "$(cat /sys/fs/cgroup/cpuset/cpuset.cpus)"
	assert_cg "$ID" cpuset cpuset.mems "$(cat /sys/fs/cgroup/cpuset/cpuset.mems)"
}

@test "pids.limit sets pids.max" {
	create_with '.linux.resources.pids = {limit: 42}'
	assert_cg "$ID" pids pids.max 42
}

@test "pids.limit -1 is unlimited (pids.max is max)" {
	create_with '.linux.resources.pids = {limit: -1}'
	assert_cg "$ID" pids pids.max max
}

@test "pids.max stops forks beyond the limit" {
	# A subshell forks 30 sleeps; with 10 pids it must fail ("can't fork") and exit, and the
	# container's shell lives on to report.
	setup_bundle sh -c '
		( for i in $(seq 30); do sleep 1000 & done ) 2>/dev/null
		echo "forker exited $?"
		exec sleep 1000'
	update_config '.linux.resources.pids = {limit: 10}'
	run_detached "$ID"
	local i
	for ((i = 0; i < 100; i++)); do
		grep -q 'forker exited' "$BATS_TEST_TMPDIR/$ID.log" && break
		sleep 0.05
	done
	run cat "$BATS_TEST_TMPDIR/$ID.log"
	assert_output --regexp '^forker exited [1-9][0-9]*$'
	run cat "$(cg_file "$ID" pids pids.current)"
	[[ $output -le 10 ]] || fail "pids.current $output is above the limit 10"
	run cat "$(cg_file "$ID" pids pids.events)"
	assert_output --regexp '^max [1-9][0-9]*$'
}

@test "pids.max 1: run of a program that does not fork works, and a fork in it fails" {
	# The limit holds the program alone: berth's own tasks (init's Go threads) must not use it up.
	setup_bundle echo single
	update_config '.linux.resources.pids = {limit: 1}'
	run_container
	assert_success
	assert_output single
	setup_bundle sh -c 'true & wait $! && echo forked'
	update_config '.linux.resources.pids = {limit: 1}'
	run_container
	refute_output --partial forked
}

@test "blockIO throttle rates set the blkio.throttle.*_device files" {
	local dev major minor
	dev=$(block_device)
	read -r major minor <<<"$dev"
	create_with '.linux.resources.blockIO = {
			throttleReadBpsDevice: [{major: $ma, minor: $mi, rate: 1048576}],
			throttleWriteBpsDevice: [{major: $ma, minor: $mi, rate: 2097152}],
			throttleReadIOPSDevice: [{major: $ma, minor: $mi, rate: 300}],
			throttleWriteIOPSDevice: [{major: $ma, minor: $mi, rate: 400}]}' \
		--argjson ma "$major" --argjson mi "$minor"
	assert_cg "$ID" blkio blkio.throttle.read_bps_device "$major:$minor 1048576"
	assert_cg "$ID" blkio blkio.throttle.write_bps_device "$major:$minor 2097152"
	assert_cg "$ID" blkio blkio.throttle.read_iops_device "$major:$minor 300"
	assert_cg "$ID" blkio blkio.throttle.write_iops_device "$major:$minor 400"
}

@test "blockIO.weight sets blkio.weight (or blkio.bfq.weight where the kernel has only BFQ's)" {
	local file=blkio.weight
	if [[ ! -e /sys/fs/cgroup/blkio/blkio.weight ]]; then
		file=blkio.bfq.weight
		requires_cg_file blkio "$file"
	fi
	create_with '.linux.resources.blockIO = {weight: 300}'
	run cat "$(cg_file "$ID" blkio "$file")"
	# blkio.bfq.weight prints "default 300".
	assert_output --regexp '(^| )300$'
}

# device_script: mknod /dev/kmsg (c 1 11: the "m" of the default rules allows mknod) and write a
# line into it; needs CAP_MKNOD in the container.
kmsg_script() {
	setup_bundle sh -c 'mknod /dev/kmsg c 1 11 && echo made
		echo "berth-bats: device cgroup test" 2>/dev/null >/dev/kmsg && echo wrote || echo denied'
	update_config '.process.capabilities |= with_entries(.value += ["CAP_MKNOD"])'
}

@test "devices: the default list denies a device node the config does not allow" {
	kmsg_script
	run_unpiped berth run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_line made
	assert_line denied
	refute_line wrote
}

@test "devices: an allow rule for c 1:11 makes /dev/kmsg writable" {
	kmsg_script
	update_config '.linux.resources.devices += [{allow: true, type: "c", major: 1, minor: 11, access: "w"}]'
	run_unpiped berth run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_line made
	assert_line wrote
}

@test "devices: devices.list starts from deny-all and holds the config's allow rule" {
	create_with '.linux.resources.devices += [{allow: true, type: "b", major: 7, minor: 3, access: "r"}]'
	run cat "$(cg_file "$ID" devices devices.list)"
	refute_line 'a *:* rwm'
	assert_line 'b 7:3 r'
	assert_line 'c 1:3 rwm'
}

@test "devices: a later deny rule removes an earlier allow" {
	create_with '.linux.resources.devices += [{allow: true, type: "b", major: 7, minor: 3, access: "rwm"},
		{allow: false, type: "b", major: 7, minor: 3, access: "w"}]'
	run cat "$(cg_file "$ID" devices devices.list)"
	assert_line 'b 7:3 rm'
	refute_line 'b 7:3 rwm'
}

@test "linux.resources are applied before init runs the user's program" {
	# The program itself reads its limits: they must be in place when it starts.
	setup_bundle sh -c 'cat /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/cpu/cpu.shares'
	update_config '.linux.resources.pids = {limit: 33} | .linux.resources.memory = {limit: 50331648}
		| .linux.resources.cpu = {shares: 300}'
	run_unpiped berth run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output $'33\n50331648\n300'
}
