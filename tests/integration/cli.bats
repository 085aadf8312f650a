#!/usr/bin/env bats
# The command line itself: --version, --help, spec, and the --log / --log-format global flags.

load helpers

setup() {
	berth_setup
}

teardown() {
	cleanup_berth
}

@test "--version prints the runtime's version and the OCI spec version" {
	run berth --version
	assert_success
	assert_line --index 0 --regexp '^[a-z]+ version [0-9]+\.[0-9]+\.[0-9]+'
	assert_line --regexp '^spec: [0-9]+\.[0-9]+\.[0-9]+'
}

@test "--version names berth, its VERSION and its commit" {
	requires_berth
	run berth --version
	assert_success
	assert_line --index 0 "berth version $(cat "$REPO/VERSION")"
	assert_line --regexp '^commit: [0-9a-f]{7,}|^commit: unknown'
	assert_line --regexp '^spec: 1\.[0-9]+\.[0-9]+'
}

@test "--help lists the commands" {
	run berth --help
	assert_success
	local cmd
	for cmd in create start run kill delete state list spec; do
		assert_line --regexp "^ +$cmd( |,)"
	done
}

@test "spec writes a config.json that jq reads, and will not overwrite it" {
	cd "$BATS_TEST_TMPDIR"
	run berth spec
	assert_success
	jq -e '.ociVersion and (.process.args | length > 0) and .root.path and
		(.linux.namespaces | length > 0)' config.json >/dev/null ||
		fail "config.json lacks basic fields: $(cat config.json)"
	local before
	before=$(sha256sum config.json)

	run berth spec
	assert_one_line_error
	assert_equal "$(sha256sum config.json)" "$before"
}

@test "spec --bundle writes into the given directory" {
	mkdir "$BATS_TEST_TMPDIR/b"
	run berth spec --bundle "$BATS_TEST_TMPDIR/b"
	assert_success
	jq -e .ociVersion "$BATS_TEST_TMPDIR/b/config.json" >/dev/null
}

@test "spec --rootless has a user namespace and id mappings" {
	cd "$BATS_TEST_TMPDIR"
	run berth spec --rootless
	assert_success
	jq -e '[.linux.namespaces[].type] | index("user")' config.json >/dev/null ||
		fail "no user namespace: $(jq -c .linux.namespaces config.json)"
	jq -e '(.linux.uidMappings | length > 0) and (.linux.gidMappings | length > 0)' \
		config.json >/dev/null || fail "no uid/gid mappings"
}

@test "--log FILE --log-format json writes JSON lines with level, msg and time" {
	local log=$BATS_TEST_TMPDIR/berth.log
	run berth --log "$log" --log-format json state no-such-container
	assert_failure 1
	[[ -s $log ]] || fail "nothing was logged to $log"
	local line
	while IFS= read -r line; do
		jq -e '.level and .msg and .time' <<<"$line" >/dev/null ||
			fail "not a JSON log line with level, msg and time: $line"
	done <"$log"
	# Level names are compared without case: containerd's parser accepts "error" and "ERROR".
	jq -se 'map(.level | ascii_downcase) | index("error")' "$log" >/dev/null ||
		fail "no error line in: $(cat "$log")"
}

@test "--log FILE in text format logs the error" {
	local log=$BATS_TEST_TMPDIR/berth.log
	run berth --log "$log" state no-such-container
	assert_failure 1
	grep -qi 'level=error' "$log" || fail "no level=error line in: $(cat "$log")"
}
