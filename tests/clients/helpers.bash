#!/usr/bin/env bash
# helpers.bash: shared set-up for the client suites, which drive the runtime through real clients
# (podman.bats, containerd.bats) rather than its own command line.
#
# Each suite, in setup_file: client_setup_file PACKAGE... (installs the client through
# scripts/install-deps.sh and sets CLIENT_DIR, a private directory for everything the client
# keeps: storage, state, sockets, config), then starts what it needs there. Its last test stops
# the client and calls assert_client_left_nothing; teardown_file calls reclaim_client_leftovers
# so that a failed suite still leaves the machine clean.
#
# BERTH_BIN is the runtime under test, as for the integration tests: BERTH_BIN=/usr/sbin/runc
# runs the same suites against runc to check the tests themselves. CLIENT_TIMEOUT bounds every
# client command (default 60 s): a client that hangs fails its test instead of stalling CI.

# The integration helpers give BERTH_BIN (made absolute), REPO, bats-assert, is_berth and
# run_unpiped; their per-test set-up and leak checks are for berth's own command line, not used here.
load ../integration/helpers

export CLIENT_TIMEOUT=${CLIENT_TIMEOUT:-60}

# client_setup_file PACKAGE...: install the client's Debian packages, check the runtime, and
# export CLIENT_DIR, CGROUP_PARENT (the cgroup, in every hierarchy, under which the suite's
# containers go: removed at the end, so it must be a name nothing else uses) and RUNTIME_ROOT
# (where the runtime keeps its state: its default --root, /run/berth or /run/runc, unless the
# suite gives the client another).
client_setup_file() {
	bash "$REPO/scripts/install-deps.sh" "$@" >&2 || fail "install-deps.sh $* failed"
	[[ -x $BERTH_BIN ]] || fail "BERTH_BIN=$BERTH_BIN is not an executable (run make)"
	CLIENT_DIR=$BATS_FILE_TMPDIR
	CGROUP_PARENT=berth-clients-$(basename "$BATS_TEST_FILENAME" .bats)-$$
	RUNTIME_ROOT=/run/$(basename "$BERTH_BIN")
	export CLIENT_DIR CGROUP_PARENT RUNTIME_ROOT BERTH_BIN
}

# busybox_rootfs_tar OUT: a tar of the busybox rootfs that scripts/mkbundle.sh builds.
busybox_rootfs_tar() {
	local bundle=$CLIENT_DIR/bundle
	BERTH_BIN=$BERTH_BIN bash "$REPO/scripts/mkbundle.sh" "$bundle" >&2 || fail "mkbundle.sh failed"
	tar -C "$bundle/rootfs" -cf "$1" . || fail "tar of $bundle/rootfs failed"
	rm -rf "$bundle"
}

# run_client CMD...: bats' run for a client command, with stdio through a file (a container that
# kept the output pipe open would otherwise block the test). The suites' wrappers around their
# client (pm, ctrd) bound it with `timeout --foreground -k 5 $CLIENT_TIMEOUT` (--foreground: a
# client on a terminal must stay in its foreground process group, or it stops at its first ioctl).
run_client() {
	run_unpiped "$@"
}

# run_in_tty CMD...: as run_client, with CMD on a terminal of its own (`script`), as a user at a
# shell would run it. CMD may be a wrapper function that the suite exported (export -f). The
# exit status is CMD's; carriage returns are dropped from the output, and so is "^@", the echo of a
# NUL byte that ctr and crictl may write to their terminal at any point.
run_in_tty() {
	local cmd
	cmd=$(printf '%q ' "$@")
	SHELL=/bin/bash run_unpiped timeout -k 5 "$CLIENT_TIMEOUT" script -qefc "$cmd" /dev/null
	output=${output//$'\r'/}
	output=${output//^@/}
	mapfile -t lines <<<"$output"
}

# wait_until TIMEOUT_SECONDS CMD...: poll CMD until it succeeds; fail after the timeout.
wait_until() {
	local timeout=$1 i
	shift
	for ((i = 0; i < timeout * 10; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	fail "still false after ${timeout}s: $*"
}

# client_leftovers: one line for each thing of this suite still on the machine: mounts under
# CLIENT_DIR; live processes whose command line names CLIENT_DIR (daemons, shims, conmon) or that
# sit in CGROUP_PARENT (containers); container cgroups under CGROUP_PARENT (the client's own
# "conmon" cgroup aside); and runtime state entries whose bundle lies in CLIENT_DIR.
client_leftovers() {
	awk -v dir="$CLIENT_DIR" 'index($5, dir) == 1 { print "mount: " $5 }' /proc/self/mountinfo
	_client_processes | sed 's/^/process: /'
	find /sys/fs/cgroup/*/"$CGROUP_PARENT" -mindepth 1 -type d ! -name conmon 2>/dev/null |
		sed 's/^/cgroup: /'
	grep -lsF "$CLIENT_DIR" "$RUNTIME_ROOT"/*/state.json | sed 's/^/runtime state: /'
	return 0
}

# _client_processes: "PID COMMAND" of the live processes client_leftovers means (zombies are
# gone for our purpose: this host's PID 1 never reaps them). No fork per process: a scan of a few
# hundred processes stays fast.
_client_processes() {
	local own=" $BASHPID $$ $PPID " proc pid stat cgroup args
	for proc in /proc/[0-9]*; do
		pid=${proc#/proc/}
		[[ $own == *" $pid "* ]] && continue
		read -r stat 2>/dev/null <"$proc/stat" || continue
		stat=${stat##*) }
		[[ ${stat:0:1} == [ZX] ]] && continue
		cgroup=
		read -r -d '' cgroup 2>/dev/null <"$proc/cgroup" || [[ -n $cgroup ]] || continue
		mapfile -d '' args 2>/dev/null <"$proc/cmdline" || continue
		if [[ "${args[*]}" == *"$CLIENT_DIR"* || $cgroup == *":/$CGROUP_PARENT/"* ]]; then
			echo "$pid ${args[*]:0:4}"
		fi
	done
}

# kill_container_processes: SIGKILL every process in a cgroup under CGROUP_PARENT (the suite's
# containers, not the client's daemons), to unblock a client stuck on a container after a failure.
kill_container_processes() {
	local pid
	for pid in $(find /sys/fs/cgroup/*/"$CGROUP_PARENT" -name cgroup.procs -exec cat {} + 2>/dev/null |
		sort -u); do
		kill -KILL "$pid" 2>/dev/null || true
	done
}

# assert_client_left_nothing: fail, listing them, if client_leftovers finds anything; the
# leftovers are reclaimed first so that the machine is clean either way.
assert_client_left_nothing() {
	local leftovers
	leftovers=$(client_leftovers)
	reclaim_client_leftovers
	[[ -z $leftovers ]] || fail "left behind after the client stopped:"$'\n'"$leftovers"
}

# reclaim_client_leftovers: kill the suite's processes, unmount its mounts, delete the runtime
# state entries it left and remove CGROUP_PARENT with everything below it.
reclaim_client_leftovers() {
	local pid _ mnt entry
	while read -r pid _; do kill -KILL "$pid" 2>/dev/null || true; done < <(_client_processes)
	sleep 0.2
	while read -r mnt; do umount -l "$mnt" 2>/dev/null || true; done < <(
		awk -v dir="$CLIENT_DIR" 'index($5, dir) == 1 { print $5 }' /proc/self/mountinfo | sort -r)
	for entry in $(grep -lsF "$CLIENT_DIR" "$RUNTIME_ROOT"/*/state.json); do
		entry=$(dirname "$entry")
		"$BERTH_BIN" --root "$RUNTIME_ROOT" delete --force "$(basename "$entry")" >/dev/null 2>&1 ||
			rm -rf "$entry"
	done
	find /sys/fs/cgroup/*/"$CGROUP_PARENT" -depth -type d -exec rmdir {} + 2>/dev/null || true
}
