#!/usr/bin/env bats
# --debug: the life of a container step by step, the host's phases and those of init and of the
# nsenter C part (relayed over the log stream, protocol/log.go), in text and JSON; and nothing
# extra without it. runc 1.1.5 logs other things under --debug (nsexec's messages, no phases):
# the checks of berth's phase records are berth-specific, the generic ones run against runc too.

load helpers

setup() {
	berth_setup
	setup_bundle /bin/true
}

teardown() {
	cleanup_berth
}

# assert_phase PATTERN...: a debug line of $output matches every PATTERN (grep -E), and has a
# duration.
assert_phase() {
	local line=$output pattern
	for pattern in 'level=debug' "$@" 'duration=[0-9.]+(ns|µs|ms|s)'; do
		line=$(grep -E -- "$pattern" <<<"$line") || fail "no debug line with $* (and a duration) in: $output"
	done
}

@test "--debug run logs each phase of create, start and delete with its duration" {
	requires_berth
	run_unpiped berth --debug run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_phase 'msg="config loaded and validated"' "id=$ID" 'op=create' 'phase=config'
	assert_phase 'msg="cgroup made"' 'op=create' 'phase=cgroup'
	assert_phase 'msg="init cloned"' 'op=create' 'phase=clone'
	assert_phase 'op=create' 'phase=init'
	assert_phase 'op=start' 'phase=exec'
	assert_phase 'op=run' 'phase=wait' 'status=0'
	assert_phase 'op=delete' 'phase=state'
}

@test "--debug run relays init's phases, up to its exec" {
	requires_berth
	run_unpiped berth --debug run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_phase "id=$ID" 'src=init' 'phase=config'
	assert_phase 'src=init' 'phase=mounts' 'msg="mounts done"'
	assert_phase 'src=init' 'phase=rootfs'
	assert_phase 'src=init' 'phase=credentials'
	assert_phase 'src=init' 'phase=exec' 'msg="exec /bin/true"'
}

@test "--debug run relays the nsenter C part's phases" {
	requires_berth # runc 1.1.5 has no time namespace, and its nsexec logs no phases
	# A new time namespace is made by the C part whatever the cgroup version.
	update_config '.linux.namespaces += [{"type": "time"}]'
	run_unpiped berth --debug run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_phase "id=$ID" 'src=nsenter' 'phase=namespaces' 'msg="namespaces entered: '
	assert_phase 'src=nsenter' 'phase=fork'
}

@test "--debug create, then start: each command logs its own phases and init's" {
	requires_berth
	local log=$BATS_TEST_TMPDIR/$ID.log
	berth --debug create --bundle "$BUNDLE" "$ID" </dev/null >"$log" 2>&1 3>&- || fail "create: $(cat "$log")"
	output=$(cat "$log")
	assert_phase 'op=create' 'phase=init'
	assert_phase 'src=init' 'phase=process'
	refute_output --partial 'src=init phase=exec'
	run berth --debug start "$ID"
	assert_success
	assert_phase 'src=init' 'phase=start' 'msg="start received"'
	assert_phase 'src=init' 'phase=exec' 'msg="exec /bin/true"'
	assert_phase 'op=start' 'phase=exec'
}

@test "--debug exec relays the C part's joins and its exec, with no Go init for a plain process" {
	requires_berth
	update_config '.process.args = ["sleep", "100"]'
	run_detached "$ID"
	run berth --debug exec "$ID" true
	assert_success
	assert_phase "id=$ID" 'src=nsenter' 'phase=namespaces' 'joined [a-z,]*mnt'
	assert_phase 'src=nsenter' 'phase=credentials'
	assert_phase 'src=nsenter' 'phase=exec' 'msg="exec /bin/true"'
	refute_output --partial 'src=init'
	assert_phase 'op=exec' 'phase=clone'
	assert_phase 'op=exec' 'phase=wait' 'status=0'
}

@test "--debug exec of a process with what only init does (a personality) goes through init" {
	requires_berth
	update_config '.process.args = ["sleep", "100"] | .linux.personality = {"domain": "LINUX32"}'
	run_detached "$ID"
	run berth --debug exec "$ID" true
	assert_success
	assert_phase 'src=init' 'phase=config'
	assert_phase 'src=init' 'phase=exec' 'msg="exec /bin/true"'
}

@test "--debug --log-format json --log FILE: JSON lines at level debug" {
	local log=$BATS_TEST_TMPDIR/berth.json
	run_unpiped berth --debug --log-format json --log "$log" run --bundle "$BUNDLE" "$ID"
	assert_success
	[[ -s $log ]] || fail "nothing was logged to $log"
	jq -e . "$log" >/dev/null || fail "not JSON lines: $(cat "$log")"
	jq -se 'map(select(.level == "debug" and .msg and .time)) | length > 0' "$log" >/dev/null ||
		fail "no line with \"level\":\"debug\", msg and time in: $(cat "$log")"
	# Only the program's output (none) on stderr: the log went to the file.
	assert_output ''
	is_berth || return 0
	jq -se 'map(select(.src == "init" and .phase == "exec" and (.duration | type == "number"))) | length == 1' \
		"$log" >/dev/null || fail "no init exec record with a duration in: $(cat "$log")"
	jq -se 'map(select(.src == "nsenter" and .phase == "cgroup")) | length <= 1' "$log" >/dev/null ||
		fail "repeated nsenter records in: $(cat "$log")"
}

@test "without --debug, run prints nothing and logs nothing" {
	local log=$BATS_TEST_TMPDIR/berth.log
	run_unpiped berth run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output ''
	run_unpiped berth --log "$log" --log-format json run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output ''
	[[ ! -s $log ]] || fail "logged without --debug: $(cat "$log")"
}

@test "--debug with a failing init: still one berth: line with the error, after the phases that ran" {
	requires_berth
	update_config '.process.args = ["/no/such/program"]'
	run_unpiped berth --debug run --bundle "$BUNDLE" "$ID"
	assert_failure 1
	assert_phase 'src=init' 'phase=rootfs'
	local errors
	errors=$(grep -v '^time=.* level=debug ' <<<"$output")
	[[ $errors == 'berth: run '"$ID"': process.args[0] "/no/such/program": '* && $errors != *$'\n'* ]] ||
		fail "want exactly one berth: line besides the debug lines, got: $errors"
	refute_output --partial 'src=init phase=exec'
	assert_no_leaks
}
