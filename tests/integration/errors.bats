#!/usr/bin/env bats
# Bad input: each case exits 1 with a one-line message (for berth: "berth: <op> <id>: ..." naming
# the config field) and leaves nothing behind: no state entry, mount, process or cgroup.

load helpers

setup() {
	berth_setup
	setup_bundle true
}

teardown() {
	cleanup_berth
}

# create_fails [TEXT...]: `create` of $ID from $BUNDLE fails cleanly; berth's message is about
# "create $ID" and contains each TEXT.
create_fails() {
	run_unpiped berth create --bundle "$BUNDLE" "$ID"
	assert_one_line_error "$@"
	if is_berth; then assert_output --regexp "^berth: create $ID: "; fi
	assert_no_leaks
}

# op_fails OP ID [TEXT...]: `OP ID` fails with one line; for berth it starts "berth: OP ID: ".
op_fails() {
	local op=$1 id=$2
	shift 2
	run_unpiped berth "$op" "$id"
	assert_one_line_error "$@"
	if is_berth; then assert_output --regexp "^berth: $op $id: "; fi
}

@test "create: the bundle directory does not exist" {
	BUNDLE=$BATS_TEST_TMPDIR/no-such-bundle
	create_fails no-such-bundle
}

@test "create: the bundle has no config.json" {
	rm "$BUNDLE/config.json"
	create_fails config.json
}

@test "create: config.json is not valid JSON" {
	echo '{"ociVersion": "1.0.2", "process": {' >"$BUNDLE/config.json"
	create_fails config.json
}

@test "create: a field has the wrong type (process.user.uid is a string)" {
	update_config '.process.user.uid = "abc"'
	create_fails process.user.uid
}

@test "create: an unknown namespace type" {
	update_config '.linux.namespaces += [{type: "bogus"}]'
	create_fails linux.namespaces bogus
}

@test "create: the rootfs does not exist" {
	update_config '.root.path = "no-such-rootfs"'
	create_fails root.path no-such-rootfs
}

@test "create: the executable in process.args does not exist" {
	update_config '.process.args = ["/no/such/program"]'
	create_fails process.args /no/such/program
}

@test "create: invalid container IDs" {
	local id long
	long=$(printf 'x%.0s' {1..300})
	for id in a/b .. "$long"; do
		run_unpiped berth create --bundle "$BUNDLE" "$id"
		assert_one_line_error
		assert_no_leaks
	done
	[[ ! -e $BUNDLE/../a && ! -e $BERTH_ROOT/a ]] || fail "a/b created a directory"
}

@test "create: the ID is already taken" {
	create_container "$ID"
	local pid
	pid=$(container_pid "$ID")
	run_unpiped berth create --bundle "$BUNDLE" "$ID"
	assert_one_line_error
	if is_berth; then assert_output --regexp "^berth: create $ID: "; fi
	# The first container is untouched, and once it is deleted nothing is left.
	assert_equal "$(container_status "$ID")" created
	assert_equal "$(container_pid "$ID")" "$pid"
	berth delete --force "$ID"
	assert_no_leaks
}

@test "start, kill, state and delete of a container that does not exist" {
	local op
	for op in start kill state delete; do
		op_fails "$op" no-such-container
	done
	assert_no_leaks
}

@test "start of a container that was already started" {
	create_container "$ID"
	berth start "$ID"
	wait_for_status "$ID" stopped
	op_fails start "$ID"
	assert_equal "$(container_status "$ID")" stopped
}

@test "delete of a running container without --force" {
	update_config '.process.args = ["sleep", "1000"]'
	create_container "$ID"
	berth start "$ID"
	op_fails delete "$ID"
	assert_equal "$(container_status "$ID")" running
}

@test "kill of a stopped container" {
	create_container "$ID"
	berth start "$ID"
	wait_for_status "$ID" stopped
	op_fails kill "$ID"
	assert_equal "$(container_status "$ID")" stopped
}
