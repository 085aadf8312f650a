#!/usr/bin/env bats
# A cgroupsPath that names an existing, frozen cgroup: init placed there would be frozen before
# it could report anything, and create would wait for it forever. create and run refuse it with
# one line naming the cgroup, leave no state behind and keep the user's cgroup.

load helpers

setup() {
	berth_setup
	setup_bundle sleep 1000
	# Not named after the container: the leak check must not count the user's own cgroup.
	FROZEN_NAME=berthfrz${BATS_SUITE_TEST_NUMBER:-$BATS_TEST_NUMBER}x$$
	FROZEN_DIRS=()
	update_config '.linux.cgroupsPath = $p' --arg p "/$FROZEN_NAME"
}

teardown() {
	local dir
	for dir in "${FROZEN_DIRS[@]}"; do thaw_cgroup "$dir"; done
	cleanup_berth
	# The user's cgroup, and what a runtime that went ahead made beside and below it.
	while read -r dir; do remove_cgroup "$dir"; done < <(
		find /sys/fs/cgroup/ -mindepth 1 -maxdepth 3 -type d -name "$FROZEN_NAME" 2>/dev/null |
			xargs -r -I{} find {} -depth -type d
	)
}

# freeze_cgroup DIR FILE VALUE: make cgroup DIR (the user's, before berth runs) and freeze it.
freeze_cgroup() {
	local dir=$1 file=$2 value=$3
	[[ -d ${dir%/*} ]] || skip "no cgroup hierarchy at ${dir%/*}"
	mkdir "$dir"
	FROZEN_DIRS+=("$dir")
	echo "$value" >"$dir/$file"
}

thaw_cgroup() {
	local dir=$1
	[[ -f $dir/freezer.state ]] && echo THAWED >"$dir/freezer.state"
	[[ -f $dir/cgroup.freeze ]] && echo 0 >"$dir/cgroup.freeze"
	return 0
}

# remove_cgroup DIR: kill what a failed test may have left in DIR, then remove it.
remove_cgroup() {
	local dir=$1 pid i
	[[ -d $dir ]] || return 0
	for ((i = 0; i < 50; i++)); do
		while read -r pid; do kill -KILL "$pid" 2>/dev/null || true; done <"$dir/cgroup.procs"
		rmdir "$dir" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "could not remove $dir" >&2
}

# create_refused CMD: CMD (create or run --detach) on the frozen cgroup fails at once with one
# line naming it, leaving nothing but the user's cgroup.
create_refused() {
	echo "$ID" >>"$BERTH_IDS_FILE"
	# A runtime that waits for the frozen init would hang: give up after 10 s.
	run_unpiped timeout -k 2 10 "$BERTH_BIN" --root "$BERTH_ROOT" "$@" --bundle "$BUNDLE" "$ID"
	assert_one_line_error "$FROZEN_NAME is frozen" "thaw it or choose another cgroupsPath"
	if is_berth; then
		assert_output --regexp "^berth: $1 $ID: linux.cgroupsPath: cgroup "
	fi
	assert_no_leaks
	local dir
	for dir in "${FROZEN_DIRS[@]}"; do
		[[ -d $dir ]] || fail "the user's cgroup $dir was removed"
	done
}

@test "create in an existing cgroup v1 frozen by the freezer is refused" {
	freeze_cgroup "/sys/fs/cgroup/freezer/$FROZEN_NAME" freezer.state FROZEN
	create_refused create
}

@test "run in an existing cgroup v1 frozen by the freezer is refused" {
	freeze_cgroup "/sys/fs/cgroup/freezer/$FROZEN_NAME" freezer.state FROZEN
	create_refused run --detach
}

@test "check reports a frozen cgroupsPath, from the same check create runs, and makes nothing" {
	requires_berth # check is berth's own
	freeze_cgroup "/sys/fs/cgroup/freezer/$FROZEN_NAME" freezer.state FROZEN
	run_unpiped berth check --bundle "$BUNDLE"
	assert_failure 1
	assert_output "error: linux.cgroupsPath: cgroup /sys/fs/cgroup/freezer/$FROZEN_NAME is frozen; thaw it or choose another cgroupsPath"
	assert_no_leaks
}

# runc 1.1.5 refuses a frozen v1 freezer cgroup ("container's cgroup unexpectedly frozen") but
# hangs in the next two cases.
@test "create in an existing cgroup v2 with cgroup.freeze 1 is refused" {
	requires_berth
	local v2=/sys/fs/cgroup
	[[ $(stat -fc %T /sys/fs/cgroup) == cgroup2fs ]] || v2=/sys/fs/cgroup/unified
	freeze_cgroup "$v2/$FROZEN_NAME" cgroup.freeze 1
	create_refused create
}

@test "create below a frozen v1 cgroup is refused" {
	requires_berth
	freeze_cgroup "/sys/fs/cgroup/freezer/$FROZEN_NAME" freezer.state FROZEN
	update_config '.linux.cgroupsPath = $p' --arg p "/$FROZEN_NAME/child"
	create_refused create
}

@test "a thawed existing cgroup is fine" {
	freeze_cgroup "/sys/fs/cgroup/freezer/$FROZEN_NAME" freezer.state THAWED
	create_container "$ID"
	assert_equal "$(container_status "$ID")" created
}
