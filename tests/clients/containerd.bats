#!/usr/bin/env bats
# containerd (Debian's 1.6) and ctr with the runtime under test as the runc v2 shim's runc binary
# (--runc-binary): the shim drives it as it would drive runc, with --log FILE --log-format json,
# a console socket for terminals and FIFOs for stdio.
#
# The daemon is this file's own: config, root, state, gRPC and ttrpc sockets in the file's temp
# dir, the CRI plugin off. ctr is given the runtime's --root (--runc-root) and the FIFO directory
# there too. The image is an OCI layout made with umoci from the busybox rootfs and imported with
# `ctr images import`. One thing stays outside: the shim's socket directory, /run/containerd/s, is
# fixed in containerd 1.6 (the shim removes its socket when it exits; the directory is removed
# at the end if this suite created it).

load helpers
load containerd

IMAGE=localhost/berth-busybox:latest

setup_file() {
	client_setup_file containerd umoci bsdutils
	NAMESPACE=$CGROUP_PARENT # ctr's default cgroupsPath is /NAMESPACE/ID
	RUNTIME_ROOT=$CLIENT_DIR/runc/$NAMESPACE
	export NAMESPACE RUNTIME_ROOT
	containerd_base_config io.containerd.grpc.v1.cri >"$CLIENT_DIR/containerd.toml"
	start_containerd
	import_image
}

teardown_file() {
	shutdown_containerd
}

# Every test names its containers after its number, so the teardown knows what to remove.
setup() {
	NAME=bc-$BATS_TEST_NUMBER-$$
}

teardown() {
	remove_container "$NAME"
	remove_container "$NAME-2"
}

# ctrd ARGS...: ctr talking to this suite's containerd, in the suite's namespace.
ctrd() {
	timeout --foreground -k 5 "$CLIENT_TIMEOUT" ctr --address "$CLIENT_DIR/containerd.sock" \
		--namespace "$NAMESPACE" "$@"
}

# ctrd_run ARGS...: `ctr run` with the runtime under test, its state and the FIFOs in CLIENT_DIR.
ctrd_run() {
	ctrd run --runc-binary "$BERTH_BIN" --runc-root "$CLIENT_DIR/runc" \
		--fifo-dir "$CLIENT_DIR/fifo" "$@"
}

# ctrd_exec ARGS...: `ctr task exec` with the FIFOs in CLIENT_DIR.
ctrd_exec() {
	ctrd task exec --fifo-dir "$CLIENT_DIR/fifo" "$@"
}

# For run_in_tty, which runs them in a new shell.
export -f ctrd ctrd_run ctrd_exec

@test "ctr run --rm prints the container's output" {
	run_client ctrd_run --rm "$IMAGE" "$NAME" echo hello from ctr
	assert_success
	assert_output "hello from ctr"
	run_client ctrd containers list --quiet
	refute_line "$NAME"
}

@test "ctr run --rm returns the exit status of a failing command" {
	run_client ctrd_run --rm "$IMAGE" "$NAME" sh -c 'echo failing >&2; exit 7'
	assert_failure 7
	assert_output "failing"
}

@test "ctr run -t gives the container a terminal and returns when it exits" {
	run_in_tty ctrd_run -t --rm "$IMAGE" "$NAME" sh -c 'tty; stty size >/dev/null && echo sized; exit 4'
	assert_failure 4
	assert_line --regexp '/dev/pts/[0-9]+$'
	assert_line "sized"
}

@test "ctr run -d, task exec (-t too), ps, pause, resume and kill" {
	# The trap lets SIGTERM end PID 1, which ignores signals it has no handler for.
	run_client ctrd_run -d "$IMAGE" "$NAME" sh -c 'trap "exit 3" TERM; sleep 100 & wait'
	assert_success
	assert_equal "$(task_status "$NAME")" RUNNING

	run_client ctrd_exec --exec-id e1 "$NAME" sh -c 'echo exec-plain; exit 6'
	assert_failure 6
	assert_output "exec-plain"
	run_in_tty ctrd_exec -t --exec-id e2 "$NAME" sh -c 'tty; echo exec-tty'
	assert_success
	assert_line --regexp '/dev/pts/[0-9]+$'
	assert_line "exec-tty"

	run_client ctrd task ps "$NAME"
	assert_success
	[[ ${#lines[@]} -ge 3 ]] || fail "want PID 1 and its sleep in ctr task ps, got: $output"

	run_client ctrd task pause "$NAME"
	assert_success
	assert_equal "$(task_status "$NAME")" PAUSED
	run_client ctrd task resume "$NAME"
	assert_success
	assert_equal "$(task_status "$NAME")" RUNNING

	run_client ctrd task kill "$NAME"
	assert_success
	wait_until 10 task_is "$NAME" STOPPED
	run_client ctrd task delete "$NAME"
	assert_success
	assert_output --partial "exit code 3"
}

@test "ctr task kill --signal KILL stops a container that ignores SIGTERM" {
	run_client ctrd_run -d "$IMAGE" "$NAME" sleep 100
	assert_success
	run_client ctrd task kill --signal KILL "$NAME"
	assert_success
	wait_until 10 task_is "$NAME" STOPPED
	run_client ctrd task delete "$NAME"
	assert_success
	assert_output --partial "exit code 137"
}

@test "ctr run: the runtime's error for a missing command reaches ctr" {
	run_client ctrd_run --rm "$IMAGE" "$NAME" /no/such/command
	assert_failure 1
	assert_output --partial "OCI runtime create failed"
	assert_output --partial "/no/such/command"
	assert_output --partial "no such file or directory"
	if is_berth; then
		assert_output --partial "create $NAME: process.args[0] \"/no/such/command\""
	fi
	refute_output --partial "did not terminate successfully"
	run_client ctrd task list --quiet
	refute_line "$NAME"
}

@test "ctr run: the runtime's error for a bad mount reaches ctr" {
	run_client ctrd_run --rm --mount type=bind,src=/no/such/source,dst=/mnt,options=rbind \
		"$IMAGE" "$NAME" true
	assert_failure 1
	assert_output --partial "OCI runtime create failed"
	assert_output --partial "/no/such/source"
	if is_berth; then
		assert_output --regexp "create $NAME: mounts\[[0-9]+\]"
	fi
	refute_output --partial "did not terminate successfully"
}

@test "containerd: removing every container and stopping the daemon leaves nothing behind" {
	run_client ctrd_run -d "$IMAGE" "$NAME" sleep 100
	assert_success
	run_client ctrd_run -d "$IMAGE" "$NAME-2" sleep 100
	assert_success
	remove_all_containers
	run_client ctrd containers list --quiet
	assert_output ""
	stop_containerd
	assert_client_left_nothing
}
