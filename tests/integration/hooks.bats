#!/usr/bin/env bats
# OCI hooks: each kind runs at its point of the lifecycle with the state on stdin, its args and
# env; failures and timeouts of the creation hooks fail create, post-hooks only warn.
#
# Hooks are host programs: shell scripts in $BATS_TEST_TMPDIR. createContainer runs in the
# container's namespaces before pivot_root (so host paths still resolve); startContainer runs
# inside the container after pivot_root, so its program is copied into the rootfs and it writes
# through a bind mount (/hooks-out) to the same directory as the others.

load helpers

setup() {
	berth_setup
	OUT=$BATS_TEST_TMPDIR/out
	mkdir -p "$OUT"
	RECORD=$BATS_TEST_TMPDIR/record-hook
	# record-hook DIR NAME [ARGS...]: save the state from stdin, the argv and the env under
	# DIR/NAME.*, and append NAME to DIR/order.
	cat >"$RECORD" <<-'EOF'
		#!/bin/sh
		dir=$1 name=$2
		cat >"$dir/$name.json"
		printf '%s\n' "$0" "$@" >"$dir/$name.args"
		env >"$dir/$name.env"
		echo "$name" >>"$dir/order"
	EOF
	chmod +x "$RECORD"
}

teardown() {
	cleanup_berth
}

# setup_hook_bundle ARGS...: a bundle running ARGS with /hooks-out bound to $OUT and the record
# script at /record-hook in its rootfs (for startContainer).
setup_hook_bundle() {
	setup_bundle "$@"
	cp "$RECORD" "$BUNDLE/rootfs/record-hook"
	update_config '.mounts += [{destination: "/hooks-out", type: "bind", source: $d,
		options: ["rbind", "rw"]}]' --arg d "$OUT"
}

# add_hook KIND PATH [ARGS...]: append a hook running PATH with argv ARGS (argv[0] = PATH).
add_hook() {
	local kind=$1 path=$2
	shift 2
	local args arg
	args=$(for arg in "$path" "$@"; do jq -n --arg a "$arg" '$a'; done | jq -sc .)
	update_config '.hooks[$k] += [{path: $p, args: $a}]' --arg k "$kind" --arg p "$path" \
		--argjson a "$args"
}

# add_record_hook KIND: a hook of KIND that records itself as KIND in $OUT.
add_record_hook() {
	if [[ $1 == startContainer ]]; then
		add_hook "$1" /record-hook /hooks-out "$1"
	else
		add_hook "$1" "$RECORD" "$OUT" "$1"
	fi
}

# hook_order: the recorded hook names on one line.
hook_order() {
	tr '\n' ' ' <"$OUT/order" 2>/dev/null | sed 's/ $//'
}

# write_script PATH BODY: a /bin/sh script.
write_script() {
	printf '#!/bin/sh\n%s\n' "$2" >"$1"
	chmod +x "$1"
}

ALL_HOOKS=(prestart createRuntime createContainer startContainer poststart poststop)

@test "creation hooks run at create, startContainer at start, poststop at delete" {
	setup_hook_bundle sh -c 'echo process >>/hooks-out/order'
	local kind
	for kind in "${ALL_HOOKS[@]}"; do
		add_record_hook "$kind"
	done

	create_container "$ID"
	# runc 1.1 also runs poststart here (a bug, fixed in runc 1.2): leave it out of this test.
	assert_equal "$(hook_order | sed 's/ poststart//')" "prestart createRuntime createContainer"

	berth start "$ID"
	wait_for_status "$ID" stopped
	assert_equal "$(hook_order | sed 's/ poststart//')" \
		"prestart createRuntime createContainer startContainer process"

	berth delete "$ID"
	assert_equal "$(hook_order | sed 's/ poststart//')" \
		"prestart createRuntime createContainer startContainer process poststop"
}

@test "poststart runs after start, not at create: the order of all six" {
	# runc 1.1 runs poststart hooks during create, before the process could start.
	requires_berth
	setup_hook_bundle sh -c 'echo process >>/hooks-out/order'
	local kind
	for kind in "${ALL_HOOKS[@]}"; do
		add_record_hook "$kind"
	done
	create_container "$ID"
	assert_equal "$(hook_order)" "prestart createRuntime createContainer"
	berth start "$ID"
	wait_for_status "$ID" stopped
	berth delete "$ID"
	run hook_order
	assert_output --regexp '^prestart createRuntime createContainer startContainer (process poststart|poststart process) poststop$'
	assert_equal "$(jq -r .status "$OUT/poststart.json")" running
}

@test "each hook gets the state on stdin: id, bundle, status and pid" {
	setup_hook_bundle true
	local kind
	for kind in "${ALL_HOOKS[@]}"; do
		add_record_hook "$kind"
	done
	create_container "$ID"
	local pid
	pid=$(container_pid "$ID")
	berth start "$ID"
	wait_for_status "$ID" stopped
	berth delete "$ID"

	for kind in "${ALL_HOOKS[@]}"; do
		[[ -s $OUT/$kind.json ]] || fail "$kind: no state on stdin"
		assert_equal "$kind $(jq -r .id "$OUT/$kind.json")" "$kind $ID"
		assert_equal "$kind $(jq -r .bundle "$OUT/$kind.json")" "$kind $BUNDLE"
		jq -e '.ociVersion | test("^[0-9]+\\.[0-9]+\\.[0-9]+")' "$OUT/$kind.json" >/dev/null ||
			fail "$kind: no ociVersion in $(cat "$OUT/$kind.json")"
	done
	# The hooks that run in the runtime's namespaces see the container's host pid.
	for kind in prestart createRuntime; do
		assert_equal "$kind $(jq -r .pid "$OUT/$kind.json")" "$kind $pid"
	done
	assert_equal "$(jq -r .status "$OUT/prestart.json")" creating
	assert_equal "$(jq -r .status "$OUT/createRuntime.json")" creating
	assert_equal "$(jq -r .status "$OUT/createContainer.json")" creating
	assert_equal "$(jq -r .status "$OUT/startContainer.json")" created
	assert_equal "$(jq -r .status "$OUT/poststop.json")" stopped
}

@test "createContainer and startContainer get the host's pid in their state too" {
	# runc 1.1 passes pid 1 (the pid seen inside the container) to these two; the state's pid
	# is the host's view everywhere else.
	requires_berth
	setup_hook_bundle true
	add_record_hook createContainer
	add_record_hook startContainer
	create_container "$ID"
	local pid
	pid=$(container_pid "$ID")
	berth start "$ID"
	wait_for_status "$ID" stopped
	assert_equal "$(jq -r .pid "$OUT/createContainer.json")" "$pid"
	assert_equal "$(jq -r .pid "$OUT/startContainer.json")" "$pid"
}

@test "hooks get their args and env, and only that env" {
	setup_hook_bundle true
	add_record_hook createRuntime
	update_config '.hooks.createRuntime[0].args += ["two words", ""]
		| .hooks.createRuntime[0].env = ["HOOK_VAR=hello", "OTHER=x y"]'
	export BERTH_TEST_LEAK=from-the-caller
	create_container "$ID"
	unset BERTH_TEST_LEAK
	run cat "$OUT/createRuntime.args"
	assert_equal "$output" "$(printf '%s\n' "$RECORD" "$OUT" createRuntime "two words" "")"
	run cat "$OUT/createRuntime.env"
	assert_line HOOK_VAR=hello
	assert_line "OTHER=x y"
	refute_line --partial BERTH_TEST_LEAK
}

@test "createContainer runs in the container's namespaces, startContainer inside its rootfs" {
	setup_hook_bundle true
	update_config '.hostname = "hook-box"'
	write_script "$BATS_TEST_TMPDIR/ns-hook" \
		"for ns in mnt uts ipc net pid; do readlink /proc/self/ns/\$ns; done >$OUT/cc.ns"
	add_hook createContainer "$BATS_TEST_TMPDIR/ns-hook"
	write_script "$BUNDLE/rootfs/start-hook" 'hostname >/hooks-out/sc.hostname; ls / >/hooks-out/sc.root'
	add_hook startContainer /start-hook
	write_script "$BATS_TEST_TMPDIR/rt-hook" "readlink /proc/self/ns/mnt >$OUT/cr.mnt"
	add_hook createRuntime "$BATS_TEST_TMPDIR/rt-hook"
	create_container "$ID"
	local pid
	pid=$(container_pid "$ID")
	assert_equal "$(cat "$OUT/cc.ns")" \
		"$(for ns in mnt uts ipc net pid; do readlink "/proc/$pid/ns/$ns"; done)"
	# createRuntime runs in the runtime's namespaces.
	assert_equal "$(cat "$OUT/cr.mnt")" "$(readlink /proc/self/ns/mnt)"
	berth start "$ID"
	wait_for_status "$ID" stopped
	assert_equal "$(cat "$OUT/sc.hostname")" hook-box
	# It saw the container's root: the file it ran from and the bind mount.
	grep -qx start-hook "$OUT/sc.root" || fail "startContainer did not run in the rootfs"
	grep -qx hooks-out "$OUT/sc.root" || fail "startContainer did not run in the rootfs"
}

@test "a failing createRuntime hook fails create with exit 1 and leaves nothing" {
	setup_hook_bundle true
	write_script "$BATS_TEST_TMPDIR/fail-hook" 'cat >/dev/null; echo hook-says-no >&2; exit 3'
	add_hook createRuntime "$BATS_TEST_TMPDIR/fail-hook"
	run_unpiped berth create --bundle "$BUNDLE" "$ID"
	assert_failure 1
	assert_no_leaks
}

@test "a failing prestart or createContainer hook fails create too" {
	local kind
	for kind in prestart createContainer; do
		setup_hook_bundle true
		write_script "$BATS_TEST_TMPDIR/fail-hook" 'exit 1'
		add_hook "$kind" "$BATS_TEST_TMPDIR/fail-hook"
		run_unpiped berth create --bundle "$BUNDLE" "$ID"
		assert_failure 1
		assert_no_leaks
	done
}

@test "a failing startContainer hook stops the container before its process runs" {
	setup_hook_bundle sh -c 'echo ran >/hooks-out/process-ran'
	write_script "$BUNDLE/rootfs/fail-hook" 'exit 1'
	add_hook startContainer /fail-hook
	create_container "$ID"
	run_unpiped berth start "$ID"
	wait_for_status "$ID" stopped
	[[ ! -e $OUT/process-ran ]] || fail "the process ran although startContainer failed"
}

@test "a failing startContainer hook makes start fail with exit 1" {
	# runc 1.1's start returns 0 before init runs the hook; the spec asks for an error.
	requires_berth
	setup_hook_bundle true
	write_script "$BUNDLE/rootfs/fail-hook" 'exit 1'
	add_hook startContainer /fail-hook
	create_container "$ID"
	run_unpiped berth start "$ID"
	assert_failure 1
}

@test "a hook that outlives its timeout fails create" {
	setup_hook_bundle true
	write_script "$BATS_TEST_TMPDIR/slow-hook" "echo \$\$ >$OUT/hook.pid; exec sleep 30"
	add_hook createRuntime "$BATS_TEST_TMPDIR/slow-hook"
	update_config '.hooks.createRuntime[0].timeout = 1'
	local start=$SECONDS
	run_unpiped berth create --bundle "$BUNDLE" "$ID"
	assert_failure 1
	[[ $((SECONDS - start)) -lt 10 ]] || fail "create took $((SECONDS - start))s with a 1s hook timeout"
	assert_no_leaks
	# The hook itself was killed, not left sleeping.
	local hook_pid
	hook_pid=$(cat "$OUT/hook.pid")
	echo "$hook_pid" >>"$BERTH_PIDS_FILE"
	process_gone "$hook_pid" || fail "the timed-out hook $hook_pid is still running"
}

@test "a timed-out hook whose child keeps its stdout open still fails at once" {
	# runc 1.1 kills only the hook's process, then waits for its output pipes, which the
	# sleeping grandchild holds: create takes the whole 30 s.
	requires_berth
	setup_hook_bundle true
	write_script "$BATS_TEST_TMPDIR/slow-hook" "sleep 30 & echo \$! >$OUT/child.pid; wait"
	add_hook createRuntime "$BATS_TEST_TMPDIR/slow-hook"
	update_config '.hooks.createRuntime[0].timeout = 1'
	local start=$SECONDS
	run_unpiped berth create --bundle "$BUNDLE" "$ID"
	# The teardown kills the grandchild, whoever else does not.
	cat "$OUT/child.pid" >>"$BERTH_PIDS_FILE" 2>/dev/null || true
	assert_failure 1
	[[ $((SECONDS - start)) -lt 10 ]] || fail "create took $((SECONDS - start))s with a 1s hook timeout"
	assert_no_leaks
}

@test "a failing poststart hook fails start and stops the container (runtime-spec 1.3)" {
	# runtime-spec 1.3 runtime.md step 9: "If any poststart hook fails, the runtime MUST generate
	# an error, stop the container, and continue the lifecycle at step 12" (1.0 said: warn).
	# runc 1.1 runs poststart during create instead, so this is berth's behaviour only.
	requires_berth
	setup_hook_bundle sh -c 'sleep 10; echo ran >/hooks-out/process-ran'
	write_script "$BATS_TEST_TMPDIR/fail-hook" 'exit 1'
	add_hook poststart "$BATS_TEST_TMPDIR/fail-hook"
	add_record_hook poststart
	create_container "$ID"
	run_unpiped berth start "$ID"
	assert_failure
	assert_output --partial 'hooks.poststart[0]'
	wait_for_status "$ID" stopped
	[[ ! -e $OUT/process-ran ]] || fail "the process ran to its end although start failed"
	# The hooks after the failing one do not run.
	[[ ! -e $OUT/poststart.json ]] || fail "a later poststart hook ran"
	# The lifecycle continues at delete.
	berth delete "$ID"
}

@test "a failing poststop hook only warns: delete succeeds" {
	setup_hook_bundle true
	write_script "$BATS_TEST_TMPDIR/fail-hook" 'exit 1'
	add_hook poststop "$BATS_TEST_TMPDIR/fail-hook"
	create_container "$ID"
	berth start "$ID"
	wait_for_status "$ID" stopped
	run_unpiped berth delete "$ID"
	assert_success
	run berth state "$ID"
	assert_failure 1
}

@test "after a failing poststop hook the remaining ones still run" {
	# runc 1.1 stops at the first failing poststop hook; the spec says to go on.
	requires_berth
	setup_hook_bundle true
	write_script "$BATS_TEST_TMPDIR/fail-hook" 'exit 1'
	add_hook poststop "$BATS_TEST_TMPDIR/fail-hook"
	add_record_hook poststop
	create_container "$ID"
	berth start "$ID"
	wait_for_status "$ID" stopped
	run_unpiped berth delete "$ID"
	assert_success
	[[ -s $OUT/poststop.json ]] || fail "the second poststop hook did not run"
}

@test "run in the foreground runs all six hooks, poststop last" {
	setup_hook_bundle true
	local kind
	for kind in "${ALL_HOOKS[@]}"; do
		add_record_hook "$kind"
	done
	run_unpiped berth run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_equal "$(tr '\n' ' ' <"$OUT/order" | tr ' ' '\n' | sort | xargs)" \
		"createContainer createRuntime poststart poststop prestart startContainer"
	assert_equal "$(tail -n 1 "$OUT/order")" poststop
	if is_berth; then
		assert_equal "$(hook_order)" \
			"prestart createRuntime createContainer startContainer poststart poststop"
	fi
}
