#!/usr/bin/env bats
# bats file_tags=vm
# cgroups on a pure cgroup v2 host (the test VM, make test-vm): where init is placed and from
# when, every linux.resources field read back from the container's v2 files, the eBPF device
# filter, update/pause/resume/ps/events/kill --all/delete on v2, the cgroup namespace and the
# container's view of /sys/fs/cgroup, and bad input. Outside the VM these skip: cgroups.bats and
# resources.bats cover the v1 host.

load helpers

setup() {
	berth_setup
	[[ ${BERTH_IN_VM:-} == 1 ]] || skip "runs only in the test VM (make test-vm)"
	[[ $(stat -fc %T /sys/fs/cgroup) == cgroup2fs ]] || fail "the test VM must be pure cgroup v2"
	# The parent of absolute cgroupsPaths; named after no container ID, so the leak check does
	# not see it, and removed by the teardown (the runtime removes only the container's own).
	CG_PARENT=berth-bats-$$-${BATS_SUITE_TEST_NUMBER:-$BATS_TEST_NUMBER}
	setup_bundle sleep 1000
}

teardown() {
	local rc=0
	cleanup_berth || rc=$?
	rmdir "/sys/fs/cgroup/$CG_PARENT" 2>/dev/null || true
	return "$rc"
}

# cg_path PID: PID's cgroup v2 path (the "0::" line of /proc/PID/cgroup).
cg_path() {
	sed -n 's/^0:://p' "/proc/$1/cgroup"
}

# cg_dir ID: the host directory of container ID's cgroup, found through its init.
cg_dir() {
	local pid
	pid=$(container_pid "$1")
	[[ -n $pid && $pid != 0 ]] || fail "container $1 has no pid"
	echo "/sys/fs/cgroup$(cg_path "$pid")"
}

# assert_cg ID FILE WANT: FILE of the container's cgroup holds exactly WANT.
assert_cg() {
	local f got
	f=$(cg_dir "$1")/$2
	[[ -f $f ]] || fail "$f does not exist"
	got=$(<"$f")
	[[ $got == "$3" ]] || fail "$f: got '$got', want '$3'"
}

# requires_cg_file FILE: skip, naming the limitation, when a fresh cgroup below
# /sys/fs/cgroup/$CG_PARENT (controllers enabled as the runtime does) has no FILE.
requires_cg_file() {
	local parent=/sys/fs/cgroup/$CG_PARENT found=0 c
	mkdir -p "$parent/probe"
	for c in $(<"$parent/../cgroup.subtree_control"); do echo "+$c" >"$parent/cgroup.subtree_control" 2>/dev/null; done
	[[ -e $parent/probe/$1 ]] && found=1
	rmdir "$parent/probe"
	[[ $found == 1 ]] || skip "VM limitation: its cgroups have no $1"
}

# create_with JQ_EXPR [JQ_OPTIONS...]: apply JQ_EXPR to config.json and create $ID.
create_with() {
	update_config "$@"
	create_container "$ID"
}

# vda: "MAJOR:MINOR" of the VM's virtio disk.
vda() {
	[[ -r /sys/block/vda/dev ]] || skip "VM limitation: no /sys/block/vda"
	cat /sys/block/vda/dev
}

# own_parent: the parent of this shell's cgroup, where the library puts relative cgroupsPaths.
own_parent() {
	local p
	p=$(dirname "$(cg_path "$BASHPID")")
	[[ $p == / ]] && p=
	echo "$p"
}

# with_caps CAP...: add CAP to every capability set of the process.
with_caps() {
	local cap
	for cap in "$@"; do
		update_config '.process.capabilities |= with_entries(.value += [$c])' --arg c "$cap"
	done
}

# wait_gone PID: wait until PID has exited (see process_gone).
wait_gone() {
	local i
	for ((i = 0; i < 200; i++)); do
		process_gone "$1" && return 0
		sleep 0.05
	done
	fail "process $1 ($(cat "/proc/$1/comm" 2>/dev/null)) still alive"
}

# run_in_container SCRIPT [JQ_EXPR]: run `sh -c SCRIPT` in the foreground, config edited by JQ_EXPR.
run_in_container() {
	update_config '.process.args = ["sh", "-c", $s]' --arg s "$1"
	[[ -z ${2:-} ]] || update_config "$2"
	run_unpiped berth run --bundle "$BUNDLE" "$ID"
}

@test "v2: init is in the container's cgroup from create on (absolute cgroupsPath)" {
	create_with '.linux.cgroupsPath = $p' --arg p "/$CG_PARENT/$ID"
	local pid
	pid=$(container_pid "$ID")
	run cat "/proc/$pid/cgroup"
	assert_output "0::/$CG_PARENT/$ID"
	run cat "/sys/fs/cgroup/$CG_PARENT/$ID/cgroup.procs"
	assert_output "$pid"
	# Placed at birth (clone3 CLONE_INTO_CGROUP): the cgroup counted init's fork and exec.
	run cat "/sys/fs/cgroup/$CG_PARENT/$ID/pids.peak"
	if [[ $status == 0 ]]; then
		[[ $output -ge 1 ]] || fail "pids.peak $output"
	fi
}

@test "v2: an empty cgroupsPath puts the container beside berth's own cgroup, named ID" {
	create_container "$ID"
	run cg_path "$(container_pid "$ID")"
	assert_output "$(own_parent)/$ID"
}

@test "v2: a relative cgroupsPath is taken below the parent of berth's own cgroup" {
	create_with '.linux.cgroupsPath = $p' --arg p "$CG_PARENT/$ID"
	run cg_path "$(container_pid "$ID")"
	assert_output "$(own_parent)/$CG_PARENT/$ID"
	berth delete --force "$ID"
	rmdir "/sys/fs/cgroup$(own_parent)/$CG_PARENT"
}

@test "v2: memory limit, reservation and swap set memory.max, memory.low and memory.swap.max" {
	requires_cg_file memory.swap.max
	# swap is memory+swap: 96 MiB of it with 64 MiB of memory leaves 32 MiB of swap.
	create_with '.linux.resources.memory = {limit: 67108864, reservation: 33554432, swap: 100663296}'
	assert_cg "$ID" memory.max 67108864
	assert_cg "$ID" memory.low 33554432
	assert_cg "$ID" memory.swap.max 33554432
}

@test "v2: memory limit -1 and swap -1 leave memory.max and memory.swap.max at max" {
	create_with '.linux.resources.memory = {limit: -1, swap: -1}'
	assert_cg "$ID" memory.max max
	[[ ! -e $(cg_dir "$ID")/memory.swap.max ]] || assert_cg "$ID" memory.swap.max max
}

@test "v2: cpu shares set cpu.weight (converted), quota and period set cpu.max" {
	# The library's conversion: 1024 shares (v1's default) is weight 100 (v2's default); 2048 is 174.
	create_with '.linux.resources.cpu = {shares: 2048, quota: 50000, period: 100000}'
	assert_cg "$ID" cpu.weight 174
	assert_cg "$ID" cpu.max "50000 100000"
}

@test "v2: cpu quota -1 sets cpu.max to max with the period" {
	create_with '.linux.resources.cpu = {quota: -1, period: 200000}'
	assert_cg "$ID" cpu.max "max 200000"
}

@test "v2: cpu burst sets cpu.max.burst" {
	requires_cg_file cpu.max.burst
	create_with '.linux.resources.cpu = {quota: 50000, period: 100000, burst: 20000}'
	assert_cg "$ID" cpu.max "50000 100000"
	assert_cg "$ID" cpu.max.burst 20000
}

@test "v2: cpu idle sets cpu.idle" {
	requires_cg_file cpu.idle
	create_with '.linux.resources.cpu = {idle: 1}'
	assert_cg "$ID" cpu.idle 1
}

@test "v2: cpus and mems set cpuset.cpus and cpuset.mems" {
	local last
	last=$(($(nproc) - 1))
	create_with '.linux.resources.cpu = {cpus: $c, mems: "0"}' --arg c "$last"
	assert_cg "$ID" cpuset.cpus "$last"
	assert_cg "$ID" cpuset.mems 0
	berth start "$ID"
	# The container's process runs only there.
	run awk '/^Cpus_allowed_list/ { print $2 }' "/proc/$(container_pid "$ID")/status"
	assert_output "$last"
}

@test "v2: pids limit sets pids.max, and it bites" {
	update_config '.process.args = ["sh", "-c", "for i in 1 2 3 4 5 6; do sleep 100 & done; wait"]'
	create_with '.linux.resources.pids = {limit: 3}'
	assert_cg "$ID" pids.max 3
	berth start "$ID"
	local i
	for ((i = 0; i < 100; i++)); do
		grep -q "can't fork\|Resource temporarily unavailable\|Try again" "$BATS_TEST_TMPDIR/$ID.log" && break
		sleep 0.05
	done
	run cat "$BATS_TEST_TMPDIR/$ID.log"
	# The shell gives up at the failed fork and the container stops: nothing more to read.
	assert_output --regexp "fork|Resource temporarily unavailable|Try again"
}

@test "v2: exec into a container one task below its pids limit runs its program" {
	# nsenter forks the exec'd process straight into the cgroup (clone3 CLONE_INTO_CGROUP): its
	# short-lived parent is never counted, nor is any Go runtime.
	create_with '.linux.resources.pids = {limit: 2}'
	berth start "$ID"
	run berth exec "$ID" echo in-limit
	assert_success
	assert_output in-limit
	assert_cg "$ID" pids.current 1
	# At the limit itself, a fork inside the container fails: the limit is in force.
	run berth exec "$ID" sh -c 'true & wait'
	assert_failure
}

@test "v2: exec into a container with user and cgroup namespaces lands in its cgroup" {
	# The fork into the cgroup is checked with the credentials and cgroup namespace of the
	# process that forks: nsenter joins the container's user and cgroup namespaces after it.
	update_config '.linux.namespaces += [{type: "user"}, {type: "cgroup"}]
		| .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
		| .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
		| .linux.resources.pids = {limit: 2}'
	allow_userns_traversal
	create_container "$ID"
	berth start "$ID"
	local dir
	dir=$(cg_dir "$ID")
	# One process each: with init, the pids limit of 2 leaves room for nothing else.
	run berth exec "$ID" cat /proc/self/cgroup /proc/self/uid_map
	assert_success
	assert_line --index 0 "0::/"
	assert_line --index 1 --regexp "^ +0 +100000 +65536$"
	run berth exec "$ID" id -u
	assert_success
	assert_output 0
	run_unpiped berth exec -d --pid-file "$BATS_TEST_TMPDIR/exec.pid" "$ID" sleep 100
	assert_success
	run cat "$dir/cgroup.procs"
	assert_line "$(tr -d '\n' <"$BATS_TEST_TMPDIR/exec.pid")"
}

@test "v2: throttle devices set io.max for the VM's disk" {
	local dev
	dev=$(vda)
	create_with '.linux.resources.blockIO = {
			throttleReadBpsDevice: [{major: $ma, minor: $mi, rate: 1048576}],
			throttleWriteBpsDevice: [{major: $ma, minor: $mi, rate: 2097152}],
			throttleReadIOPSDevice: [{major: $ma, minor: $mi, rate: 300}],
			throttleWriteIOPSDevice: [{major: $ma, minor: $mi, rate: 400}]}' \
		--argjson ma "${dev%:*}" --argjson mi "${dev#*:}"
	assert_cg "$ID" io.max "$dev rbps=1048576 wbps=2097152 riops=300 wiops=400"
}

@test "v2: blockIO weight sets io.bfq.weight, or io.weight converted" {
	requires_cg_file io.weight
	create_with '.linux.resources.blockIO = {weight: 500}'
	local dir
	dir=$(cg_dir "$ID")
	if [[ -e $dir/io.bfq.weight ]]; then
		run cat "$dir/io.bfq.weight"
		assert_line "default 500"
	else
		# 1 + (500-10)*9999/990
		run cat "$dir/io.weight"
		assert_line "default 4950"
	fi
}

@test "v2: hugepageLimits set hugetlb.<size>.max" {
	grep -qw hugetlb /sys/fs/cgroup/cgroup.controllers || skip "VM limitation: no hugetlb controller"
	[[ -d /sys/kernel/mm/hugepages/hugepages-2048kB ]] || skip "VM limitation: no 2 MiB huge pages"
	create_with '.linux.resources.hugepageLimits = [{pageSize: "2MB", limit: 4194304}]'
	assert_cg "$ID" hugetlb.2MB.max 4194304
}

@test "v2: unified key/values are written to their files" {
	create_with '.linux.resources.unified = {"memory.high": "50M", "pids.max": "33"}'
	assert_cg "$ID" memory.high 52428800
	assert_cg "$ID" pids.max 33
}

@test "v2: unified wins over the field it overlaps" {
	create_with '.linux.resources.pids = {limit: 10} | .linux.resources.unified = {"pids.max": "20"}'
	assert_cg "$ID" pids.max 20
}

@test "v2: devices are denied by default by the eBPF filter: mknod works, open fails" {
	with_caps CAP_MKNOD
	run_in_container '
		mknod /dev/kmsg2 c 1 11 && echo mknod-ok
		echo x 2>&1 >/dev/kmsg2
		echo x >/dev/null && echo null-ok'
	assert_success
	assert_line mknod-ok
	assert_line --partial "Operation not permitted"
	assert_line null-ok
}

@test "v2: a device rule of the config opens the filter for that device" {
	with_caps CAP_MKNOD
	run_in_container 'mknod /dev/kmsg2 c 1 11 && echo "<6>berth-bats $$" >/dev/kmsg2 && echo write-ok' \
		'.linux.resources.devices += [{allow: true, type: "c", major: 1, minor: 11, access: "w"}]'
	assert_success
	assert_output write-ok
}

@test "v2: update changes memory, cpu and pids files of a running container" {
	create_with '.linux.resources.memory = {limit: 67108864} | .linux.resources.pids = {limit: 10}'
	berth start "$ID"
	berth update --memory 128m --memory-reservation 64m --cpu-share 1024 --cpu-quota 20000 \
		--cpu-period 100000 --pids-limit 50 "$ID"
	assert_cg "$ID" memory.max 134217728
	assert_cg "$ID" memory.low 67108864
	assert_cg "$ID" cpu.weight 100
	assert_cg "$ID" cpu.max "20000 100000"
	assert_cg "$ID" pids.max 50
}

@test "v2: update --resources takes unified key/values" {
	requires_berth
	create_container "$ID"
	run berth update --resources - "$ID" <<<'{"unified": {"memory.high": "40M"}, "pids": {"limit": 44}}'
	assert_success
	assert_cg "$ID" memory.high 41943040
	assert_cg "$ID" pids.max 44
}

@test "v2: pause and resume use cgroup.freeze" {
	run_detached "$ID"
	local dir
	dir=$(cg_dir "$ID")
	berth pause "$ID"
	assert_equal "$(container_status "$ID")" paused
	assert_equal "$(<"$dir/cgroup.freeze")" 1
	run grep -x "frozen 1" "$dir/cgroup.events"
	assert_success
	berth resume "$ID"
	assert_equal "$(container_status "$ID")" running
	assert_equal "$(<"$dir/cgroup.freeze")" 0
	run grep -x "frozen 0" "$dir/cgroup.events"
	assert_success
}

@test "v2: ps lists the processes of the cgroup" {
	setup_bundle sh -c 'sleep 1001 & exec sleep 1002'
	run_detached "$ID"
	local pid procs i
	pid=$(container_pid "$ID")
	for ((i = 0; i < 100; i++)); do
		procs=$(sort -n "$(cg_dir "$ID")/cgroup.procs" | tr '\n' ' ')
		[[ $procs == *" "*" "* && $(cat "/proc/$pid/comm") == sleep ]] && break
		sleep 0.05
	done
	run berth ps --format json "$ID"
	assert_success
	assert_equal "$(jq -r 'sort | map(tostring) | join(" ")' <<<"$output") " "$procs"
	run berth ps "$ID"
	assert_success
	assert_line --regexp "^[^ ]+ +$pid .*sleep 1002"
	assert_line --regexp "sleep 1001"
}

@test "v2: events --stats reads the v2 statistics" {
	setup_bundle sh -c 'sleep 1001 & exec sleep 1002'
	update_config '.linux.resources.pids = {limit: 100} | .linux.resources.memory = {limit: 268435456}'
	run_detached "$ID"
	local i
	for ((i = 0; i < 100; i++)); do
		[[ $(<"$(cg_dir "$ID")/pids.current") == 2 ]] && break
		sleep 0.05
	done
	run berth events --stats "$ID"
	assert_success
	assert_equal "${#lines[@]}" 1
	assert_equal "$(jq -r .type <<<"$output")" stats
	[[ $(jq -c .data.pids <<<"$output") == '{"current":2,"limit":100}' ]] ||
		fail "pids: $(jq -c .data.pids <<<"$output"), pids.max holds $(<"$(cg_dir "$ID")/pids.max")"
	assert_equal "$(jq -r .data.memory.usage.limit <<<"$output")" 268435456
	[[ $(jq -r .data.memory.usage.usage <<<"$output") -gt 0 ]] || fail "no memory usage: $output"
	[[ $(jq -r .data.cpu.usage.total <<<"$output") -gt 0 ]] || fail "no cpu usage: $output"
}

@test "v2: kill --all KILL kills init and its child (no PID namespace)" {
	setup_bundle sh -c 'sleep 1001 & exec sleep 1002'
	update_config '.linux.namespaces = [.linux.namespaces[] | select(.type != "pid")]'
	run_detached "$ID"
	local init child i dir
	init=$(container_pid "$ID")
	dir=$(cg_dir "$ID")
	for ((i = 0; i < 100; i++)); do
		child=$(grep -vx "$init" "$dir/cgroup.procs" | head -1)
		[[ -n $child && $(cat "/proc/$init/comm") == sleep ]] && break
		sleep 0.05
	done
	[[ -n $child ]] || fail "no child in $dir/cgroup.procs"
	berth kill --all "$ID" KILL
	wait_gone "$init"
	wait_gone "$child"
	wait_for_status "$ID" stopped
	berth delete "$ID"
	[[ ! -e $dir ]] || fail "$dir is still there after delete"
}

@test "v2: delete removes the cgroup; delete --force of a running container too" {
	setup_bundle true
	run_unpiped berth run --bundle "$BUNDLE" "$ID"
	assert_success
	[[ ! -e /sys/fs/cgroup$(own_parent)/$ID ]] || fail "run left its cgroup behind"

	setup_bundle sleep 1000
	run_detached "$ID"
	local dir
	dir=$(cg_dir "$ID")
	[[ -d $dir ]] || fail "no cgroup $dir"
	berth delete --force "$ID"
	[[ ! -e $dir ]] || fail "$dir is still there after delete --force"
	assert_no_leaks
}

@test "v2: a cgroup namespace shows 0::/ and the container's own read-only cgroup2 mount" {
	run_in_container '
		cat /proc/self/cgroup
		cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max
		cat /sys/fs/cgroup/cgroup.procs
		find /sys/fs/cgroup -mindepth 1 -type d | sed "s/^/subdir: /"
		mkdir /sys/fs/cgroup/sub 2>/dev/null && echo mkdir-ok
		echo 1 2>/dev/null >/sys/fs/cgroup/pids.max && echo write-ok
		grep " /sys/fs/cgroup " /proc/self/mountinfo
		ls /sys/fs/cgroup | head -3 | sed "s/^/ls: /"' \
		'.linux.namespaces += [{type: "cgroup"}] | .linux.resources.memory = {limit: 52428800} | .linux.resources.pids = {limit: 77}'
	assert_success
	assert_line --index 0 "0::/"
	assert_line --index 1 52428800
	assert_line --index 2 77
	assert_line --index 3 1
	refute_line --partial "subdir: "
	refute_line mkdir-ok
	refute_line write-ok
	assert_line --regexp " /sys/fs/cgroup ro,.* - cgroup2 "
}

@test "v2: without a cgroup namespace /sys/fs/cgroup still shows only the container's cgroup" {
	run_in_container '
		cat /proc/self/cgroup
		cat /sys/fs/cgroup/pids.max
		mkdir /sys/fs/cgroup/sub 2>/dev/null && echo mkdir-ok
		grep " /sys/fs/cgroup " /proc/self/mountinfo
		ls /sys/fs/cgroup | head -3 | sed "s/^/ls: /"' \
		'.linux.resources.pids = {limit: 78}'
	assert_success
	assert_line --index 0 "0::$(own_parent)/$ID"
	assert_line --index 1 78
	refute_line mkdir-ok
	assert_line --regexp " /sys/fs/cgroup ro,.* - cgroup2 "
}

@test "v2: an unknown unified key is refused, naming it" {
	update_config '.linux.resources.unified = {"nosuch.knob": "1"}'
	run_unpiped berth create --bundle "$BUNDLE" "$ID"
	assert_one_line_error 'linux.resources.unified' 'nosuch'
	assert_no_leaks
}

@test "v2: a unified file that does not exist for a known controller is refused" {
	update_config '.linux.resources.unified = {"memory.nosuchfile": "1"}'
	run_unpiped berth create --bundle "$BUNDLE" "$ID"
	assert_one_line_error 'linux.resources.unified' 'memory.nosuchfile'
	assert_no_leaks
}

@test "v2: a field whose controller v2 lacks is refused (network.classID: net_cls)" {
	update_config '.linux.resources.network = {classID: 1048577}'
	run_unpiped berth create --bundle "$BUNDLE" "$ID"
	assert_one_line_error linux.resources.network.classID net_cls
	assert_no_leaks
}

@test "v2: a unified key of a controller the host does not offer is refused" {
	local c
	for c in rdma misc hugetlb; do
		grep -qw "$c" /sys/fs/cgroup/cgroup.controllers || break
		c=
	done
	[[ -n $c ]] || skip "VM offers rdma, misc and hugetlb"
	update_config '.linux.resources.unified = {($k): "max"}' --arg k "$c.max"
	run_unpiped berth create --bundle "$BUNDLE" "$ID"
	assert_one_line_error "linux.resources.unified[\"$c.max\"]" "$c controller"
	assert_no_leaks
}
