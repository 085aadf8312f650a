#!/usr/bin/env bats
# berth check --bundle: every problem of a bundle, with its field, from the checks create runs;
# nothing is made. berth's own command (runc has none). A frozen cgroupsPath is in
# frozen_cgroup.bats.

load helpers

setup() {
	berth_setup
	requires_berth
	setup_bundle true
}

teardown() {
	cleanup_berth
}

@test "check: a good bundle has no problems and exits 0" {
	run_unpiped berth check --bundle "$BUNDLE"
	assert_success
	assert_output "bundle $BUNDLE: no problems found"
	run_unpiped berth check --bundle "$BUNDLE" --format json
	assert_success
	assert_equal "$(jq -c .problems <<<"$output")" "[]"
}

@test "check: every error and warning is listed with its field, create stops at the first" {
	update_config '.process.cwd = "tmp" | .process.user.uid = 4294967295
		| .process.capabilities.bounding += ["CAP_FOO"]
		| .linux.seccomp = {"defaultAction": "SCMP_ACT_NOPE"}'
	run_unpiped berth check --bundle "$BUNDLE"
	assert_failure 1
	assert_line --index 0 'error: process.cwd "tmp": must be an absolute path inside the container'
	assert_line --index 1 --partial 'error: process.user.uid 4294967295: out of range'
	assert_line --index 2 --partial 'warning: process.capabilities.bounding['
	assert_line --index 3 'error: linux.seccomp.defaultAction "SCMP_ACT_NOPE": unknown action'
	assert_equal "${#lines[@]}" 4
	run_unpiped berth check --bundle "$BUNDLE" -f json
	assert_failure 1
	assert_equal "$(jq -r '[.problems[].level] | join(",")' <<<"$output")" error,error,warning,error
	# create refuses the same bundle with the first error, and leaves nothing.
	run_unpiped berth create --bundle "$BUNDLE" "$ID"
	assert_one_line_error 'process.cwd "tmp"'
	assert_no_leaks
}

@test "check: host problems (a namespace or LSM this host lacks) are errors" {
	# No AppArmor on this host (TESTING.md): a profile cannot be applied.
	[[ -e /sys/kernel/security/apparmor ]] && skip "AppArmor is enabled here"
	update_config '.process.apparmorProfile = "berth-test"'
	run_unpiped berth check --bundle "$BUNDLE"
	assert_failure 1
	assert_output --partial 'error: process.apparmorProfile "berth-test"'
	assert_no_leaks
}

@test "check: an unreadable bundle is one error; a bad --format is refused" {
	run_unpiped berth check --bundle "$BATS_TEST_TMPDIR/nothing"
	assert_failure 1
	assert_output "error: bundle \"$BATS_TEST_TMPDIR/nothing\": no such file or directory"
	run_unpiped berth check --bundle "$BUNDLE" --format yaml
	assert_one_line_error '--format "yaml"'
}
