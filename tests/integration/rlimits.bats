#!/usr/bin/env bats
# process.rlimits: applied as given, inherited when absent, refused when impossible.

load helpers

setup() {
	berth_setup
}

teardown() {
	cleanup_berth
}

# set_rlimits JQ_ARRAY: make process.rlimits exactly JQ_ARRAY, where the string "INF" stands for
# RLIM_INFINITY (2^64-1, which jq would round to a float).
set_rlimits() {
	update_config ".process.rlimits = $1"
	sed -i 's/"INF"/18446744073709551615/g' "$BUNDLE/config.json"
}

# limits_line NAME: a shell snippet printing "SOFT HARD" of the /proc/self/limits row NAME.
limits_line() {
	echo "grep '^$1 ' /proc/self/limits | awk '{ print \$(NF-2), \$(NF-1) }'"
}

@test "RLIMIT_NOFILE: ulimit -n and -Hn show the config's soft and hard limits" {
	setup_bundle sh -c 'ulimit -n; ulimit -Hn'
	set_rlimits '[{type: "RLIMIT_NOFILE", soft: 512, hard: 1536}]'
	run_container
	assert_success
	assert_line --index 0 512
	assert_line --index 1 1536
}

@test "several rlimits at once, including unlimited" {
	setup_bundle sh -c "$(limits_line 'Max core file size'); $(limits_line 'Max processes');
		$(limits_line 'Max stack size'); $(limits_line 'Max file size'); $(limits_line 'Max locked memory')"
	set_rlimits '[{type: "RLIMIT_CORE", soft: 4096, hard: 8192},
		{type: "RLIMIT_NPROC", soft: 100, hard: 200},
		{type: "RLIMIT_STACK", soft: 1048576, hard: "INF"},
		{type: "RLIMIT_FSIZE", soft: "INF", hard: "INF"},
		{type: "RLIMIT_MEMLOCK", soft: 65536, hard: 65536}]'
	run_container
	assert_success
	assert_line --index 0 "4096 8192"
	assert_line --index 1 "100 200"
	assert_line --index 2 "1048576 unlimited"
	assert_line --index 3 "unlimited unlimited"
	assert_line --index 4 "65536 65536"
}

@test "a limit the config does not name is inherited from the caller" {
	setup_bundle sh -c "$(limits_line 'Max core file size')"
	set_rlimits '[{type: "RLIMIT_NOFILE", soft: 1024, hard: 1024}]'
	# bash counts -c in 1024-byte blocks.
	status=0
	(ulimit -H -c 16 && ulimit -S -c 8 && run_container && echo "$status $output") \
		>"$BATS_TEST_TMPDIR/out" 2>&1 || status=$?
	assert_equal "$status" 0
	assert_equal "$(cat "$BATS_TEST_TMPDIR/out")" "0 8192 16384"
}

@test "soft above hard is refused with exit 1 and leaves nothing" {
	setup_bundle true
	set_rlimits '[{type: "RLIMIT_NOFILE", soft: 2048, hard: 1024}]'
	run_unpiped berth create --bundle "$BUNDLE" "$ID"
	assert_failure 1
	assert_no_leaks
	run_container
	assert_failure 1
	assert_no_leaks
}

@test "an unknown rlimit type is refused" {
	setup_bundle true
	set_rlimits '[{type: "RLIMIT_BOGUS", soft: 1, hard: 1}]'
	run_container
	assert_failure 1
	assert_no_leaks
}

@test "a hard limit above the runtime's own needs CAP_SYS_RESOURCE" {
	# This host's capability bounding set lacks CAP_SYS_RESOURCE (bit 24), so no process here,
	# the runtime included, may raise a hard limit.
	local bnd
	bnd=$(awk '/^CapBnd:/ { print $2 }' /proc/self/status)
	(((0x$bnd >> 24) & 1)) && skip "this host has CAP_SYS_RESOURCE in its bounding set"
	local host_hard
	host_hard=$(ulimit -Hn)
	setup_bundle true
	set_rlimits "[{type: \"RLIMIT_NOFILE\", soft: 1024, hard: $((host_hard + 1000))}]"
	run_container
	assert_failure 1
	assert_no_leaks
}
