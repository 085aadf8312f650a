#!/usr/bin/env bats
# bats file_tags=vm
# AppArmor (process.apparmorProfile, exec --apparmor) in the test VM, where AppArmor is the
# active LSM: each test loads a small profile of its own with apparmor_parser that allows
# everything but reading /etc/group and writing /dev/shm/denied, and checks that the container's
# process runs under it and that it bites. Outside the VM these skip.

load helpers

setup() {
	berth_setup
	[[ ${BERTH_IN_VM:-} == 1 ]] || skip "runs only in the test VM (make test-vm)"
	command -v apparmor_parser >/dev/null || fail "apparmor_parser is missing from the test VM"
	PROFILE=berth-bats-$$-${BATS_SUITE_TEST_NUMBER:-$BATS_TEST_NUMBER}
	PROFILE_FILE=$BATS_TEST_TMPDIR/$PROFILE.profile
	setup_bundle sleep 1000
}

teardown() {
	local rc=0
	cleanup_berth || rc=$?
	[[ ! -f ${PROFILE_FILE:-} ]] || apparmor_parser -R "$PROFILE_FILE" 2>/dev/null || true
	return "$rc"
}

# load_profile: load $PROFILE: everything allowed except the two accesses the tests try.
# attach_disconnected: the container's paths after pivot_root are not reachable from the
# host's root.
load_profile() {
	cat >"$PROFILE_FILE" <<-EOF
		profile $PROFILE flags=(attach_disconnected,mediate_deleted) {
		  file,
		  capability,
		  network,
		  signal,
		  ptrace,
		  unix,
		  mount,
		  umount,
		  pivot_root,
		  deny /etc/group r,
		  deny /dev/shm/denied w,
		}
	EOF
	apparmor_parser -r "$PROFILE_FILE" || fail "apparmor_parser could not load $PROFILE_FILE"
}

# PROBE: what the container's process reports: its label, then each access tried.
PROBE='
	cat /proc/self/attr/current; echo
	cat /etc/passwd >/dev/null && echo read-passwd-ok
	cat /etc/group >/dev/null 2>&1 || echo read-group-denied
	echo x >/dev/shm/allowed && echo write-allowed-ok
	(echo x >/dev/shm/denied) 2>/dev/null || echo write-denied-denied'

# assert_confined_output: the PROBE output of a process confined by $PROFILE.
assert_confined_output() {
	assert_success
	assert_line --index 0 "$PROFILE (enforce)"
	assert_line read-passwd-ok
	assert_line read-group-denied
	assert_line write-allowed-ok
	assert_line write-denied-denied
}

@test "apparmor: process.apparmorProfile confines the container's process" {
	load_profile
	update_config '.process.args = ["sh", "-c", $s] | .process.apparmorProfile = $p' \
		--arg s "$PROBE" --arg p "$PROFILE"
	run_unpiped berth run --bundle "$BUNDLE" "$ID"
	assert_confined_output
}

@test "apparmor: the host sees the container's process under the profile" {
	load_profile
	update_config '.process.apparmorProfile = $p' --arg p "$PROFILE"
	run_detached "$ID"
	run cat "/proc/$(container_pid "$ID")/attr/current"
	assert_output "$PROFILE (enforce)"
}

@test "apparmor: exec --apparmor confines the exec'd process" {
	load_profile
	run_detached "$ID"
	run berth exec "$ID" cat /proc/self/attr/current
	assert_success
	assert_output unconfined
	run berth exec --apparmor "$PROFILE" "$ID" sh -c "$PROBE"
	assert_confined_output
}

@test "apparmor: exec without --apparmor takes the container's profile" {
	load_profile
	update_config '.process.apparmorProfile = $p' --arg p "$PROFILE"
	run_detached "$ID"
	run berth exec "$ID" sh -c "$PROBE"
	assert_confined_output
}

@test "apparmor: a profile that is not loaded is a clear error, and nothing is left" {
	update_config '.process.apparmorProfile = "berth-no-such-profile"'
	run_unpiped berth create --bundle "$BUNDLE" "$ID"
	assert_one_line_error 'process.apparmorProfile "berth-no-such-profile"'
	if is_berth; then
		assert_output --partial "not loaded"
	fi
	assert_no_leaks
}

@test "apparmor: exec --apparmor with a profile that is not loaded fails clearly" {
	run_detached "$ID"
	run_unpiped berth exec --apparmor berth-no-such-profile "$ID" true
	# runc's status when exec itself fails, with one line naming the profile.
	assert_failure 255
	[[ $output != *$'\n'* ]] || fail "want a one-line error, got: $output"
	assert_output --partial berth-no-such-profile
	if is_berth; then
		assert_output --partial "not loaded"
	fi
	assert_equal "$(container_status "$ID")" running
}

@test "apparmor: \"unconfined\" runs the process unconfined" {
	update_config '.process.args = ["cat", "/proc/self/attr/current"] | .process.apparmorProfile = "unconfined"'
	run_unpiped berth run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output unconfined
}
