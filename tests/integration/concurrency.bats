#!/usr/bin/env bats
# Many berth processes on one --root at once: lifecycles side by side with readers, the same ID
# created twice at the same moment, parallel execs with a console socket each. Nothing may be
# lost, corrupt or left, and every error must be the one expected.

load helpers

setup() {
	berth_setup
	setup_bundle true
	mkdir -p "$BERTH_ROOT"
}

teardown() {
	touch "$BATS_TEST_TMPDIR/stop" # a reader loop left by a failed test ends
	wait
	cleanup_berth
}

# lifecycles PREFIX N: N times run (foreground) then state-must-fail, one ID after another; every
# unexpected output goes to $BATS_TEST_TMPDIR/errors.PREFIX.
lifecycles() {
	local prefix=$1 n=$2 i id out
	for ((i = 0; i < n; i++)); do
		id=$prefix-$i
		echo "$id" >>"$BERTH_IDS_FILE"
		out=$("$BERTH_BIN" --root "$BERTH_ROOT" run --bundle "$BUNDLE" "$id" 2>&1 </dev/null 3>&-) ||
			echo "run $id: $out"
		if out=$("$BERTH_BIN" --root "$BERTH_ROOT" state "$id" 2>&1 </dev/null 3>&-); then
			echo "state $id after run succeeded: $out"
		fi
	done >"$BATS_TEST_TMPDIR/errors.$prefix" 2>&1
}

# readers: list and state in a loop until $BATS_TEST_TMPDIR/stop exists; anything but a table, a
# JSON list or "does not exist" is an error.
readers() {
	local out id
	while [[ ! -e $BATS_TEST_TMPDIR/stop ]]; do
		out=$("$BERTH_BIN" --root "$BERTH_ROOT" list --format json 2>&1 </dev/null 3>&-) || echo "list: $out"
		jq -e 'type == "array"' <<<"$out" >/dev/null 2>&1 || echo "list gave: $out"
		for id in $(jq -r '.[].id' <<<"$out" 2>/dev/null); do
			out=$("$BERTH_BIN" --root "$BERTH_ROOT" state "$id" 2>&1 </dev/null 3>&-) && continue
			[[ $out == "berth: state $id: container does not exist" ]] || echo "state $id: $out"
		done
	done >"$BATS_TEST_TMPDIR/errors.readers" 2>&1
}

@test "concurrency: two streams of lifecycles on one root, with list and state beside them" {
	local n=${CONCURRENCY_LIFECYCLES:-200}
	readers &
	local readers_pid=$!
	lifecycles a "$n" &
	local a=$!
	lifecycles b "$n" &
	local b=$!
	wait "$a" "$b"
	touch "$BATS_TEST_TMPDIR/stop"
	wait "$readers_pid"
	run cat "$BATS_TEST_TMPDIR"/errors.*
	assert_output ""
	assert_no_leaks
}

@test "concurrency: the same ID created by two processes at once: one wins, the other says so" {
	setup_bundle sleep 1000
	local round out1 out2 rc1 rc2 wins
	for ((round = 0; round < 20; round++)); do
		rc1=0 rc2=0
		"$BERTH_BIN" --root "$BERTH_ROOT" create --bundle "$BUNDLE" "$ID" </dev/null >"$BATS_TEST_TMPDIR/c1" 2>&1 3>&- &
		local p1=$!
		"$BERTH_BIN" --root "$BERTH_ROOT" create --bundle "$BUNDLE" "$ID" </dev/null >"$BATS_TEST_TMPDIR/c2" 2>&1 3>&- &
		local p2=$!
		wait "$p1" || rc1=$?
		wait "$p2" || rc2=$?
		out1=$(cat "$BATS_TEST_TMPDIR/c1") out2=$(cat "$BATS_TEST_TMPDIR/c2")
		wins=$(((rc1 == 0) + (rc2 == 0)))
		[[ $wins -eq 1 ]] || fail "round $round: $wins creates won: [$out1] [$out2]"
		[[ "$out1$out2" == "berth: create $ID: container already exists" ]] ||
			fail "round $round: outputs [$out1] [$out2]"
		assert_equal "$(container_status "$ID")" created
		berth delete --force "$ID"
	done
	assert_no_leaks
}

@test "concurrency: 50 parallel exec -t, each with its own console socket" {
	setup_bundle sleep 1000
	run_detached "$ID"
	local i pids=()
	for ((i = 0; i < 50; i++)); do
		start_recvtty "$BATS_TEST_TMPDIR/s$i" "$BATS_TEST_TMPDIR/t$i" ''
		"$BERTH_BIN" --root "$BERTH_ROOT" exec -d -t --console-socket "$BATS_TEST_TMPDIR/s$i" \
			"$ID" sh -c "echo exec-$i" </dev/null >"$BATS_TEST_TMPDIR/e$i" 2>&1 3>&- &
		pids+=($!)
	done
	local failed=()
	for i in "${!pids[@]}"; do
		wait "${pids[$i]}" || failed+=("exec $i: $(cat "$BATS_TEST_TMPDIR/e$i")")
	done
	[[ ${#failed[@]} -eq 0 ]] || fail "$(printf '%s\n' "${failed[@]}")"
	for ((i = 0; i < 50; i++)); do
		for ((w = 0; w < 100; w++)); do
			grep -q "exec-$i" "$BATS_TEST_TMPDIR/t$i" 2>/dev/null && break
			sleep 0.05
		done
		grep -q "exec-$i" "$BATS_TEST_TMPDIR/t$i" || fail "exec $i: its terminal did not show exec-$i"
	done
}
