#!/usr/bin/env bats
# bats file_tags=vm
# The systemd cgroup driver (`berth --systemd-cgroup`), in the test VM where systemd is PID 1:
# the container becomes a transient scope unit, its resources are unit properties as well as
# cgroup files, later commands find the driver in the state without the flag, and delete stops
# the unit. Outside the VM these skip.

load helpers

setup() {
	berth_setup
	[[ ${BERTH_IN_VM:-} == 1 ]] || skip "runs only in the test VM (make test-vm)"
	[[ $(cat /proc/1/comm) == systemd ]] || fail "the test VM must run systemd as PID 1"
	UNIT=berth-$ID.scope
	setup_bundle sleep 1000
	update_config '.linux.cgroupsPath = $p' --arg p "system.slice:berth:$ID"
}

teardown() {
	cleanup_berth
}

# sd_berth ARGS...: berth with the systemd driver.
sd_berth() {
	berth --systemd-cgroup "$@"
}

# sd_run_detached ID: `run --detach` with the systemd driver, stdio as run_detached.
sd_run_detached() {
	sd_berth run --detach --bundle "$BUNDLE" "$1" </dev/null >"$BATS_TEST_TMPDIR/$1.log" 2>&1 3>&- ||
		fail "run --detach $1 failed: $(cat "$BATS_TEST_TMPDIR/$1.log")"
}

# unit_prop UNIT PROPERTY: the value of a unit property (systemctl show --value).
unit_prop() {
	systemctl show --value -p "$2" "$1"
}

# assert_unit_gone UNIT: the unit is not active any more and its cgroup is gone.
assert_unit_gone() {
	local state i
	for ((i = 0; i < 100; i++)); do
		state=$(unit_prop "$1" ActiveState)
		[[ $state == inactive || $state == failed ]] && break
		sleep 0.05
	done
	[[ $state == inactive ]] || fail "$1 is $state after delete, want inactive (or unknown)"
	[[ ! -e /sys/fs/cgroup/system.slice/$1 ]] || fail "/sys/fs/cgroup/system.slice/$1 is still there"
}

@test "systemd: run makes the scope berth-ID.scope in system.slice, and init is in it" {
	sd_run_detached "$ID"
	run systemctl is-active "$UNIT"
	assert_output active
	run systemctl status --no-pager "$UNIT"
	assert_success
	assert_output --partial "$UNIT"
	run unit_prop "$UNIT" ControlGroup
	assert_output "/system.slice/$UNIT"
	local pid
	pid=$(container_pid "$ID")
	run cat "/proc/$pid/cgroup"
	assert_output "0::/system.slice/$UNIT"
	run cat "/sys/fs/cgroup/system.slice/$UNIT/cgroup.procs"
	assert_output "$pid"
}

@test "systemd: create puts init in the scope before start" {
	sd_berth create --bundle "$BUNDLE" "$ID" </dev/null >"$BATS_TEST_TMPDIR/$ID.log" 2>&1 3>&- ||
		fail "create failed: $(cat "$BATS_TEST_TMPDIR/$ID.log")"
	assert_equal "$(container_status "$ID")" created
	run cat "/proc/$(container_pid "$ID")/cgroup"
	assert_output "0::/system.slice/$UNIT"
	sd_berth start "$ID"
	assert_equal "$(container_status "$ID")" running
}

@test "systemd: resources become unit properties and cgroup files" {
	update_config '.linux.resources.memory = {limit: 67108864} | .linux.resources.pids = {limit: 42}
		| .linux.resources.cpu = {quota: 50000, period: 100000, shares: 2048}'
	sd_run_detached "$ID"
	run unit_prop "$UNIT" MemoryMax
	assert_output 67108864
	run unit_prop "$UNIT" TasksMax
	assert_output 42
	run unit_prop "$UNIT" CPUQuotaPerSecUSec
	assert_output 500ms
	local dir=/sys/fs/cgroup/system.slice/$UNIT
	assert_equal "$(<"$dir/memory.max")" 67108864
	assert_equal "$(<"$dir/pids.max")" 42
	assert_equal "$(<"$dir/cpu.max")" "50000 100000"
	assert_equal "$(<"$dir/cpu.weight")" 174
}

@test "systemd: unified key/values are applied" {
	# Numbers only: the systemd driver turns them into unit properties, and its parser takes no
	# suffix ("50M" is refused there, while the cgroupfs driver hands it to the kernel).
	update_config '.linux.resources.unified = {"memory.high": "52428800", "pids.max": "31"}'
	sd_run_detached "$ID"
	local dir=/sys/fs/cgroup/system.slice/$UNIT
	assert_equal "$(<"$dir/memory.high")" 52428800
	assert_equal "$(<"$dir/pids.max")" 31
}

@test "systemd: update without --systemd-cgroup uses the driver the container was made with" {
	update_config '.linux.resources.memory = {limit: 67108864}'
	sd_run_detached "$ID"
	run berth update --memory 128m --pids-limit 50 "$ID"
	assert_success
	local dir=/sys/fs/cgroup/system.slice/$UNIT
	assert_equal "$(<"$dir/memory.max")" 134217728
	assert_equal "$(<"$dir/pids.max")" 50
	# Through systemd, not only the files: a daemon-reload would otherwise undo the update.
	run unit_prop "$UNIT" MemoryMax
	assert_output 134217728
	run unit_prop "$UNIT" TasksMax
	assert_output 50
	systemctl daemon-reload
	assert_equal "$(<"$dir/memory.max")" 134217728
}

@test "systemd: pause and resume freeze and thaw the scope" {
	sd_run_detached "$ID"
	local dir=/sys/fs/cgroup/system.slice/$UNIT
	berth pause "$ID"
	assert_equal "$(container_status "$ID")" paused
	run grep -x "frozen 1" "$dir/cgroup.events"
	assert_success
	berth resume "$ID"
	assert_equal "$(container_status "$ID")" running
	run grep -x "frozen 0" "$dir/cgroup.events"
	assert_success
}

@test "systemd: exec joins the container's scope" {
	sd_run_detached "$ID"
	run berth exec "$ID" cat /proc/self/cgroup
	assert_success
	assert_output "0::/system.slice/$UNIT"
}

@test "systemd: kill and delete stop the scope and remove its cgroup" {
	sd_run_detached "$ID"
	berth kill "$ID" KILL
	wait_for_status "$ID" stopped
	berth delete "$ID"
	assert_unit_gone "$UNIT"
	assert_no_leaks
}

@test "systemd: delete --force of a running container stops the scope" {
	sd_run_detached "$ID"
	berth delete --force "$ID"
	assert_unit_gone "$UNIT"
	assert_no_leaks
}

@test "systemd: run in the foreground leaves no scope behind" {
	setup_bundle cat /proc/self/cgroup
	update_config '.linux.cgroupsPath = $p' --arg p "system.slice:berth:$ID"
	run_unpiped sd_berth run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output "0::/system.slice/$UNIT"
	assert_unit_gone "$UNIT"
}

@test "systemd: an empty cgroupsPath makes berth-ID.scope in system.slice" {
	update_config 'del(.linux.cgroupsPath)'
	sd_run_detached "$ID"
	run unit_prop "$UNIT" ControlGroup
	assert_output "/system.slice/$UNIT"
	run cat "/proc/$(container_pid "$ID")/cgroup"
	assert_output "0::/system.slice/$UNIT"
}

@test "systemd: a scope in another slice, which systemd makes" {
	local slice=berthbats$$.slice
	update_config '.linux.cgroupsPath = $p' --arg p "$slice:berth:$ID"
	sd_run_detached "$ID"
	run unit_prop "$UNIT" ControlGroup
	assert_output "/$slice/$UNIT"
	berth delete --force "$ID"
	systemctl stop "$slice" || true
}

@test "systemd: a cgroupsPath not of the form slice:prefix:name is refused" {
	update_config '.linux.cgroupsPath = "/not/a/slice"'
	run_unpiped sd_berth create --bundle "$BUNDLE" "$ID"
	assert_one_line_error linux.cgroupsPath slice:prefix:name
	assert_no_leaks
}

@test "systemd: a failed create leaves no scope" {
	setup_bundle /nonexistent/program
	update_config '.linux.cgroupsPath = $p' --arg p "system.slice:berth:$ID"
	run_unpiped sd_berth create --bundle "$BUNDLE" "$ID"
	assert_failure
	assert_unit_gone "$UNIT"
	assert_no_leaks
}
