#!/usr/bin/env bash
# containerd.bash: a private containerd for the client suites that need one (containerd.bats,
# cri.bats): config, daemon start and stop, the busybox image as an OCI layout. Load after helpers.
#
# The suite writes CLIENT_DIR/containerd.toml (containerd_base_config, then its own tables) and
# defines ctrd (ctr on the suite's socket and namespace) before calling these.

# containerd_base_config [PLUGIN...]: the start of a containerd config whose root, state and
# sockets are in CLIENT_DIR, with PLUGIN... disabled (and /opt/containerd's plugin always).
# Top-level keys end here: a suite appends tables only.
containerd_base_config() {
	local plugins=io.containerd.internal.v1.opt p
	for p in "$@"; do plugins+="\", \"$p"; done
	cat <<-EOF
		version = 2
		root = "$CLIENT_DIR/root"
		state = "$CLIENT_DIR/state"
		disabled_plugins = ["$plugins"]
		[grpc]
		  address = "$CLIENT_DIR/containerd.sock"
		[ttrpc]
		  address = "$CLIENT_DIR/containerd.sock.ttrpc"
	EOF
}

# start_containerd: start the daemon on CLIENT_DIR/containerd.toml in the background; wait until
# it answers. Notes whether the shim socket directory, which is not ours to choose, existed.
start_containerd() {
	[[ -d /run/containerd/s ]] || touch "$CLIENT_DIR/made-shim-socket-dir"
	# fd 3 closed: bats waits for whoever holds it.
	containerd --config "$CLIENT_DIR/containerd.toml" </dev/null >"$CLIENT_DIR/containerd.log" 2>&1 3>&- &
	echo $! >"$CLIENT_DIR/containerd.pid"
	local i
	for ((i = 0; i < 100; i++)); do
		ctr --address "$CLIENT_DIR/containerd.sock" version >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	fail "containerd did not answer within 10s: $(tail -5 "$CLIENT_DIR/containerd.log")"
}

# stop_containerd: SIGTERM, then SIGKILL after 10 s.
stop_containerd() {
	local pid i
	pid=$(cat "$CLIENT_DIR/containerd.pid" 2>/dev/null) || return 0
	kill -TERM "$pid" 2>/dev/null || return 0
	for ((i = 0; i < 100; i++)); do
		process_gone "$pid" && break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	rm -f "$CLIENT_DIR/containerd.pid"
}

# make_oci_image OUT: a tar of an OCI image layout holding the busybox rootfs as one layer, tagged
# "latest" (command /bin/sh) and "pause" (a sleep that never ends, for CRI's pod sandbox).
make_oci_image() {
	local out=$1 layout=$CLIENT_DIR/oci
	busybox_rootfs_tar "$CLIENT_DIR/rootfs.tar"
	{
		umoci init --layout "$layout" &&
			umoci new --image "$layout:latest" &&
			umoci raw add-layer --image "$layout:latest" "$CLIENT_DIR/rootfs.tar" &&
			umoci config --image "$layout:latest" --config.cmd /bin/sh &&
			umoci config --image "$layout:latest" --tag pause --config.cmd /bin/sleep \
				--config.cmd 2147483647 &&
			umoci gc --layout "$layout" &&
			tar -C "$layout" -cf "$out" .
	} >&2 || fail "making the OCI layout with umoci failed"
	rm -rf "$layout" "$CLIENT_DIR/rootfs.tar"
}

# remove_container ID: kill and delete its task, then the container (and its snapshot).
remove_container() {
	[[ -e $CLIENT_DIR/containerd.pid ]] || return 0 # the daemon was stopped
	ctrd task kill --signal KILL "$1" >/dev/null 2>&1 || true
	ctrd task delete --force "$1" >/dev/null 2>&1 || true
	ctrd containers delete "$1" >/dev/null 2>&1 || true
}

# remove_all_containers: remove_container for every container in the namespace.
remove_all_containers() {
	local id
	for id in $(ctrd containers list --quiet 2>/dev/null); do
		remove_container "$id"
	done
}

# remove_shim_socket_dir: remove /run/containerd/s (and /run/containerd) if this suite made them
# and they are empty.
remove_shim_socket_dir() {
	[[ -e $CLIENT_DIR/made-shim-socket-dir ]] || return 0
	rmdir /run/containerd/s 2>/dev/null && rmdir /run/containerd 2>/dev/null
	return 0
}

# task_status ID: the STATUS column of `ctr task list` for ID.
task_status() {
	ctrd task list 2>/dev/null | awk -v id="$1" '$1 == id { print $3 }'
}

# task_is ID STATUS: true when ID's task has STATUS.
task_is() {
	[[ $(task_status "$1") == "$2" ]]
}

# import_image: the busybox image as an OCI layout, imported as $IMAGE.
import_image() {
	make_oci_image "$CLIENT_DIR/image.tar"
	ctrd images import --base-name "${IMAGE%:*}" "$CLIENT_DIR/image.tar" >/dev/null ||
		fail "ctr images import failed"
}

# shutdown_containerd: what each suite's teardown_file ends with: no container, no daemon, nothing
# of either left.
shutdown_containerd() {
	remove_all_containers
	stop_containerd
	reclaim_client_leftovers
	remove_shim_socket_dir
}
