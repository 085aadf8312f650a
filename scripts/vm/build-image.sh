#!/usr/bin/env bash
# build-image.sh: build, once, the Debian 12 VM that runs the bats tests needing pure cgroup v2,
# systemd as PID 1 and AppArmor (see scripts/vm/run-tests.sh), and cache it outside the repo.
#
# The cache holds one directory per recipe, img-<hash>, with root.img (raw ext4), vmlinuz and
# initrd.img, and a symlink `current` to the newest. The hash covers this file, so the image is
# rebuilt only when the recipe below changes; otherwise the script prints nothing and exits 0.
# Needs root (debootstrap, chroot) and the Debian mirror; installs its host tools with apt.
#
# Environment: BERTH_VM_CACHE (default /var/cache/berth-vm), BERTH_VM_MIRROR (default
# http://deb.debian.org/debian), BERTH_VM_IMAGE_SIZE (default 4G, sparse).
set -euo pipefail

CACHE=${BERTH_VM_CACHE:-/var/cache/berth-vm}
MIRROR=${BERTH_VM_MIRROR:-http://deb.debian.org/debian}
IMAGE_SIZE=${BERTH_VM_IMAGE_SIZE:-4G}
SUITE=bookworm # the host's release, so the host-built berth finds the same glibc and libseccomp

# What the guest needs: systemd as PID 1 with dbus and AppArmor, a kernel, what bats and the
# test helpers call, runc to check the VM tests themselves (BERTH_BIN=/usr/sbin/runc), and criu
# for checkpoint.bats (the host's 6.18 kernel defeats Debian's criu; the guest's 6.1 does not) with
# iptables, which criu runs to lock the network of a container while it dumps it.
GUEST_PACKAGES=(
	systemd systemd-sysv dbus udev kmod apparmor
	linux-image-amd64 initramfs-tools
	bats bats-assert bats-support
	busybox-static jq iproute2 procps util-linux mawk time
	libseccomp2 runc criu iptables
)
HOST_PACKAGES=(debootstrap qemu-system-x86 qemu-utils e2fsprogs)

# The initrd only has to find the virtio disk and mount ext4: a short list keeps it small, and
# unpacking a big one is slow under TCG. 9p is loaded from the root disk later.
INITRD_MODULES=(virtio_pci virtio_blk ext4 crc32c_generic)

log() { echo "build-image: $*" >&2; }
die() {
	log "$*"
	exit 1
}

# recipe_hash: what the image is built from; a change means a rebuild.
recipe_hash() {
	sha256sum "${BASH_SOURCE[0]}" | cut -c1-16
}

install_host_tools() {
	local missing=() pkg
	for pkg in "${HOST_PACKAGES[@]}"; do
		dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -q ' installed$' || missing+=("$pkg")
	done
	[[ ${#missing[@]} -eq 0 ]] && return 0
	log "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# bootstrap ROOT: a minimal Debian with the guest packages (~100 MB of downloads, about two
# minutes in all; keeping the .debs would not make a rebuild noticeably faster).
bootstrap() {
	local root=$1 include
	include=$(
		IFS=,
		echo "${GUEST_PACKAGES[*]}"
	)
	debootstrap --variant=minbase --include="$include" \
		"$SUITE" "$root" "$MIRROR" >"$root.debootstrap.log" 2>&1 ||
		die "debootstrap failed; last lines of $root.debootstrap.log:$(echo; tail -n 20 "$root.debootstrap.log")"
}

# configure_guest ROOT: hostname, root disk, modules, the test unit, fewer services to wait for.
configure_guest() {
	local root=$1
	echo berth-vm >"$root/etc/hostname"
	echo '/dev/vda / ext4 rw,noatime 0 0' >"$root/etc/fstab"
	# A throwaway VM without network: an empty root password makes the serial console usable
	# when a boot is debugged by hand (qemu with -serial stdio).
	chroot "$root" passwd -qd root >/dev/null
	printf '%s\n' 9p 9pnet_virtio >"$root/etc/modules-load.d/berth-9p.conf"
	mkdir -p "$root/berth"
	install_boot_script "$root"
	install_unit "$root"
	# Timers and jobs that would only slow an emulated boot.
	local unit
	for unit in apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer e2scrub_reap.service \
		fstrim.timer man-db.timer dpkg-db-backup.timer systemd-tmpfiles-clean.timer; do
		ln -sf /dev/null "$root/etc/systemd/system/$unit"
	done
	rm -f "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*_Packages
}

# install_boot_script ROOT: what the unit runs. Kept tiny and stable: it mounts the checkout at
# the host's own path (so absolute paths and BERTH_BIN mean the same in both) and hands over to
# scripts/vm/guest-run.sh from the checkout, so changing the test driver needs no rebuild.
install_boot_script() {
	cat >"$1/usr/local/sbin/berth-vm-boot" <<-'EOF'
		#!/bin/bash
		# Mount the host checkout and run its guest-side test driver (see scripts/vm/).
		set -eu
		mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 berth /berth
		# request.env (written by run-tests.sh) sets BERTH_VM_REPO, the checkout's host path.
		. /berth/.cache/vm/request.env
		mkdir -p "$BERTH_VM_REPO"
		mount --bind /berth "$BERTH_VM_REPO"
		exec bash "$BERTH_VM_REPO/scripts/vm/guest-run.sh"
	EOF
	chmod 0755 "$1/usr/local/sbin/berth-vm-boot"
}

# install_unit ROOT: runs the tests once the system is up, then powers the guest off whatever
# happened, so that the host's qemu exits.
install_unit() {
	cat >"$1/etc/systemd/system/berth-tests.service" <<-'EOF'
		[Unit]
		Description=berth bats tests from the host checkout
		After=multi-user.target apparmor.service systemd-modules-load.service
		SuccessAction=poweroff-force
		FailureAction=poweroff-force

		[Service]
		Type=oneshot
		ExecStart=/usr/local/sbin/berth-vm-boot
		StandardOutput=journal+console
		StandardError=journal+console
		TimeoutStartSec=infinity

		[Install]
		WantedBy=multi-user.target
	EOF
	chroot "$1" systemctl enable berth-tests.service >/dev/null 2>&1
}

# warm_bundle_cache ROOT: build, in the image, the busybox rootfs that scripts/mkbundle.sh caches
# and copies for every bundle, where guest-run.sh points BERTH_CACHE. Building it takes ~800 forks,
# half a minute under emulation, on every VM run otherwise. mkbundle.sh keeps a stamp of its
# layout: should the checkout's differ from this one, the guest just builds its own.
warm_bundle_cache() {
	local root=$1 repo warm=/tmp/berth-warm
	repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
	[[ -f $repo/scripts/mkbundle.sh ]] || return 0
	mkdir -p "$root$warm/scripts"
	cp "$repo/scripts/mkbundle.sh" "$repo/scripts/config-template.json" "$root$warm/scripts/"
	# /dev and /proc as a real system has them: the script and busybox expect both.
	mount --bind /dev "$root/dev" && mount -t proc proc "$root/proc" || die "mount /dev, /proc in the chroot"
	chroot "$root" env BERTH_CACHE=/var/tmp/berth-cache BERTH_BIN=/nonexistent \
		bash "$warm/scripts/mkbundle.sh" "$warm/bundle" >/dev/null 2>&1 ||
		log "warning: could not pre-build the busybox rootfs (the guest will build it)"
	umount "$root/proc" "$root/dev"
	rm -rf "${root:?}$warm"
}

# build_initrd ROOT: regenerate the initrd with only the modules the boot needs.
build_initrd() {
	local root=$1
	printf '%s\n' "${INITRD_MODULES[@]}" >"$root/etc/initramfs-tools/modules"
	sed -i 's/^MODULES=.*/MODULES=list/' "$root/etc/initramfs-tools/initramfs.conf"
	chroot "$root" update-initramfs -u -k all >/dev/null 2>&1 || die "update-initramfs failed"
}

# make_disk ROOT OUT: ROOT as a sparse raw ext4 image (mkfs.ext4 -d needs no loop device).
make_disk() {
	local root=$1 out=$2
	truncate -s "$IMAGE_SIZE" "$out"
	mkfs.ext4 -q -F -L berth-root -d "$root" "$out" || die "mkfs.ext4 -d failed"
}

# build DIR: the whole image into DIR (a fresh directory).
build() {
	local dir=$1 root=$1/root
	log "building the VM image in $dir (debootstrap $SUITE from $MIRROR; several minutes)"
	bootstrap "$root"
	configure_guest "$root"
	warm_bundle_cache "$root"
	build_initrd "$root"
	cp "$(readlink -f "$root/vmlinuz")" "$dir/vmlinuz"
	cp "$(readlink -f "$root/initrd.img")" "$dir/initrd.img"
	make_disk "$root" "$dir/root.img"
	rm -rf --one-file-system "$root" "$root.debootstrap.log"
}

# discard DIR: remove a failed build, first unmounting what debootstrap may have left mounted in it.
discard() {
	local dir=$1 mnt
	[[ -d $dir ]] || return 0
	awk -v d="$dir/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
		while read -r mnt; do umount -l "$mnt" 2>/dev/null || true; done
	rm -rf --one-file-system "$dir"
}

# publish DIR: point `current` at DIR atomically and drop older images (a VM still running one
# keeps its open files).
publish() {
	local dir=$1 old
	ln -sfn "$(basename "$dir")" "$CACHE/current.new"
	mv -T "$CACHE/current.new" "$CACHE/current"
	for old in "$CACHE"/img-*; do
		[[ $old == "$dir" || ! -d $old ]] || rm -rf --one-file-system "$old"
	done
}

main() {
	local hash dir start
	hash=$(recipe_hash)
	dir=$CACHE/img-$hash
	[[ -f $dir/done && $(readlink "$CACHE/current" 2>/dev/null) == "img-$hash" ]] && return 0
	[[ $(id -u) -eq 0 ]] || die "building the VM image needs root (debootstrap, chroot)"
	mkdir -p "$CACHE"
	exec 9>"$CACHE/lock"
	flock 9
	# Another build may have finished while this one waited for the lock.
	if [[ ! -f $dir/done ]]; then
		start=$SECONDS
		install_host_tools
		rm -rf --one-file-system "$dir" "$dir.tmp"
		mkdir -p "$dir.tmp"
		trap 'discard "$dir.tmp"' EXIT
		build "$dir.tmp"
		touch "$dir.tmp/done"
		mv -T "$dir.tmp" "$dir"
		trap - EXIT
		log "built $dir in $((SECONDS - start)) s ($(du -sh "$dir" | cut -f1) on disk)"
	fi
	publish "$dir"
}

main "$@"
