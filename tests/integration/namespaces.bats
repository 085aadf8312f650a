#!/usr/bin/env bats
# Namespaces: each kind created new (the container sees its own), and each kind joined by path
# (the container shares a holder process's namespace).

load helpers

setup() {
	berth_setup
}

teardown() {
	cleanup_berth
}

# ns_link KIND [PID]: the namespace link of PID (default: this shell), e.g. "net:[4026531840]".
ns_link() {
	readlink "/proc/${2:-$$}/ns/$1"
}

# start_ns_holder UNSHARE_OPTIONS... [-- SNIPPET]: start `unshare OPTIONS sh -c 'SNIPPET; exec
# sleep 1000'` in the background and set HOLDER_PID to the sleep (with --fork, unshare's child).
# The teardown kills it; with --fork pass --kill-child too so the child dies with unshare.
start_ns_holder() {
	local opts=() snippet=: pid i
	while [[ $# -gt 0 && $1 != -- ]]; do
		opts+=("$1")
		shift
	done
	[[ ${1:-} == -- ]] && snippet=$2
	unshare "${opts[@]}" sh -c "$snippet; exec sleep 1000" \
		</dev/null >"$BATS_TEST_TMPDIR/holder.log" 2>&1 3>&- &
	pid=$!
	echo "$pid" >>"$BERTH_PIDS_FILE"
	for ((i = 0; i < 100; i++)); do
		HOLDER_PID=$pid
		if [[ $(cat "/proc/$pid/comm" 2>/dev/null) == unshare ]]; then
			HOLDER_PID=$(cat "/proc/$pid/task/$pid/children" 2>/dev/null | awk '{ print $1 }')
		fi
		[[ -n $HOLDER_PID && $(cat "/proc/$HOLDER_PID/comm" 2>/dev/null) == sleep ]] && return 0
		sleep 0.05
	done
	fail "namespace holder did not start: $(cat "$BATS_TEST_TMPDIR/holder.log")"
}

# set_namespace TYPE [PATH]: make linux.namespaces hold TYPE (new, or joined at PATH).
set_namespace() {
	if [[ -n ${2:-} ]]; then
		update_config '.linux.namespaces = [.linux.namespaces[] | select(.type != $t)]
			+ [{type: $t, path: $p}]' --arg t "$1" --arg p "$2"
	else
		update_config '.linux.namespaces = [.linux.namespaces[] | select(.type != $t)]
			+ [{type: $t}]' --arg t "$1"
	fi
}

@test "pid namespace: the process is PID 1 and sees no host process" {
	setup_bundle sh -c 'echo "pid=$$"; ps -o pid,comm | tail -n +2'
	set_namespace pid
	run_container
	assert_success
	assert_line --index 0 "pid=1"
	assert_line --index 1 --regexp '^ +1 +sh$'
	# Only sh, ps and tail: three processes, all with tiny PIDs.
	assert_equal "${#lines[@]}" 4
	local line
	for line in "${lines[@]:1}"; do
		[[ $(awk '{ print $1 }' <<<"$line") -le 10 ]] || fail "a host-like PID: $line"
	done
}

@test "uts namespace: hostname comes from the config and the host's is untouched" {
	local host_name
	host_name=$(hostname)
	setup_bundle hostname
	set_namespace uts
	update_config '.hostname = "ns-test-host"'
	run_container
	assert_success
	assert_output "ns-test-host"
	assert_equal "$(hostname)" "$host_name"
}

@test "ipc namespace: a new one, empty of the host's message queues" {
	local key
	# A System V message queue on the host must not be visible inside.
	key=$(ipcmk -Q | awk '{ print $NF }')
	setup_bundle sh -c 'readlink /proc/self/ns/ipc; cat /proc/sysvipc/msg | wc -l'
	set_namespace ipc
	run_container
	ipcrm -q "$(ipcs -q | awk -v k="$key" '$1 == k { print $2 }')" || true
	assert_success
	[[ ${lines[0]} == ipc:* && ${lines[0]} != "$(ns_link ipc)" ]] ||
		fail "ipc namespace '${lines[0]}' is not new (host: $(ns_link ipc))"
	# Only the header line of /proc/sysvipc/msg.
	assert_line --index 1 1
}

@test "network namespace: only lo exists" {
	setup_bundle sh -c 'ls /sys/class/net; readlink /proc/self/ns/net'
	set_namespace network
	run_container
	assert_success
	assert_line --index 0 lo
	assert_equal "${#lines[@]}" 2
	[[ ${lines[1]} != "$(ns_link net)" ]] || fail "network namespace is the host's"
}

@test "mount namespace: the container's mounts do not show on the host" {
	setup_bundle sh -c 'readlink /proc/self/ns/mnt; cut -d" " -f5 /proc/self/mountinfo'
	set_namespace mount
	run_container
	assert_success
	[[ ${lines[0]} == mnt:* && ${lines[0]} != "$(ns_link mnt)" ]] ||
		fail "mount namespace '${lines[0]}' is not new"
	# Inside, the rootfs is "/" and no host path is a mount point.
	assert_line --index 1 /
	refute_line --partial "$BATS_TEST_TMPDIR"
	# Nothing of the container's rootfs is mounted in the host's namespace once it is gone.
	run grep -F "$BUNDLE" /proc/self/mountinfo
	assert_failure
}

@test "cgroup namespace: /proc/self/cgroup shows the root of every hierarchy" {
	setup_bundle cat /proc/self/cgroup
	set_namespace cgroup
	run_container
	assert_success
	[[ ${#lines[@]} -gt 0 ]] || fail "empty /proc/self/cgroup"
	local line
	for line in "${lines[@]}"; do
		[[ $line == *:/ ]] || fail "cgroup line '$line' is not at the namespace root"
	done
}

@test "no cgroup namespace: /proc/self/cgroup shows the host's paths" {
	setup_bundle cat /proc/self/cgroup
	update_config '.linux.namespaces = [.linux.namespaces[] | select(.type != "cgroup")]'
	run_container
	assert_success
	# The container's own cgroup is named after it (or nested below ours), never the root.
	assert_output --regexp ':/.+'
}

@test "user namespace: uidMappings and gidMappings show in uid_map and gid_map" {
	setup_bundle sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id -u; readlink /proc/self/ns/user'
	set_namespace user
	update_config ".linux.uidMappings = $USERNS_MAP | .linux.gidMappings = $USERNS_MAP"
	# Container root is host uid 100000: give it the rootfs, as a real user-namespaced bundle has.
	allow_userns_traversal
	run_container
	assert_success
	assert_line --index 0 --regexp '^ +0 +100000 +65536$'
	assert_line --index 1 --regexp '^ +0 +100000 +65536$'
	assert_line --index 2 0
	[[ ${lines[3]} != "$(ns_link user)" ]] || fail "user namespace is the host's"
}

@test "time namespace: linux.timeOffsets shift monotonic and boottime clocks" {
	# runc 1.1 has no time namespace support (it came in runc 1.2).
	requires_berth
	setup_bundle sh -c 'cat /proc/self/timens_offsets; cut -d. -f1 /proc/uptime'
	set_namespace time
	update_config '.linux.timeOffsets = {monotonic: {secs: 86400, nanosecs: 0},
		boottime: {secs: 864000, nanosecs: 0}}'
	# The host's uptime is read first: read after, it can be a second later than the
	# container's (whole seconds) and make a correct shift look short by one.
	local host_uptime
	host_uptime=$(cut -d. -f1 /proc/uptime)
	run_container
	assert_success
	assert_line --regexp '^monotonic +86400 +0$'
	assert_line --regexp '^boottime +864000 +0$'
	[[ ${lines[2]} -ge $((host_uptime + 864000)) ]] ||
		fail "uptime ${lines[2]} is not shifted by 864000 s (host: $host_uptime)"
}

@test "uts, network and ipc namespaces joined by path are the holder's" {
	start_ns_holder --uts --net --ipc -- 'hostname holder-host'
	setup_bundle sh -c 'hostname; for ns in net ipc uts; do readlink /proc/self/ns/$ns; done'
	set_namespace uts "/proc/$HOLDER_PID/ns/uts"
	set_namespace network "/proc/$HOLDER_PID/ns/net"
	set_namespace ipc "/proc/$HOLDER_PID/ns/ipc"
	# A joined UTS namespace keeps its hostname: the config must not set one.
	update_config 'del(.hostname)'
	run_container
	assert_success
	assert_line --index 0 holder-host
	assert_line --index 1 "$(ns_link net "$HOLDER_PID")"
	assert_line --index 2 "$(ns_link ipc "$HOLDER_PID")"
	assert_line --index 3 "$(ns_link uts "$HOLDER_PID")"
	[[ $(ns_link net "$HOLDER_PID") != "$(ns_link net)" ]] || fail "holder has the host's netns"
}

@test "pid namespace joined by path: the process is not PID 1 and sees the holder" {
	start_ns_holder --pid --fork --kill-child --mount-proc
	setup_bundle sh -c 'echo "pid=$$"; readlink /proc/self/ns/pid; ps -o pid,comm | tail -n +2'
	set_namespace pid "/proc/$HOLDER_PID/ns/pid"
	run_container
	assert_success
	refute_line --index 0 "pid=1"
	assert_line --index 1 "$(ns_link pid "$HOLDER_PID")"
	# The holder's sleep is PID 1 of that namespace.
	assert_line --regexp '^ +1 +sleep$'
}

@test "cgroup namespace joined by path is the holder's" {
	start_ns_holder --cgroup
	setup_bundle readlink /proc/self/ns/cgroup
	set_namespace cgroup "/proc/$HOLDER_PID/ns/cgroup"
	run_container
	assert_success
	assert_output "$(ns_link cgroup "$HOLDER_PID")"
}

@test "user namespace joined by path: the holder's mappings apply" {
	start_ns_holder --user
	echo "0 100000 65536" >"/proc/$HOLDER_PID/uid_map"
	echo "0 100000 65536" >"/proc/$HOLDER_PID/gid_map"
	setup_bundle sh -c 'readlink /proc/self/ns/user; cat /proc/self/uid_map; id -u'
	allow_userns_traversal
	set_namespace user "/proc/$HOLDER_PID/ns/user"
	# runc 1.1 insists on mappings even for a joined user namespace; give the holder's own.
	update_config ".linux.uidMappings = $USERNS_MAP | .linux.gidMappings = $USERNS_MAP"
	run_container
	assert_success
	assert_line --index 0 "$(ns_link user "$HOLDER_PID")"
	assert_line --index 1 --regexp '^ +0 +100000 +65536$'
	assert_line --index 2 0
}

@test "user namespace joined by path needs no uidMappings in the config" {
	# runc 1.1 refuses this ("no uid mappings found"); the spec does not ask for mappings when
	# the namespace already exists, and runc 1.2 accepts it.
	requires_berth
	start_ns_holder --user
	echo "0 100000 65536" >"/proc/$HOLDER_PID/uid_map"
	echo "0 100000 65536" >"/proc/$HOLDER_PID/gid_map"
	setup_bundle sh -c 'readlink /proc/self/ns/user; cat /proc/self/uid_map'
	allow_userns_traversal
	set_namespace user "/proc/$HOLDER_PID/ns/user"
	update_config 'del(.linux.uidMappings, .linux.gidMappings)'
	run_container
	assert_success
	assert_line --index 0 "$(ns_link user "$HOLDER_PID")"
	assert_line --index 1 --regexp '^ +0 +100000 +65536$'
}

@test "mount namespace joined by path: the container runs in the holder's mount namespace" {
	start_ns_holder --mount --propagation private
	setup_bundle readlink /proc/self/ns/mnt
	set_namespace mount "/proc/$HOLDER_PID/ns/mnt"
	run_container
	assert_success
	assert_output "$(ns_link mnt "$HOLDER_PID")"
	# Whatever the container mounted stays in the holder's namespace, never in ours.
	run grep -F "$BUNDLE" /proc/self/mountinfo
	assert_failure
}
