#!/usr/bin/env bats
# Fault injection: berth killed (SIGKILL) right after each phase of create, run, start, exec and
# delete, FAULT_ROUNDS times each (209 trials with the default 11: 10 + 8 + 1 per round). After every kill, `list` and
# `state` must answer, `delete --force` must clean up with no error (or say, in one line, that
# there is nothing to delete), nothing may be left (state, cgroups, mounts, processes) and the ID
# must be usable again (the next trial reuses it). The killed binary is .cache/bin/berth-faults,
# berth built with the berth_faults tag (BERTH_FAULT=op:phase); recovery uses $BERTH_BIN.

load helpers

setup() {
	berth_setup
	requires_berth # the fault switch is berth's
	FAULTS_BIN=$REPO/.cache/bin/berth-faults
	[[ -x $FAULTS_BIN ]] || fail "$FAULTS_BIN is missing: run make test-helpers"
	ROUNDS=${FAULT_ROUNDS:-11}
	setup_bundle sh -c 'trap "exit 0" TERM; sleep 1000 & wait'
	echo "$ID" >>"$BERTH_IDS_FILE"
	# list answers an explicit --root that does not exist with an error, as runc does; a create
	# killed before it made the root must not count as list failing.
	mkdir -p "$BERTH_ROOT"
	FAILURES=()
}

teardown() {
	cleanup_berth
}

# faulty PHASE ARGS...: run berth-faults ARGS, killed right after PHASE; it must die of SIGKILL.
faulty() {
	local phase=$1 rc=0
	shift
	# (The subshell keeps bash's "Killed" notice out of the test's output.)
	(BERTH_FAULT=$phase exec timeout -k 2 20 "$FAULTS_BIN" --root "$BERTH_ROOT" "$@" </dev/null \
		>"$BATS_TEST_TMPDIR/faulty.out" 2>&1 3>&-) 2>/dev/null || rc=$?
	[[ $rc -eq 137 ]] || FAILURES+=("$phase ($*): exit $rc, not killed: $(head -c 300 "$BATS_TEST_TMPDIR/faulty.out")")
}

# recover TRIAL: list, state and delete --force must answer as promised, and nothing may be left.
recover() {
	local trial=$1 out rc=0 line leaks=()
	out=$("$BERTH_BIN" --root "$BERTH_ROOT" list 2>&1 </dev/null 3>&-) ||
		FAILURES+=("$trial: list failed: $out")
	out=$("$BERTH_BIN" --root "$BERTH_ROOT" state "$ID" 2>&1 </dev/null 3>&-) || rc=$?
	if [[ $rc -ne 0 && $out != "berth: state $ID: container does not exist" ]]; then
		FAILURES+=("$trial: state: exit $rc: $out")
	fi
	rc=0
	out=$(timeout 20 "$BERTH_BIN" --root "$BERTH_ROOT" delete --force "$ID" 2>&1 </dev/null 3>&-) || rc=$?
	if [[ $rc -ne 0 && $out != "berth: delete $ID: container does not exist" ]]; then
		FAILURES+=("$trial: delete --force: exit $rc: $out")
	fi
	while read -r line; do leaks+=("$line"); done < <(_all_leaks)
	if [[ ${#leaks[@]} -gt 0 ]]; then
		FAILURES+=("$trial: left ${leaks[*]}")
		_reclaim_leaks
	fi
}

# make_container HOW: the container the fault hits, made by the real binary.
make_container() {
	case $1 in
	created) berth create --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1 3>&- ;;
	running) berth run -d --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1 3>&- ;;
	esac || FAILURES+=("setup $1: could not make $ID (the previous trial left it unusable?)")
}

report() {
	[[ ${#FAILURES[@]} -eq 0 ]] && return 0
	fail "$(printf '%s\n' "${FAILURES[@]}")
${#FAILURES[@]} of the trials failed (listed above)"
}

@test "faults: create and run -d killed after each create phase" {
	local round phase cmd
	for ((round = 0; round < ROUNDS; round++)); do
		for phase in config cgroup clone init state; do
			for cmd in create "run -d"; do
				# shellcheck disable=SC2086
				faulty "create:$phase" $cmd --bundle "$BUNDLE" "$ID"
				recover "create:$phase ($cmd) #$round"
			done
		done
	done
	report
}

@test "faults: start, exec and delete killed after each of their phases" {
	local round phase
	for ((round = 0; round < ROUNDS; round++)); do
		for phase in exec hooks; do
			make_container created
			faulty "start:$phase" start "$ID"
			recover "start:$phase #$round"
		done
		for phase in clone exec wait; do
			make_container running
			faulty "exec:$phase" exec "$ID" true
			recover "exec:$phase #$round"
		done
		for phase in kill cgroup state; do # (no poststop hooks here: no hooks phase)
			make_container running
			faulty "delete:$phase" delete --force "$ID"
			recover "delete:$phase #$round"
		done
	done
	report
}

@test "faults: a foreground run killed once its program exited" {
	update_config '.process.args = ["true"]'
	local round
	for ((round = 0; round < ROUNDS; round++)); do
		faulty run:wait run --bundle "$BUNDLE" "$ID"
		recover "run:wait #$round"
	done
	report
}

@test "faults: init killed from outside, created or running, is stopped and deletable" {
	local how
	for how in created running; do
		make_container "$how"
		kill -KILL "$(container_pid "$ID")"
		wait_for_status "$ID" stopped
		recover "init killed while $how"
	done
	report
}

@test "faults: the bundle deleted under a running container does not stop kill, state or delete" {
	make_container running
	rm -rf "$BUNDLE"
	run berth state "$ID"
	assert_success
	run berth kill "$ID" KILL
	assert_success
	wait_for_status "$ID" stopped
	recover "bundle deleted"
	report
}

# No wait without a bound: a createRuntime hook freezes init's cgroup, so init never reports
# ready. create gives up after its deadline (2 s, shortened through the fault build, plus the
# hook's 5 s timeout: a hook without one would leave the wait unbounded), says what
# it waited for, and removes everything, thawing the cgroup to kill init.
@test "faults: a create whose init was frozen gives up after its deadline and leaves nothing" {
	local freeze='read -r st; pid=${st#*\"pid\":}; pid=${pid%%,*}
		p=$(awk -F: '\''$2 == "freezer" { print $3 }'\'' /proc/$pid/cgroup)
		echo FROZEN >/sys/fs/cgroup/freezer$p/freezer.state'
	[[ -d /sys/fs/cgroup/freezer ]] || skip "no v1 freezer hierarchy"
	update_config '.hooks.createRuntime = [{path: "/bin/sh", args: ["sh", "-c", $s], timeout: 5}]' --arg s "$freeze"
	local rc=0
	BERTH_INIT_TIMEOUT=2s timeout -k 2 60 "$FAULTS_BIN" --root "$BERTH_ROOT" create --bundle "$BUNDLE" "$ID" \
		</dev/null >"$BATS_TEST_TMPDIR/create.out" 2>&1 3>&- || rc=$?
	output=$(cat "$BATS_TEST_TMPDIR/create.out")
	[[ $rc -eq 1 ]] || fail "create: exit $rc, want 1: $output"
	assert_output --regexp "^berth: create $ID: container init did not set the container up within 7s .*; it is killed$"
	assert_no_leaks
}
