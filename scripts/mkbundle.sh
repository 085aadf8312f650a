#!/usr/bin/env bash
# mkbundle.sh DIR [ARGS...]: make an OCI bundle in DIR with a busybox rootfs and a config.json
# whose process runs ARGS (default: sh) without a terminal.
#
# The rootfs is built once into $REPO/.cache/rootfs and copied from there, so a test can make a
# fresh bundle in a few milliseconds. config.json comes from `$BERTH_BIN spec` so the tests use
# berth's own defaults; while the binary cannot write one yet, scripts/config-template.json is used.
#
# Environment: BERTH_BIN (default $REPO/berth), BERTH_CACHE (default $REPO/.cache),
# BUSYBOX (default /bin/busybox, from Debian's busybox-static).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BERTH_BIN=${BERTH_BIN:-$REPO/berth}
[[ $BERTH_BIN == */* ]] || BERTH_BIN=$(command -v "$BERTH_BIN" || echo "$BERTH_BIN")
[[ $BERTH_BIN == /* ]] || BERTH_BIN=$PWD/$BERTH_BIN
CACHE=${BERTH_CACHE:-$REPO/.cache}
BUSYBOX=${BUSYBOX:-/bin/busybox}
# Bump when build_rootfs changes, so cached copies are rebuilt.
ROOTFS_LAYOUT=2

die() {
	echo "mkbundle: $*" >&2
	exit 1
}

# build_rootfs DIR: lay out a minimal busybox userland in DIR.
build_rootfs() {
	local dir=$1 applet
	chmod 0755 "$dir"
	mkdir -p "$dir"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,root,run,home/user}
	chmod 1777 "$dir/tmp"
	chmod 0700 "$dir/root"
	install -m 0755 "$BUSYBOX" "$dir/bin/busybox"
	# One absolute symlink per applet; the list includes bin/busybox itself, which must stay a file.
	while read -r applet; do
		[[ $applet == bin/busybox ]] && continue
		mkdir -p "$dir/$(dirname "$applet")"
		ln -sf /bin/busybox "$dir/$applet"
	done <<<"$("$BUSYBOX" --list-full)" # a here-string: no /dev/fd needed (chroots lack it)
	[[ -L $dir/bin/sh ]] || die "no applet links were made from $BUSYBOX --list-full"
	cat >"$dir/etc/passwd" <<-'EOF'
		root:x:0:0:root:/root:/bin/sh
		user:x:1000:1000:user:/home/user:/bin/sh
		nobody:x:65534:65534:nobody:/nonexistent:/bin/false
	EOF
	cat >"$dir/etc/group" <<-'EOF'
		root:x:0:
		user:x:1000:
		nogroup:x:65534:
	EOF
	chown 1000:1000 "$dir/home/user"
}

# cached_rootfs: print the path of the cached rootfs, (re)building it when busybox or the layout
# changed. Built beside the cache and renamed into place, so a concurrent reader never sees half.
cached_rootfs() {
	local cached=$CACHE/rootfs stamp want tmp
	stamp=$CACHE/rootfs.stamp
	want="layout=$ROOTFS_LAYOUT busybox=$(stat -c '%s %Y' "$BUSYBOX")"
	if [[ -d $cached && -f $stamp && $(<"$stamp") == "$want" ]]; then
		echo "$cached"
		return
	fi
	mkdir -p "$CACHE"
	tmp=$(mktemp -d "$CACHE/rootfs.new.XXXXXX")
	build_rootfs "$tmp"
	rm -rf "$cached"
	mv "$tmp" "$cached"
	echo "$want" >"$stamp"
	echo "$cached"
}

# write_config BUNDLE ARGS...: config.json from `$BERTH_BIN spec` (else the template), then set
# terminal=false and the process args.
write_config() {
	local bundle=$1 tmp
	shift
	tmp=$(mktemp -d)
	if [[ -x $BERTH_BIN ]] && (cd "$tmp" && "$BERTH_BIN" spec) >/dev/null 2>&1 &&
		jq -e .process "$tmp/config.json" >/dev/null 2>&1; then
		mv "$tmp/config.json" "$bundle/config.json.base"
	else
		echo "mkbundle: '$BERTH_BIN spec' failed; using scripts/config-template.json" >&2
		cp "$REPO/scripts/config-template.json" "$bundle/config.json.base"
	fi
	rm -rf "$tmp"
	# One --arg per element, so that args like "-c" are never taken for jq's own options.
	local args_json arg
	args_json=$(for arg in "$@"; do jq -n --arg a "$arg" '$a'; done | jq -sc .)
	jq --argjson args "$args_json" \
		'.process.terminal = false | .process.args = $args | .root.path = "rootfs"' \
		<"$bundle/config.json.base" >"$bundle/config.json"
	rm -f "$bundle/config.json.base"
}

main() {
	[[ $# -ge 1 ]] || die "usage: mkbundle.sh DIR [ARGS...]"
	local dir=$1
	shift
	[[ $# -gt 0 ]] || set -- sh
	[[ -x $BUSYBOX ]] || die "$BUSYBOX not found: run scripts/install-deps.sh (busybox-static)"
	command -v jq >/dev/null || die "jq not found: run scripts/install-deps.sh"

	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	[[ $dir != / ]] || die "refusing to use / as a bundle"
	local src
	src=$(cached_rootfs)
	rm -rf --one-file-system "$dir/rootfs"
	cp -a "$src" "$dir/rootfs"
	write_config "$dir" "$@"
}

main "$@"
