#!/usr/bin/env bash
# helpers.bash: shared set-up, wrappers and leak checks for berth's bats tests.
#
# Every .bats file does:
#   load helpers
#   setup() { berth_setup; }
#   teardown() { cleanup_berth; }
#
# BERTH_BIN is the runtime under test (default: the repo's ./berth). The contract is runc's, so
# BERTH_BIN=/usr/sbin/runc runs the same tests against runc; tests about berth's own wording call
# requires_berth and are skipped there.

REPO=${BERTH_REPO:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}
BATS_LIB_DIR=${BATS_LIB_DIR:-/usr/lib/bats}
load "$BATS_LIB_DIR/bats-support/load"
load "$BATS_LIB_DIR/bats-assert/load"

BERTH_BIN=${BERTH_BIN:-$REPO/berth}
# Accept a command name (BERTH_BIN=runc) or a relative path: tests cd around.
if [[ $BERTH_BIN != */* ]]; then
	BERTH_BIN=$(command -v "$BERTH_BIN" || echo "$BERTH_BIN")
elif [[ $BERTH_BIN != /* ]]; then
	BERTH_BIN=$PWD/$BERTH_BIN
fi
RECVTTY_BIN=${RECVTTY_BIN:-$REPO/.cache/bin/recvtty}

# berth_setup: per-test state. BERTH_ROOT is a private --root (tests never touch /run/berth),
# BUNDLE the default bundle path, and two bookkeeping files: the container IDs this test
# created (for the cgroup leak check) and the helper processes it started.
berth_setup() {
	[[ -x $BERTH_BIN ]] || fail "BERTH_BIN=$BERTH_BIN is not an executable (run make)"
	BERTH_ROOT=$BATS_TEST_TMPDIR/state
	BUNDLE=$BATS_TEST_TMPDIR/bundle
	BERTH_IDS_FILE=$BATS_TEST_TMPDIR/.berth-ids
	BERTH_PIDS_FILE=$BATS_TEST_TMPDIR/.helper-pids
	: >"$BERTH_IDS_FILE"
	: >"$BERTH_PIDS_FILE"
	# A short ID that no other test uses, for tests that need one container.
	ID=bt-${BATS_SUITE_TEST_NUMBER:-$BATS_TEST_NUMBER}-$$
	export BERTH_ROOT BUNDLE BERTH_IDS_FILE BERTH_PIDS_FILE ID
}

# is_berth: true unless BERTH_BIN is one of the peer runtimes used to check the tests.
is_berth() {
	case $(basename "$BERTH_BIN") in
	runc* | crun*) return 1 ;;
	*) return 0 ;;
	esac
}

# requires_berth: skip a test that checks berth's own wording or features.
requires_berth() {
	is_berth || skip "checks berth-specific behaviour (BERTH_BIN=$BERTH_BIN)"
}

# berth ARGS...: the runtime under test with this test's --root. Records the ID of every
# create/run so that the teardown can look for that container's cgroups.
berth() {
	_record_container_id "$@"
	"$BERTH_BIN" --root "$BERTH_ROOT" "$@"
}

# _record_container_id ARGS...: find the container ID in a create/run command line.
_record_container_id() {
	# Global flags first; these take a value.
	while [[ $# -gt 0 ]]; do
		case $1 in
		--log | --log-format | --root | --criu | --rootless)
			shift
			if [[ $# -gt 0 ]]; then shift; fi
			;;
		-*) shift ;;
		*) break ;;
		esac
	done
	[[ ${1:-} == create || ${1:-} == run ]] || return 0
	shift
	while [[ $# -gt 0 ]]; do
		case $1 in
		-b | --bundle | --console-socket | --pid-file | --preserve-fds)
			shift
			if [[ $# -gt 0 ]]; then shift; fi
			;;
		-*) shift ;;
		*)
			echo "$1" >>"$BERTH_IDS_FILE"
			return 0
			;;
		esac
	done
}

# create_container ID [FLAGS...]: `create` from $BUNDLE with the container's stdio going to
# $BATS_TEST_TMPDIR/ID.log (a container holding bats' pipes would make `run` wait for it).
create_container() {
	local id=$1
	shift
	berth create --bundle "$BUNDLE" "$@" "$id" </dev/null >"$BATS_TEST_TMPDIR/$id.log" 2>&1 3>&- ||
		fail "create $id failed: $(cat "$BATS_TEST_TMPDIR/$id.log")"
}

# run_detached ID [FLAGS...]: `run --detach` from $BUNDLE, stdio as for create_container.
run_detached() {
	local id=$1
	shift
	berth run --detach --bundle "$BUNDLE" "$@" "$id" </dev/null >"$BATS_TEST_TMPDIR/$id.log" 2>&1 3>&- ||
		fail "run --detach $id failed: $(cat "$BATS_TEST_TMPDIR/$id.log")"
}

# run_unpiped CMD...: like bats' run (sets status, output, lines) but through a file, so that a
# container that unexpectedly started and keeps stdout open cannot block the test.
run_unpiped() {
	local out=$BATS_TEST_TMPDIR/run_unpiped.out
	status=0
	"$@" </dev/null >"$out" 2>&1 3>&- || status=$?
	output=$(cat "$out")
	mapfile -t lines <<<"$output"
}

# container_pid ID: the pid field of `state`.
container_pid() {
	berth state "$1" | jq -r .pid
}

# process_gone PID: true when PID has exited (no such process, or a zombie that nobody reaps:
# this host's PID 1 never reaps orphans).
process_gone() {
	local state
	state=$(awk '{ sub(/.*\) /, ""); print $1 }' "/proc/$1/stat" 2>/dev/null) || return 0
	[[ -z $state || $state == Z || $state == X ]]
}

# setup_bundle [ARGS...]: a fresh busybox bundle in $BUNDLE whose process runs ARGS (default sh).
setup_bundle() {
	BERTH_BIN=$BERTH_BIN bash "$REPO/scripts/mkbundle.sh" "$BUNDLE" "$@" ||
		fail "mkbundle.sh $BUNDLE failed"
}

# update_config JQ_EXPR [JQ_OPTIONS...]: edit $BUNDLE/config.json in place,
# e.g. update_config '.process.env += [$e]' --arg e FOO=1
update_config() {
	local cfg=$BUNDLE/config.json
	jq "$@" "$cfg" >"$cfg.new" || fail "update_config $1: jq failed"
	mv "$cfg.new" "$cfg"
}

# container_status ID: the status field of `state`, or nothing if state fails.
container_status() {
	berth state "$1" 2>/dev/null | jq -r .status 2>/dev/null
}

# wait_for_status ID STATUS [TIMEOUT_SECONDS]: poll `state` until STATUS (default timeout 5 s).
wait_for_status() {
	local id=$1 want=$2 timeout=${3:-5} got i
	for ((i = 0; i < timeout * 20; i++)); do
		got=$(container_status "$id")
		[[ $got == "$want" ]] && return 0
		sleep 0.05
	done
	fail "container $id: status '$got' after ${timeout}s, want '$want'"
}

# assert_one_line_error [TEXT...]: the last `run` failed with exit 1 and printed exactly one line.
# For berth, that line is "berth: ..." and contains each TEXT (the config field it names).
assert_one_line_error() {
	assert_one_line_failure 1 "$@"
}

# assert_one_line_failure STATUS [TEXT...]: as assert_one_line_error, with exit status STATUS.
assert_one_line_failure() {
	assert_failure "$1"
	shift
	[[ -n $output ]] || fail "want a one-line error, got no output"
	[[ $output != *$'\n'* ]] || fail "want a one-line error, got: $output"
	is_berth || return 0
	assert_output --regexp '^berth: '
	local text
	for text in "$@"; do
		assert_output --partial "$text"
	done
}

# start_recvtty SOCKET OUTFILE INPUT: run the console-socket listener in the background; it
# records what the container's terminal printed in OUTFILE after typing INPUT. RECVTTY_PID is set.
start_recvtty() {
	local socket=$1 out=$2 input=$3 i
	if [[ ! -x $RECVTTY_BIN ]]; then
		[[ -d $REPO/tests/cmd/recvtty ]] || skip "recvtty is not available"
		fail "$RECVTTY_BIN is missing: run make test-helpers"
	fi
	"$RECVTTY_BIN" --mode transcript --out "$out" --input "$input" "$socket" 3>&- &
	RECVTTY_PID=$!
	echo "$RECVTTY_PID" >>"$BERTH_PIDS_FILE"
	for ((i = 0; i < 100; i++)); do
		[[ -S $socket ]] && return 0
		sleep 0.05
	done
	fail "recvtty did not create $socket within 5s"
}

# wait_recvtty [TIMEOUT_SECONDS]: wait for the listener to finish its transcript.
wait_recvtty() {
	local timeout=${1:-5} i
	for ((i = 0; i < timeout * 20; i++)); do
		kill -0 "$RECVTTY_PID" 2>/dev/null || {
			wait "$RECVTTY_PID" 2>/dev/null || true
			return 0
		}
		sleep 0.05
	done
	fail "recvtty (pid $RECVTTY_PID) still running after ${timeout}s"
}

# cleanup_berth: the teardown. Stops helper processes, force-deletes every container this test
# left in BERTH_ROOT, then fails the test if anything of berth's is still around.
cleanup_berth() {
	cd / || true
	_stop_helper_processes
	local id
	for id in $(_state_entries) $(_recorded_ids); do
		"$BERTH_BIN" --root "$BERTH_ROOT" delete --force "$id" >/dev/null 2>&1 || true
	done
	assert_no_leaks
}

_stop_helper_processes() {
	[[ -s ${BERTH_PIDS_FILE:-} ]] || return 0
	local pid
	while read -r pid; do
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done <"$BERTH_PIDS_FILE"
}

# _state_entries: names of the entries in BERTH_ROOT (one directory per container).
_state_entries() {
	[[ -d ${BERTH_ROOT:-} ]] || return 0
	find "$BERTH_ROOT" -mindepth 1 -maxdepth 1 -printf '%f\n'
}

# _recorded_ids: IDs given to create/run in this test that could name a directory.
_recorded_ids() {
	[[ -s ${BERTH_IDS_FILE:-} ]] || return 0
	sort -u "$BERTH_IDS_FILE" | grep -vxE '\.{1,2}|.*/.*|.{256,}' || true
}

# assert_no_leaks: fail (after cleaning up, so later tests start clean) if this test left state
# entries, mounts, processes, cgroups, open fds on its files or systemd units behind. Error tests call it right after a failed command,
# before the teardown's force-delete could hide a half-created container.
assert_no_leaks() {
	local leaks=() line
	while read -r line; do leaks+=("$line"); done < <(_all_leaks)
	[[ ${#leaks[@]} -eq 0 ]] && return 0
	_reclaim_leaks
	printf 'leaked: %s\n' "${leaks[@]}" >&2
	fail "the runtime left ${#leaks[@]} thing(s) behind (listed above)"
}

# _all_leaks: one "kind: what" line per thing of this test left behind.
_all_leaks() {
	_state_entries | sed "s|^|state entry: $BERTH_ROOT/|"
	_leaked_mounts | sed 's/^/mount: /'
	_leaked_processes | sed 's/^/process: /'
	_leaked_cgroups | sed 's/^/cgroup: /'
	_leaked_fds | sed 's/^/open fd: /'
	_leaked_units | sed 's/^/systemd unit: /'
}

# _leaked_mounts: mount points (host view) under this test's temp dir, which holds BERTH_ROOT and
# every bundle the test made. Deepest first, the order to unmount them in.
_leaked_mounts() {
	awk -v dir="$BATS_TEST_TMPDIR" 'index($5, dir) == 1 { print $5 }' /proc/self/mountinfo |
		sort -r
}

# _own_pids: this shell and its ancestors, whose cwd may legitimately be inside the test dir.
_own_pids() {
	local pid=$BASHPID
	while [[ -n $pid && $pid != 0 ]]; do
		echo "$pid"
		pid=$(awk '{ sub(/.*\) /, ""); print $2 }' "/proc/$pid/stat" 2>/dev/null)
	done
}

# _leaked_processes: "PID COMM (WHY)" of processes living in one of this test's bundles: their root is
# the rootfs directory itself (a pivot_root'ed container shows "/" in readlink, so compare the
# device and inode) or their root or cwd path lies under the test's temp dir.
_leaked_processes() (
	# A subshell in /: the short-lived processes of this very scan must not look like leaks.
	cd /
	local roots own rootfs
	own=$(_own_pids | tr '\n' ' ')
	roots=$(for rootfs in "$BATS_TEST_TMPDIR"/*/rootfs; do
		[[ -d $rootfs ]] && stat -c '%d:%i' "$rootfs"
	done | tr '\n' ' ')
	# One stat and one find for all processes (a fork per process would cost seconds).
	{
		stat -L -c 'ino %d:%i %n' /proc/[0-9]*/root 2>/dev/null || true
		find /proc/[0-9]*/root /proc/[0-9]*/cwd -maxdepth 0 -printf 'link %l %p\n' 2>/dev/null || true
	} | awk -v roots=" $roots" -v own=" $own" -v dir="$BATS_TEST_TMPDIR/" '
		{ split($3, p, "/"); pid = p[3] }
		index(own, " " pid " ") { next }
		$1 == "ino" && index(roots, " " $2 " ") { hit[pid] = "root is a bundle rootfs" }
		$1 == "link" && index($2, dir) == 1 { hit[pid] = p[4] " is in the test dir" }
		END { for (pid in hit) print pid, hit[pid] }' |
		while read -r pid why; do
			echo "$pid $(cat "/proc/$pid/comm" 2>/dev/null) ($why)"
		done
)

# _leaked_fds: fds of any process, the test's own included, still open on a file of this test
# after the clean-up: its state directory, a bundle, a socket or fifo of a helper. berth, an
# init, a relay or a helper holding one is a leak even when its root and cwd are elsewhere.
_leaked_fds() (
	cd /
	find /proc/[0-9]*/fd -mindepth 1 -maxdepth 1 -lname "$BATS_TEST_TMPDIR/*" -printf '%h %f %l\n' 2>/dev/null |
		while read -r dir fd target; do
			pid=${dir#/proc/}
			pid=${pid%/fd}
			echo "$pid $(cat "/proc/$pid/comm" 2>/dev/null): fd $fd -> $target"
		done
)

# _leaked_units: systemd units (where systemd runs, as in the test VM) named after a container
# this test made, loaded in any state: a failed scope stays listed until reset.
_leaked_units() {
	[[ -d /run/systemd/system ]] && command -v systemctl >/dev/null || return 0
	local id
	for id in $(_recorded_ids); do
		systemctl list-units --all --plain --no-legend "*$id*" 2>/dev/null | awk '{ print $1 }'
	done | sort -u
}

# _leaked_cgroups: cgroup directories, in any hierarchy, named after a container this test made:
# exactly the ID, or the ID as a word of a longer name ("berth-ID", "ID.scope").
_leaked_cgroups() {
	local id
	for id in $(_recorded_ids); do
		find /sys/fs/cgroup/*/ -mindepth 1 -type d \( -name "$id" -o -name "*[-_:.]$id" \
			-o -name "${id}[-_:.]*" -o -name "*[-_:.]${id}[-_:.]*" \) 2>/dev/null
	done | sort -ru
}

# _reclaim_leaks: undo what a leak check found: kill processes, lazily unmount mounts, remove
# cgroups (deepest first) and state entries.
_reclaim_leaks() {
	local pid _ mnt cg unit
	while read -r pid _; do kill -KILL "$pid" 2>/dev/null || true; done < <(_leaked_processes)
	local own
	own=" $(_own_pids | tr '\n' ' ')"
	while read -r pid _; do
		[[ $own == *" $pid "* ]] || kill -KILL "$pid" 2>/dev/null || true
	done < <(_leaked_fds)
	sleep 0.1
	while read -r mnt; do umount -l "$mnt" 2>/dev/null || true; done < <(_leaked_mounts)
	while read -r unit; do
		systemctl stop "$unit" 2>/dev/null || true
		systemctl reset-failed "$unit" 2>/dev/null || true
	done < <(_leaked_units)
	while read -r cg; do rmdir "$cg" 2>/dev/null || true; done < <(_leaked_cgroups)
	if [[ -d ${BERTH_ROOT:-} ]]; then
		find "$BERTH_ROOT" -mindepth 1 -maxdepth 1 -exec rm -rf {} + || true
	fi
}

# run_container: run the test's container from $BUNDLE in the foreground, as bats `run` does,
# with stdio through a file (see run_unpiped).
run_container() {
	run_unpiped berth run --bundle "$BUNDLE" "$ID"
}

# ID mappings used for the user namespace tests: container 0..65535 = host 100000..165535.
USERNS_MAP='[{containerID: 0, hostID: 100000, size: 65536}]'

# allow_userns_traversal: let host uid 100000 (root of the test user namespaces) walk down to
# the bundle; bats makes its temporary directories 0700.
allow_userns_traversal() {
	local dir=$BATS_TEST_TMPDIR
	while [[ $dir == "$BATS_RUN_TMPDIR"* ]]; do
		chmod a+x "$dir"
		dir=$(dirname "$dir")
	done
	chown -R 100000:100000 "$BUNDLE/rootfs"
}

# host_mount ARGS... TARGET: mount on the host (under the test's temp dir), remembered in
# HOST_MOUNTS for unmount_host_mounts.
host_mount() {
	mount "$@" || fail "host mount $* failed"
	HOST_MOUNTS+=("${!#}")
}

# unmount_host_mounts: undo host_mount, deepest first; teardowns call it before cleanup_berth's
# leak check.
unmount_host_mounts() {
	local i
	for ((i = ${#HOST_MOUNTS[@]} - 1; i >= 0; i--)); do
		umount -l "${HOST_MOUNTS[i]}" 2>/dev/null || true
	done
}
