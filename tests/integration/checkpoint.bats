#!/usr/bin/env bats
# checkpoint and restore through criu. On this host criu 3.17 cannot dump anything (its vDSO
# check fails on kernel 6.18), so here only the failures are tested: criu missing, criu failing,
# each one line naming criu's reason, the container left running and nothing left behind. The
# real dump and restore are tagged `vm` and run in the test VM (make test-vm
# TESTS=checkpoint.bats), whose Debian 12 kernel criu handles.

load helpers

setup() {
	berth_setup
	IMAGES=$BATS_TEST_TMPDIR/images
	# A counter the tests can read from the host: one line per tick in /tmp/count of the
	# container's rootfs, which checkpoint and restore must carry on from where it was. Written
	# to a new file and renamed over the old, so that a checkpoint between the truncation and
	# the write cannot leave it empty.
	setup_bundle sh -c 'i=0; while true; do i=$((i + 1)); echo $i >/tmp/count.new; mv /tmp/count.new /tmp/count; sleep 0.2; done'
	update_config '.root.readonly = false'
}

teardown() {
	cleanup_berth
}

# in_vm: skip unless in the test VM, where criu works.
in_vm() {
	[[ ${BERTH_IN_VM:-} == 1 ]] || skip "needs criu that works: runs only in the test VM (make test-vm)"
	command -v criu >/dev/null || fail "the test VM has no criu (scripts/vm/build-image.sh)"
}

# requires_outside_stdio: the test runs its container with stdio on host files (run_detached's
# /dev/null and log file). berth tells criu they are external; runc 1.1.5 does not, and its
# dump fails ("criu failed: type NOTIFY errno 0"): berth-specific. The pipe test runs on both.
requires_outside_stdio() {
	requires_berth
}

# restore_detached: restore -d $ID from $IMAGES, stdio to a file; on failure show the end of
# criu's log too (the VM's files are gone once it powers off).
restore_detached() {
	berth restore --image-path "$IMAGES" --bundle "$BUNDLE" -d "$@" "$ID" </dev/null >"$BATS_TEST_TMPDIR/restore.log" 2>&1 ||
		fail "restore failed: $(cat "$BATS_TEST_TMPDIR/restore.log")
$(tail -n 30 "$IMAGES/restore.log" 2>/dev/null)"
}

# counter: the container's counter, read through its rootfs.
counter() {
	local n
	n=$(cat "$BUNDLE/rootfs/tmp/count" 2>/dev/null)
	echo "${n:-0}"
}

# wait_counter_above N: poll until the counter passes N (10 s at most).
wait_counter_above() {
	local i
	for ((i = 0; i < 100; i++)); do
		(($(counter) > $1)) && return 0
		sleep 0.1
	done
	fail "counter stuck at $(counter), want more than $1"
}

@test "checkpoint with a criu that does not exist fails and leaves the container running" {
	run_detached "$ID"
	pid=$(container_pid "$ID")
	run_unpiped berth --criu /nonexistent/criu checkpoint --image-path "$IMAGES" "$ID"
	assert_failure 1
	assert_output --partial /nonexistent/criu
	assert_equal "$(container_status "$ID")" running
	assert_equal "$(container_pid "$ID")" "$pid"
	berth delete --force "$ID"
}

@test "checkpoint error names the operation, the container and that criu is missing" {
	requires_berth
	run_detached "$ID"
	run_unpiped berth --criu /nonexistent/criu checkpoint --image-path "$IMAGES" "$ID"
	assert_one_line_error "checkpoint $ID" 'criu binary "/nonexistent/criu"' "no such file or directory"
	[[ ! -e $IMAGES ]] || fail "checkpoint left $IMAGES behind"
	berth delete --force "$ID"
}

@test "checkpoint where criu fails names criu's own error from its log, and the container keeps running" {
	requires_berth
	[[ ${BERTH_IN_VM:-} != 1 ]] || skip "criu works in the test VM"
	command -v criu >/dev/null || skip "criu is not installed"
	# The host's criu cannot dump on this kernel; its log says why.
	if criu check >/dev/null 2>&1; then skip "criu works on this host"; fi
	run_detached "$ID"
	pid=$(container_pid "$ID")
	before=$(counter)
	run_unpiped berth checkpoint --image-path "$IMAGES" "$ID"
	assert_one_line_error "checkpoint $ID: criu dump failed: Error (" "(log: $IMAGES/dump.log)"
	assert_equal "$(container_status "$ID")" running
	assert_equal "$(container_pid "$ID")" "$pid"
	wait_counter_above "$before"
	berth delete --force "$ID"
}

@test "checkpoint with --work-path puts criu's log there" {
	requires_berth
	[[ ${BERTH_IN_VM:-} != 1 ]] || skip "criu works in the test VM"
	command -v criu >/dev/null || skip "criu is not installed"
	if criu check >/dev/null 2>&1; then skip "criu works on this host"; fi
	run_detached "$ID"
	run_unpiped berth checkpoint --image-path "$IMAGES" --work-path "$BATS_TEST_TMPDIR/work" "$ID"
	assert_one_line_error "criu dump failed" "(log: $BATS_TEST_TMPDIR/work/dump.log)"
	[[ -s $BATS_TEST_TMPDIR/work/dump.log ]] || fail "no dump.log in the work path"
	berth delete --force "$ID"
}

@test "checkpoint of a container that is only created is refused" {
	create_container "$ID"
	run_unpiped berth checkpoint --image-path "$IMAGES" "$ID"
	assert_failure 1
	assert_equal "$(container_status "$ID")" created
	berth delete --force "$ID"
}

@test "checkpoint of a container that does not exist fails" {
	run_unpiped berth checkpoint --image-path "$IMAGES" "nosuch-$ID"
	assert_failure 1
	assert_output --partial "does not exist"
	is_berth || return 0
	assert_one_line_error "checkpoint nosuch-$ID"
}

@test "restore with a criu that does not exist fails in one line and leaves nothing behind" {
	requires_berth
	mkdir -p "$IMAGES"
	echo '[]' >"$IMAGES/stdio.json"
	run_unpiped berth --criu /nonexistent/criu restore --image-path "$IMAGES" --bundle "$BUNDLE" -d "$ID"
	assert_one_line_error "restore $ID" 'criu binary "/nonexistent/criu"'
	run_unpiped berth state "$ID"
	assert_failure
	[[ -z $(ls -A "$BERTH_ROOT" 2>/dev/null) ]] || fail "restore left state behind: $(ls -A "$BERTH_ROOT")"
}

@test "restore from a directory with no images fails in one line and leaves nothing behind" {
	requires_berth
	mkdir -p "$IMAGES"
	run_unpiped berth restore --image-path "$IMAGES" --bundle "$BUNDLE" -d "$ID"
	assert_one_line_error "restore $ID" "--image-path"
	[[ -z $(ls -A "$BERTH_ROOT" 2>/dev/null) ]] || fail "restore left state behind: $(ls -A "$BERTH_ROOT")"
}

@test "restore of an ID that exists is refused and leaves that container alone" {
	run_detached "$ID"
	mkdir -p "$IMAGES"
	run_unpiped berth restore --image-path "$IMAGES" --bundle "$BUNDLE" -d "$ID"
	assert_failure 1
	assert_equal "$(container_status "$ID")" running
	berth delete --force "$ID"
}

# bats test_tags=vm
@test "vm: checkpoint stops and removes the container, restore carries on its counter" {
	in_vm
	requires_outside_stdio
	run_detached "$ID"
	wait_counter_above 3
	run_unpiped berth checkpoint --image-path "$IMAGES" "$ID"
	assert_success
	saved=$(counter)
	run_unpiped berth state "$ID"
	assert_failure # removed, as runc does
	sleep 1
	assert_equal "$(counter)" "$saved" # nothing counts while it is checkpointed
	restore_detached
	# Read the counter at once: it counts on while `berth state` runs, and under the VM's
	# emulation the status checks can take seconds (a run counted 21 more before the check).
	wait_counter_above "$saved"
	now=$(counter)
	# It went on from where it was, not from 0.
	((now < saved + 20)) || fail "counter jumped from $saved to $now"
	wait_for_status "$ID" running
	berth delete --force "$ID"
}

# bats test_tags=vm
@test "vm: a container's stdout pipe is replaced by restore's" {
	in_vm
	update_config '.process.args = ["sh", "-c", "i=0; while true; do i=$((i + 1)); echo $i; sleep 0.2; done"]'
	# Pipes, as containerd's shim and podman's conmon give: criu saves what is in them, and
	# restore hands the restored process its own stdout in their place.
	berth run -d --bundle "$BUNDLE" "$ID" </dev/null 3>&- > >(exec 3>&-; cat >"$BATS_TEST_TMPDIR/before") 2>&1
	for ((i = 0; i < 100; i++)); do [[ -s $BATS_TEST_TMPDIR/before ]] && break; sleep 0.1; done
	berth checkpoint --image-path "$IMAGES" "$ID"
	"$BERTH_BIN" --root "$BERTH_ROOT" restore --image-path "$IMAGES" --bundle "$BUNDLE" -d "$ID" \
		</dev/null 3>&- > >(exec 3>&-; cat >"$BATS_TEST_TMPDIR/after") 2>&1 ||
		fail "restore failed: $(tail -n 30 "$IMAGES/restore.log")"
	for ((i = 0; i < 100; i++)); do [[ -s $BATS_TEST_TMPDIR/after ]] && break; sleep 0.1; done
	last=$(tail -n 1 "$BATS_TEST_TMPDIR/before")
	first=$(head -n 1 "$BATS_TEST_TMPDIR/after")
	[[ -n $first ]] || fail "nothing on restore's stdout"
	((first > last && first < last + 20)) || fail "restore's stdout starts at '$first', checkpoint's ended at '$last'"
	berth delete --force "$ID"
}

# bats test_tags=vm
@test "vm: a restore that criu refuses fails in one line naming criu's reason and leaves nothing" {
	in_vm
	requires_berth
	# stdout is a file that grows: criu will not hand the restored process another file in its
	# place (its size differs), and says so.
	update_config '.process.args = ["sh", "-c", "while true; do echo tick; sleep 0.2; done"]'
	run_detached "$ID"
	for ((i = 0; i < 100; i++)); do [[ -s $BATS_TEST_TMPDIR/$ID.log ]] && break; sleep 0.1; done
	berth checkpoint --image-path "$IMAGES" "$ID"
	run_unpiped berth restore --image-path "$IMAGES" --bundle "$BUNDLE" -d "$ID"
	assert_one_line_error "restore $ID: criu restore failed: Error (" "bad size" "(log: $IMAGES/restore.log)"
	run_unpiped berth state "$ID"
	assert_failure
	[[ -z $(ls -A "$BERTH_ROOT") ]] || fail "restore left state behind: $(ls -A "$BERTH_ROOT")"
}

# bats test_tags=vm
@test "vm: a container with a bind mount from the host is checkpointed and restored with it" {
	in_vm
	requires_outside_stdio
	mkdir -p "$BATS_TEST_TMPDIR/data"
	setup_bundle sh -c 'i=0; while true; do i=$((i + 1)); echo $i >/data/count.new; mv /data/count.new /data/count; sleep 0.2; done'
	update_config '.root.readonly = false | .mounts += [{destination: "/data", type: "bind", source: $src, options: ["rbind", "rw"]}]' \
		--arg src "$BATS_TEST_TMPDIR/data"
	run_detached "$ID"
	for ((i = 0; i < 100; i++)); do [[ -s $BATS_TEST_TMPDIR/data/count ]] && break; sleep 0.1; done
	berth checkpoint --image-path "$IMAGES" "$ID"
	saved=$(cat "$BATS_TEST_TMPDIR/data/count")
	restore_detached
	for ((i = 0; i < 100; i++)); do (($(cat "$BATS_TEST_TMPDIR/data/count") > saved)) && break; sleep 0.1; done
	(($(cat "$BATS_TEST_TMPDIR/data/count") > saved)) || fail "the restored container does not write to the bind mount"
	berth delete --force "$ID"
}

# bats test_tags=vm
@test "vm: a restored container takes state, exec, kill and delete, and sits in its cgroup" {
	in_vm
	requires_outside_stdio
	run_detached "$ID"
	wait_counter_above 1
	berth checkpoint --image-path "$IMAGES" "$ID"
	restore_detached
	pid=$(container_pid "$ID")
	[[ -n $pid && $pid != 0 ]] || fail "no pid after restore"
	run berth state "$ID"
	assert_success
	assert_equal "$(jq -r .status <<<"$output")" running
	run_unpiped berth exec "$ID" cat /tmp/count
	assert_success
	(( output > 0 )) || fail "exec read '$output'"
	# The restored init is in a cgroup named after the container.
	run cat "/proc/$pid/cgroup"
	assert_output --partial "$ID"
	berth kill "$ID" KILL
	wait_for_status "$ID" stopped
	berth delete "$ID"
	run_unpiped berth state "$ID"
	assert_failure
}

# bats test_tags=vm
@test "vm: checkpoint --leave-running keeps the container running, and its images restore" {
	in_vm
	requires_outside_stdio
	run_detached "$ID"
	wait_counter_above 1
	run_unpiped berth checkpoint --leave-running --image-path "$IMAGES" "$ID"
	assert_success
	assert_equal "$(container_status "$ID")" running
	now=$(counter)
	wait_counter_above "$now"
	berth delete --force "$ID"
	restore_detached
	wait_for_status "$ID" running
	berth delete --force "$ID"
}

# bats test_tags=vm
@test "vm: restore in the foreground waits for the container and removes it when it exits" {
	in_vm
	requires_outside_stdio
	run_detached "$ID"
	wait_counter_above 1
	berth checkpoint --image-path "$IMAGES" "$ID"
	# Bounded, and without bats' fd 3: a restore that hangs must fail the test, not the run.
	timeout 60 "$BERTH_BIN" --root "$BERTH_ROOT" restore --image-path "$IMAGES" --bundle "$BUNDLE" "$ID" \
		</dev/null >"$BATS_TEST_TMPDIR/restore.log" 2>&1 3>&- &
	restore_pid=$!
	for ((i = 0; i < 200; i++)); do
		[[ $(container_status "$ID") == running ]] && break
		kill -0 "$restore_pid" 2>/dev/null || break
		sleep 0.1
	done
	[[ $(container_status "$ID") == running ]] ||
		fail "not running after restore: $(cat "$BATS_TEST_TMPDIR/restore.log") $(tail -n 30 "$IMAGES/restore.log" 2>/dev/null)"
	berth kill "$ID" KILL
	rc=0
	wait "$restore_pid" || rc=$?
	assert_equal "$rc" 137
	run_unpiped berth state "$ID"
	assert_failure
}
