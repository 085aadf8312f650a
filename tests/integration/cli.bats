#!/usr/bin/env bats
# The command line itself: --version, --help, spec, and the --log / --log-format global flags.

load helpers

# Every command runc has: berth answers each of them, with help.
RUNC_COMMANDS=(checkpoint create delete events exec features kill list pause ps restore resume run spec start state update)

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
	for cmd in "${RUNC_COMMANDS[@]}"; do
		assert_line --regexp "^ +$cmd( |,)"
	done
}

@test "-h names the runtime on its second line, as runc's does" {
	run berth -h
	assert_success
	assert_line --index 0 "NAME:"
	assert_line --index 1 --regexp '^   [a-z]+ - Open Container Initiative runtime$'
}

@test "COMMAND -h and help COMMAND work for every runc command" {
	local cmd
	for cmd in "${RUNC_COMMANDS[@]}"; do
		run berth "$cmd" -h
		assert_success
		assert_line --index 0 "NAME:"
		assert_line --index 1 --regexp "^   [a-z]+ $cmd - [a-z]"
		refute_output --partial "No help topic"
		run berth help "$cmd"
		assert_success
		assert_line --index 1 --regexp "^   [a-z]+ $cmd - [a-z]"
	done
}

@test "an unknown command is one line, with no 'No help topic'" {
	requires_berth # runc 1.1.5 says "No help topic for 'no-such-command'" with status 3
	local args
	for args in no-such-command "help no-such-command" "no-such-command -h"; do
		# shellcheck disable=SC2086
		run berth $args
		assert_one_line_error '"no-such-command" is not a berth command'
		refute_output --partial "No help topic"
	done
}

@test "checkpoint and restore take runc's flags" {
	requires_berth # the wording of the errors; runc 1.1.5 takes the same flags
	run berth --criu /usr/sbin/criu checkpoint --image-path "$BATS_TEST_TMPDIR/img" \
		--work-path "$BATS_TEST_TMPDIR/work" --parent-path ../parent --leave-running \
		--tcp-established --ext-unix-sk --shell-job --lazy-pages --status-fd 3 \
		--page-server 127.0.0.1:9999 --file-locks --pre-dump --manage-cgroups-mode soft \
		--empty-ns network --auto-dedup "$ID"
	# Every flag parsed: what fails is the missing container (checkpoint.bats has the rest).
	assert_one_line_error "checkpoint $ID: container does not exist"

	run berth restore --image-path "$BATS_TEST_TMPDIR/img" --work-path "$BATS_TEST_TMPDIR/work" \
		--tcp-established --ext-unix-sk --shell-job --file-locks --manage-cgroups-mode full \
		--bundle "$BATS_TEST_TMPDIR" --detach --pid-file "$BATS_TEST_TMPDIR/pid" --no-subreaper \
		--no-pivot --empty-ns network --auto-dedup --lazy-pages --lsm-profile apparmor:x \
		--lsm-mount-context ctx --console-socket "$BATS_TEST_TMPDIR/sock" "$ID"
	assert_failure 1
	refute_output --partial "flag provided but not defined"
	[[ ! -e $BATS_TEST_TMPDIR/pid ]] || fail "restore left a pid file behind"
}

@test "checkpoint and restore need exactly one container id" {
	requires_berth # runc 1.1.5 prints the usage with its error
	local cmd
	for cmd in checkpoint restore; do
		run berth "$cmd"
		assert_one_line_error "$cmd: 1 argument(s) expected, got 0"
		run berth "$cmd" a b
		assert_one_line_error "$cmd: 1 argument(s) expected, got 2"
	done
}

@test "--rootless takes true, false or auto, nothing else" {
	requires_berth # runc 1.1.5 says it differently
	run berth --rootless maybe list
	assert_one_line_error '--rootless "maybe": must be true, false or auto'
}

@test "--rootless true, false and auto are accepted as root" {
	mkdir -p "$BERTH_ROOT"
	local value
	for value in true false auto; do
		run berth --rootless "$value" list
		assert_success
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
	# Exactly "error", as runc writes it: containerd's shim reports the message of the last line
	# whose level is "error" and ignores "ERROR" (tests/clients/containerd.bats sees it reach ctr).
	jq -se 'map(.level) | index("error")' "$log" >/dev/null ||
		fail "no line with level \"error\" in: $(cat "$log")"
}

@test "--log FILE in text format logs the error" {
	local log=$BATS_TEST_TMPDIR/berth.log
	run berth --log "$log" state no-such-container
	assert_failure 1
	grep -q 'level=error' "$log" || fail "no level=error line in: $(cat "$log")"
}
