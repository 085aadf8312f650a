#!/usr/bin/env bash
# run-tests.sh [BATS ARGS...]: run bats tests inside the test VM (Debian 12, pure cgroup v2,
# systemd as PID 1, AppArmor), against the berth binary of this checkout; print their TAP output
# and exit with bats' status (1 if the guest never reported, 124 on timeout).
#
# Default arguments: --filter-tags vm tests/integration (the tests tagged `vm`). Paths may be
# relative to the checkout or absolute: the guest mounts the checkout (9p) at the same path.
#
# How: build-image.sh makes sure the cached image exists; qemu (TCG: /dev/kvm here cannot boot a
# stock kernel) boots it with a throwaway copy-on-write layer over the disk; the guest's
# berth-tests.service runs scripts/vm/guest-run.sh, which writes .cache/vm/result.{tap,rc} into
# the checkout, and powers off. The serial console is kept in .cache/vm/console.log.
#
# Environment: BERTH_BIN (default: the checkout's ./berth), BERTH_VM_TIMEOUT (seconds, default
# 1800), BERTH_VM_CACHE (see build-image.sh), BERTH_VM_MEMORY (2G), BERTH_VM_CPUS (2),
# BERTH_VM_CMDLINE_EXTRA (appended to the kernel command line).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
CACHE=${BERTH_VM_CACHE:-/var/cache/berth-vm}
TIMEOUT=${BERTH_VM_TIMEOUT:-1800}
OUT=$REPO/.cache/vm

# Pure cgroup v2 and AppArmor as the LSM; panic=1 with qemu's -no-reboot turns a guest panic
# into a qemu exit instead of a hang until the timeout. The disk is a throwaway snapshot:
# no fsck needed.
CMDLINE="console=ttyS0 root=/dev/vda rw rootfstype=ext4 fsck.mode=skip panic=1 mitigations=off \
systemd.unified_cgroup_hierarchy=1 cgroup_no_v1=all apparmor=1 security=apparmor"

log() { echo "run-tests: $*" >&2; }
die() {
	log "$*"
	exit 1
}

# berth_bin: BERTH_BIN as an absolute path. The guest sees the checkout at the same path, and
# the image's own files (e.g. /usr/sbin/runc) elsewhere.
berth_bin() {
	local bin=${BERTH_BIN:-$REPO/berth}
	[[ $bin == /* ]] || bin=$PWD/$bin
	if [[ $bin == "$REPO"/* && ! -x $bin ]]; then
		die "BERTH_BIN=$bin is not an executable (run make)"
	fi
	echo "$bin"
}

# narrow_to_tagged ARGS...: print ARGS NUL-separated. With one plain `--filter-tags TAG` (no
# commas, no negation) and no -r, each directory becomes the .bats files in it that name TAG in a
# `# bats file_tags=` or `# bats test_tags=` line: bats would parse every file of the directory to
# find the few tagged ones, which takes minutes under emulation.
narrow_to_tagged() {
	local tag="" arg prev="" files
	for arg in "$@"; do
		case $prev,$arg in
		--filter-tags,*) [[ -z $tag && $arg =~ ^[A-Za-z0-9_:-]+$ ]] && tag=$arg || tag='!' ;;
		*,-r | *,--recursive) tag='!' ;;
		esac
		prev=$arg
	done
	for arg in "$@"; do
		files=()
		if [[ -n $tag && $tag != '!' && -d $arg ]]; then
			mapfile -d '' -t files < <(find "$arg" -maxdepth 1 -name '*.bats' -print0 | sort -z |
				xargs -0r grep -lZE "^#[[:space:]]*bats[[:space:]]+(file|test)_tags=(.*,)?[[:space:]]*${tag}[[:space:]]*(,|\$)")
		fi
		if [[ ${#files[@]} -gt 0 ]]; then
			printf '%s\0' "${files[@]}"
		else
			printf '%s\0' "$arg"
		fi
	done
}

# absolute_paths ARGS...: print ARGS NUL-separated, with relative paths of existing test files and
# directories made absolute: the guest runs bats from the checkout's root, not from $PWD.
absolute_paths() {
	local arg
	for arg in "$@"; do
		if [[ $arg != /* && -e $arg && ($arg == */* || $arg == *.bats) ]]; then
			arg=$PWD/$arg
		fi
		printf '%s\0' "$arg"
	done
}

# write_request BIN ARGS...: what the guest reads: the checkout's path and BERTH_BIN as shell
# assignments, the bats arguments NUL-separated (any characters survive).
write_request() {
	local bin=$1
	shift
	printf 'BERTH_VM_REPO=%q\nBERTH_BIN=%q\n' "$REPO" "$bin" >"$OUT/request.env"
	local args=()
	mapfile -d '' -t args < <(narrow_to_tagged "$@")
	absolute_paths "${args[@]}" >"$OUT/request.args"
}

# boot IMAGE_DIR: run the VM to its power-off; qemu's status (124 when the timeout hit).
boot() {
	local img=$1
	timeout -k 10 "$TIMEOUT" qemu-system-x86_64 \
		-accel tcg -m "${BERTH_VM_MEMORY:-2G}" -smp "${BERTH_VM_CPUS:-2}" \
		-nodefaults -display none -monitor none -no-reboot \
		-serial "file:$OUT/console.log" \
		-kernel "$img/vmlinuz" -initrd "$img/initrd.img" \
		-append "$CMDLINE ${BERTH_VM_CMDLINE_EXTRA:-}" \
		-drive "file=$img/root.img,format=raw,if=virtio,snapshot=on" \
		-virtfs "local,path=$REPO,mount_tag=berth,security_model=none,multidevs=remap,id=berth" \
		</dev/null
}

# report QEMU_STATUS: print the guest's TAP and exit with its status, or explain why there is none.
report() {
	local qemu_status=$1
	if [[ -f $OUT/result.rc ]]; then
		cat "$OUT/result.tap" 2>/dev/null || true
		exit "$(<"$OUT/result.rc")"
	fi
	if [[ $qemu_status -eq 124 ]]; then
		log "the VM did not finish within BERTH_VM_TIMEOUT=${TIMEOUT}s"
	else
		log "the guest reported no result (qemu exit status $qemu_status)"
	fi
	log "last lines of $OUT/console.log:"
	tail -n 40 "$OUT/console.log" >&2 || true
	[[ $qemu_status -eq 124 ]] && exit 124
	exit 1
}

main() {
	[[ $# -gt 0 ]] || set -- --filter-tags vm tests/integration
	local bin img start status=0
	bin=$(berth_bin)
	bash "$REPO/scripts/vm/build-image.sh"
	img=$(readlink -f "$CACHE/current")
	[[ -f $img/done ]] || die "no VM image in $CACHE (build-image.sh failed?)"

	mkdir -p "$OUT"
	# One VM per checkout at a time: they would share the request and result files.
	exec 8>"$OUT/lock"
	flock -n 8 || die "another run-tests.sh is using $OUT"
	rm -f "$OUT"/result.tap "$OUT"/result.rc "$OUT"/console.log
	write_request "$bin" "$@"

	log "booting the test VM (TCG, several minutes; console: $OUT/console.log)"
	start=$SECONDS
	boot "$img" || status=$?
	log "VM finished after $((SECONDS - start)) s"
	report "$status"
}

main "$@"
