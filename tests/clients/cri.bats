#!/usr/bin/env bats
# The CRI path, as the kubelet takes it: containerd 1.6's CRI plugin with the runtime under test
# as the runc v2 shim's BinaryName, driven by crictl (cri-tools v1.37.0, built with `go install`
# into .cache/bin once). Pods use the host's network (no CNI plugins here) and the busybox image's
# "pause" tag as the sandbox image, so that nothing comes from a registry.
#
# Daemon, state, sockets, logs and the runtime's --root (the shim's Root) are in the file's temp
# dir, as in containerd.bats. restrict_oom_score_adj: root lacks CAP_SYS_RESOURCE on this
# machine, so the sandbox's oom_score_adj must not go below the daemon's.

load helpers
load containerd

IMAGE=localhost/berth-busybox:latest
CRICTL_VERSION=v1.37.0

setup_file() {
	client_setup_file containerd umoci bsdutils
	install_crictl
	NAMESPACE=k8s.io
	RUNTIME_ROOT=$CLIENT_DIR/runc/$NAMESPACE
	export NAMESPACE RUNTIME_ROOT
	write_cri_config
	start_containerd
	import_image
}

teardown_file() {
	if [[ -e $CLIENT_DIR/containerd.pid ]]; then
		cri rm --all --force >/dev/null 2>&1 || true
		cri rmp --all --force >/dev/null 2>&1 || true
	fi
	shutdown_containerd
}

# Every test names its pod after its number, so the teardown knows what to remove.
setup() {
	NAME=bc-$BATS_TEST_NUMBER-$$
}

teardown() {
	[[ -e $CLIENT_DIR/containerd.pid ]] || return 0
	# After a failure a container may be stuck where CRI cannot stop it (and stopp would wait
	# for its deadline): its processes go first.
	[[ -n ${BATS_TEST_COMPLETED:-} ]] || kill_container_processes
	local pod
	for pod in $(cri pods --quiet --name "^$NAME\$" 2>/dev/null); do
		cri stopp "$pod" >/dev/null 2>&1 || true
		cri rmp --force "$pod" >/dev/null 2>&1 || true
	done
}

# install_crictl: build crictl into .cache/bin unless it is there (CRICTL is its path).
install_crictl() {
	CRICTL=$REPO/.cache/bin/crictl
	export CRICTL
	[[ -x $CRICTL ]] && return 0
	mkdir -p "$REPO/.cache/bin"
	GOBIN=$REPO/.cache/bin go install "sigs.k8s.io/cri-tools/cmd/crictl@$CRICTL_VERSION" >&2 ||
		fail "go install crictl@$CRICTL_VERSION failed"
}

# write_cri_config: containerd's config with the CRI plugin on, running pods with the runtime
# under test, and crictl's config pointing at the daemon.
write_cri_config() {
	{
		containerd_base_config
		cat <<-EOF
			[plugins."io.containerd.grpc.v1.cri"]
			  sandbox_image = "${IMAGE%:*}:pause"
			  restrict_oom_score_adj = true
			  stream_server_address = "127.0.0.1"
			  stream_server_port = "0"
			  [plugins."io.containerd.grpc.v1.cri".cni]
			    bin_dir = "$CLIENT_DIR/cni/bin"
			    conf_dir = "$CLIENT_DIR/cni/conf"
			  [plugins."io.containerd.grpc.v1.cri".containerd]
			    default_runtime_name = "under-test"
			    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.under-test]
			      runtime_type = "io.containerd.runc.v2"
			      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.under-test.options]
			        BinaryName = "$BERTH_BIN"
			        Root = "$CLIENT_DIR/runc"
		EOF
	} >"$CLIENT_DIR/containerd.toml"
	cat >"$CLIENT_DIR/crictl.yaml" <<-EOF
		runtime-endpoint: unix://$CLIENT_DIR/containerd.sock
		image-endpoint: unix://$CLIENT_DIR/containerd.sock
		timeout: 30
	EOF
}

# ctrd ARGS...: ctr on the suite's containerd, in CRI's namespace (for the image and clean-up).
ctrd() {
	timeout --foreground -k 5 "$CLIENT_TIMEOUT" ctr --address "$CLIENT_DIR/containerd.sock" \
		--namespace "$NAMESPACE" "$@"
}

# cri ARGS...: crictl on the suite's containerd.
cri() {
	timeout --foreground -k 5 "$CLIENT_TIMEOUT" "$CRICTL" --config "$CLIENT_DIR/crictl.yaml" "$@"
}

# For run_in_tty, which runs them in a new shell.
export -f ctrd cri

# pod_config PID_MODE: a pod sandbox config for NAME on the host's network, its cgroups under
# CGROUP_PARENT, its containers' PID namespace PID_MODE (0 shared by the pod, 1 one per
# container, as the kubelet does unless shareProcessNamespace).
pod_config() {
	jq -n --arg name "$NAME" --arg logs "$CLIENT_DIR/logs/$NAME" --arg cg "/$CGROUP_PARENT" \
		--argjson pid "$1" '{
		metadata: {name: $name, namespace: "berth-clients", uid: ($name + "-uid"), attempt: 0},
		log_directory: $logs,
		linux: {cgroup_parent: $cg,
			security_context: {namespace_options: {network: 2, pid: $pid}}}
	}' >"$CLIENT_DIR/$NAME-pod.json"
}

# container_config NAME PID_MODE CMD...: a container config running CMD from the busybox image.
container_config() {
	local name=$1 pid=$2 cmd arg
	shift 2
	# One --arg per element: jq 1.6 would take an element like "-c" after --args for its own option.
	cmd=$(for arg in "$@"; do jq -n --arg a "$arg" '$a'; done | jq -sc .)
	jq -n --arg name "$name" --arg image "$IMAGE" --argjson pid "$pid" --argjson cmd "$cmd" '{
		metadata: {name: $name},
		image: {image: $image},
		command: $cmd,
		log_path: ($name + ".log"),
		linux: {security_context: {namespace_options: {pid: $pid}}}
	}' >"$CLIENT_DIR/$name-ctr.json"
}

# start_pod_container PID_MODE CMD...: a pod named NAME and a started container in it running
# CMD; sets POD and CTR to their IDs.
start_pod_container() {
	create_pod_container "$@"
	run_client cri start "$CTR"
	assert_success
}

# create_pod_container PID_MODE CMD...: as start_pod_container, without starting the container.
create_pod_container() {
	local pid=$1
	shift
	pod_config "$pid"
	container_config "$NAME-c" "$pid" "$@"
	run_client cri runp "$CLIENT_DIR/$NAME-pod.json"
	assert_success
	POD=$output
	run_client cri create "$POD" "$CLIENT_DIR/$NAME-c-ctr.json" "$CLIENT_DIR/$NAME-pod.json"
	assert_success
	CTR=$output
}

# container_state ID: the container's state as crictl inspect reports it (CONTAINER_RUNNING, ...).
container_state() {
	cri inspect --output json "$1" 2>/dev/null | jq -r .status.state
}

# container_is ID STATE: true when the container's state is STATE.
container_is() {
	[[ $(container_state "$1") == "$2" ]]
}

# A shell that ends on SIGTERM, with a child that keeps the container's stdout open.
SERVICE=(sh -c 'echo started; trap "echo bye; exit 0" TERM; sleep 1000 & wait')

@test "crictl: a pod and a container; exec, logs, stop, rm" {
	start_pod_container 1 "${SERVICE[@]}"
	wait_until 10 container_is "$CTR" CONTAINER_RUNNING

	run_client cri exec "$CTR" sh -c 'echo exec-out; cat /proc/1/cmdline | tr "\0" " "'
	assert_success
	assert_line "exec-out"
	assert_line --partial "sh -c echo started"
	run_client cri exec "$CTR" sh -c 'exit 3'
	assert_failure
	assert_output --partial "exit code 3"
	run_client cri logs "$CTR"
	assert_success
	assert_output "started"

	run_client cri stop --timeout 10 "$CTR"
	assert_success
	assert_equal "$(container_state "$CTR")" CONTAINER_EXITED
	run_client cri inspect --output json "$CTR"
	assert_equal "$(jq -r .status.exitCode <<<"$output")" 0
	run_client cri logs "$CTR"
	assert_output $'started\nbye'
	run_client cri rm "$CTR"
	assert_success

	run_client cri stopp "$POD"
	assert_success
	run_client cri rmp "$POD"
	assert_success
	run_client cri pods --quiet --name "^$NAME\$"
	assert_output ""
}

@test "crictl exec -it gives the process a terminal" {
	start_pod_container 1 sleep 1000
	wait_until 10 container_is "$CTR" CONTAINER_RUNNING
	run_in_tty cri exec -it "$CTR" sh -c 'tty; echo exec-tty'
	assert_success
	assert_line --regexp '/dev/pts/[0-9]+$'
	assert_line "exec-tty"
}

@test "crictl: a container that exits on its own reports its exit code" {
	start_pod_container 1 sh -c 'echo done; exit 7'
	wait_until 10 container_is "$CTR" CONTAINER_EXITED
	run_client cri inspect --output json "$CTR"
	assert_equal "$(jq -r .status.exitCode <<<"$output")" 7
	run_client cri logs "$CTR"
	assert_output "done"
}

@test "crictl stop in a pod sharing one PID namespace (init's children outlive it)" {
	# The container's init is not PID 1: when it ends on SIGTERM, its sleep lives on, and the shim
	# asks the runtime to `kill --all ID SIGKILL` a container whose init is gone. The runtime must
	# signal what is left in the cgroup, as runc does; answering "container not running" leaves the
	# sleep holding the container's stdout, and the stop hangs until crictl's deadline.
	start_pod_container 0 "${SERVICE[@]}"
	wait_until 10 container_is "$CTR" CONTAINER_RUNNING
	# crictl's own deadline short (--timeout before the command): a stuck stop fails in 15 s.
	run_client cri --timeout 15s stop --timeout 2 "$CTR"
	assert_success
	assert_equal "$(container_state "$CTR")" CONTAINER_EXITED
	run_client cri rm "$CTR"
	assert_success
}

@test "crictl start: the runtime's error for a missing command reaches crictl" {
	create_pod_container 1 /no/such/command
	run_client cri start "$CTR"
	assert_failure
	assert_output --partial "/no/such/command"
	assert_output --partial "no such file or directory"
	if is_berth; then
		# crictl quotes the message: the field's own quotes come out escaped.
		assert_output --partial "OCI runtime create failed: create $CTR: process.args[0]"
	fi
	refute_output --partial "did not terminate successfully"
}

@test "cri: removing every pod and stopping the daemon leaves nothing behind" {
	start_pod_container 1 sleep 1000
	wait_until 10 container_is "$CTR" CONTAINER_RUNNING
	run_client cri rmp --all --force
	assert_success
	run_client cri pods --quiet
	assert_output ""
	stop_containerd
	assert_client_left_nothing
}
