#!/usr/bin/env bats
# podman (Debian's 4.3) with the runtime under test as --runtime: podman drives it through conmon
# as it would drive runc, on an image imported from the busybox rootfs.
#
# Everything podman keeps is private to this file's temp dir: storage (--root, --runroot, vfs:
# no mounts to undo), its tmp dir and file locks, events in a file; containers.conf sets no
# network (Debian's podman without its recommended packages has no network plugins), cgroupfs,
# and rlimits below this machine's hard limits (root lacks CAP_SYS_RESOURCE here, and podman
# would otherwise ask for nofile=1048576). The runtime's own state stays in its default --root:
# podman 4.3 drops --runtime-flag root=... when its cleanup process deletes a --rm container.

load helpers

IMAGE=localhost/berth-busybox

setup_file() {
	client_setup_file podman bsdutils
	write_podman_config
	busybox_rootfs_tar "$CLIENT_DIR/rootfs.tar"
	pm import --change CMD=/bin/sh "$CLIENT_DIR/rootfs.tar" "$IMAGE" >/dev/null ||
		fail "podman import failed"
}

teardown_file() {
	pm rm --all --force --time 0 >/dev/null 2>&1 || true
	reclaim_client_leftovers
}

# Every test names its containers after its number, so the teardown knows what to remove.
setup() {
	NAME=bc-$BATS_TEST_NUMBER-$$
}

teardown() {
	pm rm --force --time 0 "$NAME" "$NAME-2" >/dev/null 2>&1 || true
}

# write_podman_config: containers.conf and storage.conf in CLIENT_DIR, exported for podman.
write_podman_config() {
	cat >"$CLIENT_DIR/containers.conf" <<-EOF
		[containers]
		default_ulimits = ["nofile=1024:1024", "nproc=8192:8192"]
		netns = "none"
		log_driver = "k8s-file"
		[engine]
		cgroup_manager = "cgroupfs"
		events_logger = "file"
		events_logfile_path = "$CLIENT_DIR/events.log"
		lock_type = "file"
		tmp_dir = "$CLIENT_DIR/tmp"
		[network]
		network_config_dir = "$CLIENT_DIR/net"
	EOF
	cat >"$CLIENT_DIR/storage.conf" <<-EOF
		[storage]
		driver = "vfs"
		graphroot = "$CLIENT_DIR/graph"
		runroot = "$CLIENT_DIR/run"
	EOF
	export CONTAINERS_CONF=$CLIENT_DIR/containers.conf
	export CONTAINERS_STORAGE_CONF=$CLIENT_DIR/storage.conf
}

# pm ARGS...: podman with this suite's storage and the runtime under test.
pm() {
	timeout --foreground -k 5 "$CLIENT_TIMEOUT" podman --root "$CLIENT_DIR/graph" --runroot "$CLIENT_DIR/run" \
		--runtime "$BERTH_BIN" "$@"
}

# pm_run ARGS...: `podman run` with the container's cgroups under CGROUP_PARENT.
pm_run() {
	pm run --cgroup-parent "/$CGROUP_PARENT" "$@"
}

# For run_in_tty, which runs them in a new shell.
export -f pm pm_run

@test "podman run --rm prints the container's output" {
	run_client pm_run --rm --name "$NAME" "$IMAGE" echo hello from podman
	assert_success
	assert_output "hello from podman"
	run_client pm ps --all --quiet --filter name="$NAME"
	assert_success
	assert_output ""
}

@test "podman run --rm returns the exit status of a failing command" {
	run_client pm_run --rm --name "$NAME" "$IMAGE" sh -c 'echo failing >&2; exit 42'
	assert_failure 42
	assert_output "failing"
}

@test "podman run -d, exec, stop and rm" {
	# The trap makes the stop quick: PID 1 ignores a SIGTERM it has no handler for.
	run_client pm_run -d --name "$NAME" "$IMAGE" sh -c 'trap "exit 3" TERM; sleep 100 & wait'
	assert_success
	run_client pm exec "$NAME" sh -c 'echo "in $(hostname): $(cat /proc/1/cmdline | tr "\0" " ")"'
	assert_success
	assert_output --partial "sh -c trap"
	run_client pm exec "$NAME" sh -c 'exit 5'
	assert_failure 5
	run_client pm exec "$NAME" ps -o pid,args
	assert_success
	assert_line --regexp '^ +1 .*sh -c trap'

	run_client pm stop --time 10 "$NAME"
	assert_success
	run_client pm inspect --format '{{.State.Status}} {{.State.ExitCode}}' "$NAME"
	assert_success
	assert_output "exited 3"
	run_client pm rm "$NAME"
	assert_success
	run_client pm ps --all --quiet --filter name="$NAME"
	assert_output ""
}

@test "podman run -t gives the container a terminal" {
	run_in_tty pm_run -t --rm --name "$NAME" "$IMAGE" sh -c 'tty; stty size >/dev/null && echo sized; exit 4'
	assert_failure 4
	assert_line --regexp '/dev/pts/[0-9]+$'
	assert_line "sized"
}

@test "podman exec -t in a detached container" {
	run_client pm_run -d --name "$NAME" "$IMAGE" sleep 100
	assert_success
	run_in_tty pm exec -t "$NAME" sh -c 'tty; echo exec-ok'
	assert_success
	assert_line --regexp '/dev/pts/[0-9]+$'
	assert_line "exec-ok"
}

@test "podman run: the runtime's error for a missing command reaches podman" {
	run_client pm_run --rm --name "$NAME" "$IMAGE" /no/such/command
	# 127: podman's status for "command not found", told apart from the runtime's message.
	assert_failure 127
	assert_output --partial "/no/such/command"
	assert_output --partial "no such file or directory"
	if is_berth; then
		assert_output --partial 'berth: create '
		assert_output --partial 'process.args[0] "/no/such/command"'
	fi
}

@test "podman run: the runtime's error for an rlimit it cannot set reaches podman" {
	# Raising a hard limit needs CAP_SYS_RESOURCE, which root lacks on this machine.
	run_client pm_run --rm --name "$NAME" --ulimit nofile=2000000:2000000 "$IMAGE" true
	assert_failure 126
	assert_output --partial "operation not permitted"
	if is_berth; then
		assert_output --partial 'berth: create '
		assert_output --partial 'process.rlimits'
	fi
	run_client pm ps --all --quiet --filter name="$NAME"
	assert_output ""
}

@test "podman: removing every container leaves nothing behind" {
	run_client pm_run -d --name "$NAME" "$IMAGE" sleep 100
	assert_success
	run_client pm_run -d --name "$NAME-2" "$IMAGE" sleep 100
	assert_success
	run_client pm rm --all --force --time 0
	assert_success
	run_client pm ps --all --quiet
	assert_output ""
	assert_client_left_nothing
}
