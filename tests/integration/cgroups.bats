#!/usr/bin/env bats
# cgroups: where a container's cgroup is placed (linux.cgroupsPath absolute, relative, empty),
# that it lives exactly as long as the container, `kill --all` and `delete --force` with
# processes init left behind, the cgroup namespace, and the container's view of /sys/fs/cgroup.
#
# Written for a cgroup v1 (or hybrid) host; the VM suite covers pure v2.

load helpers

setup() {
	berth_setup
	cgroup_v1_host || skip "needs cgroup v1 hierarchies (this host: $(stat -fc %T /sys/fs/cgroup))"
	# The parent of the cgroupsPaths these tests choose; named after no container ID, so the
	# leak check does not see it, and removed by the teardown (the runtime removes only the
	# container's own).
	CG_PARENT=berth-bats-$$-${BATS_SUITE_TEST_NUMBER:-$BATS_TEST_NUMBER}
}

teardown() {
	local rc=0
	cleanup_berth || rc=$?
	remove_cg_parent || rc=1
	return "$rc"
}

# remove_cg_parent removes $CG_PARENT wherever a test made it: at the root of each hierarchy
# (absolute paths) and below the caller's cgroup (relative ones), which may lie deeper than
# /sys/fs/cgroup/*/* (memory/process_api/<id> on the CI host; it leaked there).
remove_cg_parent() {
	find /sys/fs/cgroup -mindepth 2 -maxdepth 8 -type d -name "$CG_PARENT" -prune \
		-exec rmdir {} + 2>/dev/null || true
	if find /sys/fs/cgroup -mindepth 2 -maxdepth 8 -type d -name "$CG_PARENT" 2>/dev/null | grep -q .; then
		echo "teardown: $CG_PARENT left in the cgroup tree" >&2
		return 1
	fi
}

# cgroup_v1_host: /sys/fs/cgroup holds v1 hierarchies (a tmpfs of them, not cgroup2 itself).
cgroup_v1_host() {
	[[ $(stat -fc %T /sys/fs/cgroup) == tmpfs ]] && grep -q ' - cgroup ' /proc/self/mountinfo
}

# v1_hierarchies PID: "CONTROLLERS PATH" for every v1 hierarchy of PID that is mounted on the
# host (this host binds hugetlb to a hierarchy nobody mounted: nothing can be placed there).
v1_hierarchies() {
	local ctrls path
	while IFS=: read -r _ ctrls path; do
		[[ -n $ctrls ]] || continue # the cgroup2 line
		[[ -n $(hierarchy_mount "$ctrls") ]] || continue
		echo "$ctrls $path"
	done <"/proc/$1/cgroup"
}

# hierarchy_mount CONTROLLERS: the host mount point of the v1 hierarchy with exactly these
# controllers ("cpu,cpuacct", "name=systemd"), from the super options in mountinfo.
hierarchy_mount() {
	awk -v want="$1" '
		# set(list, s): the controllers of a comma list, without the options that are no controller.
		function set(list, s,   n, a, i, count) {
			n = split(list, a, ",")
			count = 0
			for (i = 1; i <= n; i++) {
				if (a[i] == "rw" || a[i] == "ro" || a[i] ~ /^release_agent=/ || a[i] == "clone_children" ||
					a[i] == "noprefix" || a[i] == "xattr" || a[i] == "cpuset_v2_mode") continue
				s[a[i]] = 1
				count++
			}
			return count
		}
		BEGIN { nwant = set(want, w) }
		{
			for (i = 7; $i != "-"; i++);
			if ($(i + 1) != "cgroup") next
			split("", got)
			if (set($(i + 3), got) != nwant) next
			for (c in w) if (!(c in got)) next
			print $5
			exit
		}' /proc/self/mountinfo
}

# container_cgroup_dirs PID: the host directory of PID's cgroup in every mounted v1 hierarchy.
container_cgroup_dirs() {
	local ctrls path
	while read -r ctrls path; do
		echo "$(hierarchy_mount "$ctrls")$path"
	done < <(v1_hierarchies "$1")
}

# own_cgroup CONTROLLERS: this shell's cgroup in a hierarchy, "" for the root (so that
# "$(own_cgroup x)/sub" is a path).
own_cgroup() {
	local ctrls path
	while IFS=: read -r _ ctrls path; do
		[[ $ctrls == "$1" ]] || continue
		[[ $path == / ]] && path=
		echo "$path"
	done </proc/self/cgroup
}

# assert_placed PID EXPECT_ABS|EXPECT_REL PATH: PID sits in PATH of every mounted v1 hierarchy,
# absolute (below each hierarchy's root) or relative (below this shell's own cgroup in each).
assert_placed() {
	local pid=$1 kind=$2 want=$3 ctrls path n=0 expect
	while read -r ctrls path; do
		if [[ $kind == abs ]]; then
			expect=$want
		else
			expect=$(own_cgroup "$ctrls")/$want
		fi
		[[ $path == "$expect" ]] || fail "hierarchy $ctrls: init is in '$path', want '$expect'"
		grep -qx "$pid" "$(hierarchy_mount "$ctrls")$path/cgroup.procs" ||
			fail "hierarchy $ctrls: $pid is not in $path/cgroup.procs"
		n=$((n + 1))
	done < <(v1_hierarchies "$pid")
	# cpu, cpuacct, cpuset, memory, devices, freezer, blkio, pids at least.
	[[ $n -ge 8 ]] || fail "init is in only $n mounted v1 hierarchies: $(cat "/proc/$pid/cgroup")"
}

# assert_dirs_gone DIR...: none of DIR exists any more.
assert_dirs_gone() {
	local d
	for d in "$@"; do
		[[ ! -e $d ]] || fail "cgroup $d is still there"
	done
}

# wait_gone PID [TIMEOUT_SECONDS]: wait until PID has exited (a zombie counts: see process_gone).
wait_gone() {
	local i
	for ((i = 0; i < ${2:-5} * 20; i++)); do
		process_gone "$1" && return 0
		sleep 0.05
	done
	fail "process $1 ($(cat "/proc/$1/comm" 2>/dev/null)) still alive"
}

# without_pid_namespace: the container shares the host's PID namespace.
without_pid_namespace() {
	update_config '.linux.namespaces = [.linux.namespaces[] | select(.type != "pid")]'
}

# start_forking_container ID: a container (no PID namespace) whose init forks a background
# `sleep 1001` and then becomes `sleep 1002`. Sets INIT_PID and CHILD_PID (host PIDs).
start_forking_container() {
	setup_bundle sh -c 'sleep 1001 & exec sleep 1002'
	without_pid_namespace
	run_detached "$1"
	INIT_PID=$(container_pid "$1")
	local i procs
	for ((i = 0; i < 100; i++)); do
		procs=$(cat "$(hierarchy_mount pids)$(own_cgroup pids)/$1/cgroup.procs")
		CHILD_PID=$(grep -vx "$INIT_PID" <<<"$procs" | head -1)
		[[ -n $CHILD_PID && $(cat "/proc/$INIT_PID/comm") == sleep ]] && return 0
		sleep 0.05
	done
	fail "the container's background child did not appear: $procs"
}

@test "init sits in the container's cgroup in every mounted v1 hierarchy (empty cgroupsPath: <own>/ID)" {
	setup_bundle sleep 1000
	run_detached "$ID"
	local pid
	pid=$(container_pid "$ID")
	# No cgroupsPath: the relative path "ID", below the caller's cgroup in each hierarchy (the
	# memory hierarchy of this host puts the caller below /process_api/...).
	assert_placed "$pid" rel "$ID"
}

@test "on a hybrid host init joins the container's cgroup in the cgroup2 hierarchy too" {
	[[ $(stat -fc %T /sys/fs/cgroup/unified 2>/dev/null) == cgroup2fs ]] ||
		skip "not a hybrid host: no cgroup2 at /sys/fs/cgroup/unified"
	setup_bundle sleep 1000
	run_detached "$ID"
	local pid own want
	pid=$(container_pid "$ID")
	own=$(sed -n 's/^0:://p' /proc/self/cgroup)
	want=${own%/}/$ID
	# runc 1.1.5 puts init there; systemd on a hybrid host tracks processes by this hierarchy.
	[[ -d /sys/fs/cgroup/unified$want ]] || fail "no cgroup /sys/fs/cgroup/unified$want"
	run grep '^0::' "/proc/$pid/cgroup"
	assert_output "0::$want"
}

@test "an explicitly empty cgroupsPath is the relative path ID" {
	setup_bundle sleep 1000
	update_config '.linux.cgroupsPath = ""'
	run_detached "$ID"
	assert_placed "$(container_pid "$ID")" rel "$ID"
}

@test "an absolute cgroupsPath is taken below the root of every hierarchy" {
	setup_bundle sleep 1000
	update_config '.linux.cgroupsPath = $p' --arg p "/$CG_PARENT/$ID"
	run_detached "$ID"
	local pid dirs
	pid=$(container_pid "$ID")
	assert_placed "$pid" abs "/$CG_PARENT/$ID"
	mapfile -t dirs < <(container_cgroup_dirs "$pid")
	berth delete --force "$ID"
	assert_dirs_gone "${dirs[@]}"
}

@test "a relative cgroupsPath is taken below the caller's cgroup in each hierarchy" {
	setup_bundle sleep 1000
	update_config '.linux.cgroupsPath = $p' --arg p "$CG_PARENT/$ID"
	run_detached "$ID"
	assert_placed "$(container_pid "$ID")" rel "$CG_PARENT/$ID"
}

@test "a cgroupsPath with .. stays inside the hierarchy" {
	setup_bundle sleep 1000
	update_config '.linux.cgroupsPath = $p' --arg p "/../../$CG_PARENT/../$CG_PARENT/$ID"
	run_detached "$ID"
	assert_placed "$(container_pid "$ID")" abs "/$CG_PARENT/$ID"
}

@test "the cgroup lives from create to delete" {
	setup_bundle sleep 1000
	create_container "$ID"
	local pid dirs d
	pid=$(container_pid "$ID")
	mapfile -t dirs < <(container_cgroup_dirs "$pid")
	[[ ${#dirs[@]} -ge 8 ]] || fail "only ${#dirs[@]} cgroup directories: ${dirs[*]}"
	# Created and joined before init runs the user's program: create alone is enough.
	for d in "${dirs[@]}"; do
		[[ -d $d ]] || fail "$d is missing after create"
		grep -qx "$pid" "$d/cgroup.procs" || fail "init $pid is not in $d"
	done
	berth start "$ID"
	wait_for_status "$ID" running
	berth kill "$ID" KILL
	wait_for_status "$ID" stopped
	# Stopped but not deleted: the (empty) cgroup is still the container's.
	for d in "${dirs[@]}"; do
		[[ -d $d ]] || fail "$d vanished before delete"
	done
	berth delete "$ID"
	assert_dirs_gone "${dirs[@]}"
}

@test "delete --force of a running container removes its cgroup" {
	setup_bundle sleep 1000
	run_detached "$ID"
	local pid dirs
	pid=$(container_pid "$ID")
	mapfile -t dirs < <(container_cgroup_dirs "$pid")
	berth delete --force "$ID"
	wait_gone "$pid"
	assert_dirs_gone "${dirs[@]}"
	assert_no_leaks
}

@test "a failed create (missing program) leaves no cgroup" {
	setup_bundle /nonexistent/program
	run_unpiped berth create --bundle "$BUNDLE" "$ID"
	assert_failure
	[[ -n $(_recorded_ids) ]] || fail "the container ID was not recorded for the leak check"
	assert_no_leaks
	run_unpiped berth state "$ID"
	assert_failure
}

@test "kill --all KILL kills init and the child it forked (no PID namespace)" {
	start_forking_container "$ID"
	[[ $(cat "/proc/$CHILD_PID/comm") == sleep ]] || fail "child $CHILD_PID is not the sleep"
	berth kill --all "$ID" KILL
	wait_gone "$INIT_PID"
	wait_gone "$CHILD_PID"
	wait_for_status "$ID" stopped
	berth delete "$ID"
	assert_no_leaks
}

@test "kill --all TERM reaches every process of the cgroup (no PID namespace)" {
	start_forking_container "$ID"
	berth kill --all "$ID" TERM
	wait_gone "$INIT_PID"
	wait_gone "$CHILD_PID"
}

@test "delete --force kills what init left behind and removes the cgroup (no PID namespace)" {
	start_forking_container "$ID"
	local dirs
	mapfile -t dirs < <(container_cgroup_dirs "$INIT_PID")
	berth delete --force "$ID"
	wait_gone "$INIT_PID"
	wait_gone "$CHILD_PID"
	assert_dirs_gone "${dirs[@]}"
	assert_no_leaks
}

# delete_after_init_died [FLAG...]: init of a container without a PID namespace dies while its
# child lives on; `berth delete FLAG... ID` of the stopped container must kill the child and
# remove the cgroup. Not a timing: a hang check. A delete that waits for the child to leave
# before killing it takes ~1 s per v1 hierarchy (the cgroup library retries EBUSY), 10-20 s
# here; runc takes 0.02 s.
delete_after_init_died() {
	start_forking_container "$ID"
	local dirs
	mapfile -t dirs < <(container_cgroup_dirs "$INIT_PID")
	# Only init dies: the container is stopped, its cgroup still holds the child.
	kill -KILL "$INIT_PID"
	wait_for_status "$ID" stopped
	process_gone "$CHILD_PID" && fail "the child died with init: nothing left to test"
	run timeout 5 "$BERTH_BIN" --root "$BERTH_ROOT" delete "$@" "$ID"
	[[ $status -ne 124 ]] || fail "delete still waiting after 5 s"
	assert_success
	wait_gone "$CHILD_PID"
	assert_dirs_gone "${dirs[@]}"
	assert_no_leaks
}

@test "delete --force of a stopped container whose child outlived init (no PID namespace)" {
	delete_after_init_died --force
}

@test "delete of a stopped container whose child outlived init (no PID namespace)" {
	delete_after_init_died
}

@test "a cgroup namespace shows / as the cgroup in every hierarchy" {
	setup_bundle cat /proc/self/cgroup
	update_config '.linux.namespaces += [{type: "cgroup"}]'
	run_unpiped berth run --bundle "$BUNDLE" "$ID"
	assert_success
	local line n=0
	for line in "${lines[@]}"; do
		[[ $line == *:/ ]] || fail "inside a cgroup namespace: '$line', want the path /; got: $output"
		n=$((n + 1))
	done
	[[ $n -ge 8 ]] || fail "want one line per hierarchy, got: $output"
}

@test "without a cgroup namespace /proc/self/cgroup shows the host path" {
	setup_bundle cat /proc/self/cgroup
	run_unpiped berth run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_line --regexp "^[0-9]+:pids:$(own_cgroup pids)/$ID\$"
	assert_line --regexp "^[0-9]+:memory:$(own_cgroup memory)/$ID\$"
}

# check_cgroup_mount: the in-container script for the two tests below: the memory hierarchy at
# /sys/fs/cgroup/memory is the container's own cgroup (its limit, no sub-cgroups of others, init
# in its cgroup.procs) and read-only.
check_cgroup_mount() {
	setup_bundle sh -c '
		cat /sys/fs/cgroup/memory/memory.limit_in_bytes
		cat /sys/fs/cgroup/pids/pids.max
		grep -qx 1 /sys/fs/cgroup/pids/cgroup.procs && echo init-listed
		find /sys/fs/cgroup/memory -mindepth 1 -type d | sed "s/^/subdir: /"
		for c in memory pids cpu devices freezer; do
			mkdir /sys/fs/cgroup/$c/sub 2>/dev/null && echo "mkdir $c: ok"
			echo 1 2>/dev/null >/sys/fs/cgroup/$c/notify_on_release && echo "write $c: ok"
		done
		grep " /sys/fs/cgroup/" /proc/self/mountinfo | sed "s/^/mount: /"'
	update_config '.linux.resources.memory = {limit: 52428800} | .linux.resources.pids = {limit: 77}'
}

assert_cgroup_mount_output() {
	assert_success
	assert_line --index 0 52428800
	assert_line --index 1 77
	assert_line --index 2 init-listed
	refute_line --partial 'subdir: '
	refute_line --regexp ': ok$'
	local line n=0
	for line in "${lines[@]}"; do
		[[ $line == mount:* ]] || continue
		[[ $line == *" - cgroup "* ]] || fail "not a cgroup mount below /sys/fs/cgroup: $line"
		[[ $(awk '{ print $7 }' <<<"$line") == ro,* ]] || fail "a cgroup hierarchy mounted writable: $line"
		n=$((n + 1))
	done
	[[ $n -ge 8 ]] || fail "want every v1 hierarchy below /sys/fs/cgroup, got $n: $output"
}

@test "/sys/fs/cgroup shows only the container's own cgroup, read-only" {
	check_cgroup_mount
	run_unpiped berth run --bundle "$BUNDLE" "$ID"
	assert_cgroup_mount_output
}

@test "/sys/fs/cgroup in a cgroup namespace shows the container's own cgroup, read-only" {
	check_cgroup_mount
	update_config '.linux.namespaces += [{type: "cgroup"}]'
	run_unpiped berth run --bundle "$BUNDLE" "$ID"
	assert_cgroup_mount_output
}

@test "a process cannot leave the container's cgroup through cgroup.procs or tasks" {
	# Every way in reach: the mounted files, their parent through "..", and a remount rw (which
	# needs CAP_SYS_ADMIN, which the default capabilities lack).
	setup_bundle sh -c '
		for f in /sys/fs/cgroup/*/cgroup.procs /sys/fs/cgroup/*/tasks \
			/sys/fs/cgroup/*/../cgroup.procs /sys/fs/cgroup/*/../../cgroup.procs; do
			echo $$ 2>/dev/null >"$f" && echo "wrote $f"
		done
		mount -o remount,rw /sys/fs/cgroup/memory 2>/dev/null && echo remounted
		echo done-trying
		exec sleep 1000'
	run_detached "$ID"
	local pid i
	pid=$(container_pid "$ID")
	for ((i = 0; i < 100; i++)); do
		grep -q done-trying "$BATS_TEST_TMPDIR/$ID.log" && break
		sleep 0.05
	done
	run cat "$BATS_TEST_TMPDIR/$ID.log"
	assert_output done-trying
	assert_placed "$pid" rel "$ID"
}

@test "the cgroup of a container is gone after it exits and is deleted (run in the foreground)" {
	setup_bundle sh -c 'cat /proc/self/cgroup'
	run_unpiped berth run --bundle "$BUNDLE" "$ID"
	assert_success
	local line ctrls path mnt
	for line in "${lines[@]}"; do
		IFS=: read -r _ ctrls path <<<"$line"
		[[ -n $ctrls ]] || continue
		mnt=$(hierarchy_mount "$ctrls")
		[[ -n $mnt ]] || continue
		[[ $path == */$ID ]] || fail "$ctrls: $path is not the container's cgroup"
		assert_dirs_gone "$mnt$path"
	done
}
