#!/usr/bin/env bash
# install-deps.sh [EXTRA_PACKAGE...]: install the Debian packages that berth's build, tests, demo
# and benchmark need. Idempotent and silent when everything is present: it asks dpkg first and
# touches apt (one `apt-get update`, one `apt-get install`) only for what is missing.
# Extra package names given as arguments are added to the list (bench.sh passes runc, crun, ...).
set -euo pipefail

# What the Makefile, the scripts and the bats tests call, by Debian package.
base_packages=(
	make git             # the Makefile; VERSION's commit comes from git rev-parse
	bats bats-assert bats-support
	busybox-static       # the container's userland (static /bin/busybox)
	jq                   # config.json edits, state JSON checks
	libseccomp-dev       # cgo build of the seccomp support
	iproute2             # network tests (veth pairs)
	time                 # /usr/bin/time -v for peak RSS
	procps               # ps, pgrep in leak checks
	util-linux           # mount, umount, nsenter, unshare
	strace               # which syscalls berth makes (--no-pivot never calls pivot_root)
	coreutils findutils  # timeout, mktemp, find, sort -n
	zsh                  # syntax check of contrib/completions/zsh/_berth
	uidmap               # newuidmap/newgidmap: rootless.bats maps subuid ranges
)

# missing_packages PKG...: print those of PKG that dpkg does not know as fully installed.
# One dpkg-query for all of them keeps the no-op case fast.
missing_packages() {
	local installed
	installed=$(dpkg-query -W -f='${Package} ${Status}\n' "$@" 2>/dev/null |
		awk '$NF == "installed" && $(NF-1) == "ok" { sub(/:.*/, "", $1); print $1 }' || true)
	local pkg
	for pkg in "$@"; do
		grep -qxF "$pkg" <<<"$installed" || echo "$pkg"
	done
}

main() {
	local missing=()
	mapfile -t missing < <(missing_packages "${base_packages[@]}" "$@")
	[[ ${#missing[@]} -eq 0 ]] && return 0

	if [[ $(id -u) -ne 0 ]]; then
		echo "install-deps: missing packages: ${missing[*]} (run as root to install them)" >&2
		return 1
	fi
	echo "install-deps: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

main "$@"
