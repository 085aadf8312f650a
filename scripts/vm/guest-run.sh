#!/usr/bin/env bash
# guest-run.sh: the test driver INSIDE the test VM, started at boot by berth-tests.service (see
# build-image.sh) with the checkout mounted at its host path. Runs bats --tap with the arguments
# run-tests.sh left in .cache/vm/request.args and writes the TAP output and bats' exit status to
# .cache/vm/result.tap and result.rc for the host. The unit powers the guest off afterwards.
set -uo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=$REPO/.cache/vm

# request.env: BERTH_VM_REPO and BERTH_BIN, written by run-tests.sh.
# shellcheck source=/dev/null
. "$OUT/request.env"
export BERTH_BIN
# The tests ask for this to know they are in the VM (vm_host.bats skips elsewhere).
export BERTH_IN_VM=1
# Bundles and the cached busybox rootfs on the guest's own disk: copying the rootfs for every
# test through 9p would be slow, and a rootfs on 9p is not what the tests mean to exercise.
export BERTH_CACHE=/var/tmp/berth-cache
export TMPDIR=/tmp

# describe_guest: what the tests run on, for the console log.
describe_guest() {
	echo "berth-vm: $(uname -r), cgroup fs $(stat -f -c %T /sys/fs/cgroup)," \
		"apparmor $(cat /sys/module/apparmor/parameters/enabled 2>/dev/null || echo absent)," \
		"pid 1 $(cat /proc/1/comm), up $(cut -d' ' -f1 /proc/uptime) s"
}

main() {
	local args=() rc
	mapfile -d '' -t args <"$OUT/request.args"
	describe_guest
	cd "$REPO" || exit 1
	bats --tap "${args[@]}" 2>&1 | tee "$OUT/result.tap.new"
	rc=${PIPESTATUS[0]}
	mv "$OUT/result.tap.new" "$OUT/result.tap"
	# The status last: the host takes its presence to mean the TAP output is complete.
	echo "$rc" >"$OUT/result.rc"
	sync
	echo "berth-vm: bats exited $rc after $(cut -d' ' -f1 /proc/uptime) s of uptime"
}

main "$@"
