#!/usr/bin/env bats
# Orphans: what is left of a container when the berth that managed it died (a create killed half
# way, a foreground run killed while its container runs), an init stuck in a frozen cgroup, an
# init that exited with nobody to reap it, a state file that is truncated or garbage. `list`
# finds each, `delete --force` removes each, and `berth gc` (berth's own command; runc 1.1.5 has
# none) removes those whose init is gone and leaves live ones alone.

load helpers

setup() {
	berth_setup
	setup_bundle sleep 1000
}

teardown() {
	# A test that failed half way may leave a frozen cgroup; a frozen process never dies.
	local f
	for f in /sys/fs/cgroup/freezer/"$ID"*/freezer.state; do
		[[ -f $f ]] && echo THAWED >"$f"
	done
	cleanup_berth
}

# freezer_dir PID: the v1 freezer cgroup directory of process PID.
freezer_dir() {
	local path
	path=$(awk -F: '$2 == "freezer" { print $3 }' "/proc/$1/cgroup")
	[[ -n $path ]] || skip "no v1 freezer hierarchy"
	echo "/sys/fs/cgroup/freezer$path"
}

# start_create_blocked: `create` in the background, held in a createRuntime hook (init exists
# and waits) until the test kills it or creates $HOOK_RELEASE. Sets CREATE_PID and HOOK_PID.
start_create_blocked() {
	local pidfile=$BATS_TEST_TMPDIR/hook.pid i
	HOOK_RELEASE=$BATS_TEST_TMPDIR/hook.release
	update_config '.hooks.createRuntime = [{path: "/bin/sh", args: ["sh", "-c", $s]}]' \
		--arg s "echo \$\$ >$pidfile; while [ ! -e $HOOK_RELEASE ]; do sleep 0.05; done"
	# The binary itself, not the berth function: $! must be the runtime's PID.
	echo "$ID" >>"$BERTH_IDS_FILE"
	"$BERTH_BIN" --root "$BERTH_ROOT" create --bundle "$BUNDLE" "$ID" \
		</dev/null >"$BATS_TEST_TMPDIR/create.log" 2>&1 3>&- &
	CREATE_PID=$!
	for ((i = 0; i < 100; i++)); do
		[[ -s $pidfile ]] && break
		sleep 0.05
	done
	[[ -s $pidfile ]] || fail "the createRuntime hook did not start: $(cat "$BATS_TEST_TMPDIR/create.log")"
	HOOK_PID=$(cat "$pidfile")
	echo "$HOOK_PID" >>"$BERTH_PIDS_FILE"
}

# kill_create: SIGKILL the create started by start_create_blocked, and its hook.
kill_create() {
	kill -KILL "$CREATE_PID"
	wait "$CREATE_PID" || true
	kill -KILL "$HOOK_PID" 2>/dev/null || true
}

# init_pid_of_create: the PID of the init that a killed create left (berth writes it to the
# state file before the createRuntime hooks run).
init_pid_of_create() {
	local pid
	pid=$(jq -r '.pid // empty' "$BERTH_ROOT/$ID/state.json" 2>/dev/null)
	[[ -n $pid && $pid != 0 ]] || fail "no init PID in $BERTH_ROOT/$ID/state.json"
	echo "$pid"
}

# list_status ID: the STATUS column of `list` for ID.
list_status() {
	berth list | awk -v id="$1" '$1 == id { print $3 }'
}

# run_foreground_then_kill_berth: `run` in the foreground (in the background of the test), then
# SIGKILL that berth while the container runs. Sets INIT_PID.
run_foreground_then_kill_berth() {
	echo "$ID" >>"$BERTH_IDS_FILE"
	"$BERTH_BIN" --root "$BERTH_ROOT" run --bundle "$BUNDLE" "$ID" \
		</dev/null >"$BATS_TEST_TMPDIR/run.log" 2>&1 3>&- &
	local run_pid=$!
	wait_for_status "$ID" running
	INIT_PID=$(container_pid "$ID")
	kill -KILL "$run_pid"
	wait "$run_pid" || true
}

# delete_force_removes_all ID PID: `delete --force` (bounded: a frozen init must not hang it)
# succeeds, PID dies, and nothing of the container is left.
delete_force_removes_all() {
	run_unpiped timeout -k 2 10 "$BERTH_BIN" --root "$BERTH_ROOT" delete --force "$1"
	assert_success
	process_gone "$2" || fail "init $2 still alive after delete --force"
	assert_no_leaks
}

# runc 1.1.5 writes no state file before the createRuntime hooks: its list does not show a
# create killed there, and its delete --force leaves that container's cgroup behind.
@test "a create killed half way: list shows it, delete --force removes it" {
	requires_berth
	start_create_blocked
	local pid
	pid=$(init_pid_of_create)
	kill_create
	run berth list -q
	assert_output "$ID"
	delete_force_removes_all "$ID" "$pid"
}

@test "a created container frozen in its cgroup: list shows paused, delete --force removes it" {
	create_container "$ID"
	local pid
	pid=$(container_pid "$ID")
	echo FROZEN >"$(freezer_dir "$pid")/freezer.state"
	assert_equal "$(list_status "$ID")" paused
	delete_force_removes_all "$ID" "$pid"
}

@test "a create killed while its init is frozen: delete --force thaws and removes it" {
	requires_berth
	start_create_blocked
	local pid
	pid=$(init_pid_of_create)
	echo FROZEN >"$(freezer_dir "$pid")/freezer.state"
	kill_create
	run berth list -q
	assert_output "$ID"
	delete_force_removes_all "$ID" "$pid"
}

@test "a foreground run whose berth was killed: list shows it running, delete --force removes it" {
	run_foreground_then_kill_berth
	assert_equal "$(list_status "$ID")" running
	delete_force_removes_all "$ID" "$INIT_PID"
}

@test "a foreground run whose berth was killed, then its init exited: list shows stopped" {
	run_foreground_then_kill_berth
	kill -KILL "$INIT_PID"
	# Nobody reaps it now (this host's PID 1 never does): a zombie is still stopped.
	wait_for_status "$ID" stopped
	assert_equal "$(list_status "$ID")" stopped
	delete_force_removes_all "$ID" "$INIT_PID"
}

@test "gc removes a container whose init is gone and leaves a live one alone" {
	requires_berth
	local live=$ID-live dead_pid cg
	run_foreground_then_kill_berth
	dead_pid=$INIT_PID
	kill -KILL "$dead_pid"
	wait_for_status "$ID" stopped
	cg=/sys/fs/cgroup/freezer/$ID # berth's default: the ID below its own cgroup, here /
	run_detached "$live"

	run berth gc --dry-run
	assert_success
	assert_output "would remove $ID: init $dead_pid gone; cgroup $cg, state dir"
	[[ -d $cg && -d $BERTH_ROOT/$ID ]] || fail "--dry-run removed something"

	run berth gc
	assert_success
	assert_output "removed $ID: init $dead_pid gone; cgroup $cg, state dir"
	[[ ! -e $cg && ! -e $BERTH_ROOT/$ID ]] || fail "gc left the cgroup or the state dir"
	assert_equal "$(container_status "$live")" running

	run berth gc
	assert_success
	assert_output ""
	berth delete --force "$live"
	assert_no_leaks
}

@test "gc removes a state dir without a state file" {
	requires_berth
	# A state dir without a state file: berth's create makes its dir with the file in it, but
	# one made by hand, or a file removed, is still what is left of a container.
	mkdir -p "$BERTH_ROOT/$ID"
	echo "$ID" >>"$BERTH_IDS_FILE"
	run berth gc
	assert_success
	assert_output "removed $ID: no state file in $BERTH_ROOT/$ID; state dir"
	assert_no_leaks
}

@test "gc leaves a container another berth command is working on alone" {
	requires_berth
	start_create_blocked
	run berth gc
	assert_success
	assert_output ""
	kill_create
	delete_force_removes_all "$ID" "$(init_pid_of_create)"
}

@test "gc: a corrupt state file with processes in its cgroup is one line and exit 1, after the rest" {
	requires_berth
	local dead=$ID-dead pid dead_pid
	create_container "$ID"
	pid=$(container_pid "$ID")
	create_container "$dead"
	dead_pid=$(container_pid "$dead")
	kill -KILL "$dead_pid"
	wait_for_status "$dead" stopped
	echo garbage >"$BERTH_ROOT/$ID/state.json"

	run_unpiped berth gc
	assert_failure 1
	assert_line --index 0 "removed $dead: init $dead_pid gone; cgroup /sys/fs/cgroup/freezer/$dead, state dir"
	assert_line --index 1 --regexp "^berth: gc: $ID: state file $BERTH_ROOT/$ID/state.json is corrupt: .*; 1 process\(es\) still in cgroup /sys/fs/cgroup/freezer/$ID \(berth delete --force $ID kills them\)$"
	assert_equal "${#lines[@]}" 2
	delete_force_removes_all "$ID" "$pid"
}

@test "gc removes a corrupt state dir whose cgroup is empty" {
	requires_berth
	create_container "$ID"
	local pid
	pid=$(container_pid "$ID")
	kill -KILL "$pid"
	wait_for_status "$ID" stopped
	truncate -s 10 "$BERTH_ROOT/$ID/state.json"
	run berth gc
	assert_success
	assert_output --regexp "^removed $ID: state file $BERTH_ROOT/$ID/state.json is corrupt: [^;]*; cgroup /sys/fs/cgroup/freezer/$ID, state dir$"
	assert_no_leaks
}

@test "gc --root that does not exist is one line" {
	requires_berth
	run "$BERTH_BIN" --root "$BATS_TEST_TMPDIR/nothing" gc
	assert_one_line_error "gc: --root $BATS_TEST_TMPDIR/nothing: no such file or directory"
}

@test "state and list on a corrupt state file: one line naming it; list shows the others" {
	local other=$ID-ok
	create_container "$ID"
	create_container "$other"
	# Kept to put back at the end: runc cannot delete a container whose state file is corrupt.
	cp "$BERTH_ROOT/$ID/state.json" "$BATS_TEST_TMPDIR/state.json.good"
	truncate -s 20 "$BERTH_ROOT/$ID/state.json"

	run berth state "$ID"
	assert_one_line_error "state $ID: state file $BERTH_ROOT/$ID/state.json is corrupt"

	local out=$BATS_TEST_TMPDIR/list.out err=$BATS_TEST_TMPDIR/list.err
	berth list -q >"$out" 2>"$err" # succeeds, as runc's does
	assert_equal "$(cat "$out")" "$other"
	run cat "$err"
	assert_output --partial "$ID"
	[[ $output != *$'\n'* ]] || fail "want one line about $ID, got: $output"
	if is_berth; then
		assert_output "berth: list: $ID: state file $BERTH_ROOT/$ID/state.json is corrupt: unexpected end of JSON input"
	fi
	cp "$BATS_TEST_TMPDIR/state.json.good" "$BERTH_ROOT/$ID/state.json"
	berth delete --force "$other"
	berth delete --force "$ID"
	assert_no_leaks
}

@test "delete --force on a truncated state file kills init and removes its cgroup and state dir" {
	requires_berth
	create_container "$ID"
	local pid
	pid=$(container_pid "$ID")
	truncate -s 0 "$BERTH_ROOT/$ID/state.json"
	delete_force_removes_all "$ID" "$pid"
}

@test "delete --force on garbage in the state file of a frozen container" {
	requires_berth
	create_container "$ID"
	local pid
	pid=$(container_pid "$ID")
	echo FROZEN >"$(freezer_dir "$pid")/freezer.state"
	echo garbage >"$BERTH_ROOT/$ID/state.json"
	delete_force_removes_all "$ID" "$pid"
}

@test "delete --force on a state dir without its state file" {
	requires_berth
	create_container "$ID"
	local pid
	pid=$(container_pid "$ID")
	rm "$BERTH_ROOT/$ID/state.json"
	delete_force_removes_all "$ID" "$pid"
}

# No hangs: a create whose init someone froze waits for it for good, holding the container's
# lock; delete --force kills the container first, create then fails and lets go.
@test "delete --force while a create waits for an init someone froze" {
	requires_berth
	start_create_blocked
	local pid
	pid=$(init_pid_of_create)
	echo FROZEN >"$(freezer_dir "$pid")/freezer.state"
	touch "$HOOK_RELEASE" # the hook succeeds, create goes on to wait for the frozen init
	sleep 0.5
	kill -0 "$CREATE_PID" || fail "create did not wait for the frozen init"
	run_unpiped timeout -k 2 15 "$BERTH_BIN" --root "$BERTH_ROOT" --debug delete --force "$ID"
	assert_success
	assert_output --partial "another berth command holds the container: killing it first"
	wait "$CREATE_PID" && fail "create succeeded on a killed init"
	process_gone "$pid" || fail "init $pid still alive after delete --force"
	assert_no_leaks
}
