#!/usr/bin/env bats
# The root filesystem switch (pivot_root or --no-pivot), rootfsPropagation, the session
# keyring (--no-new-keyring), and when the read-only parts (root.readonly, a "ro" tmpfs or /dev)
# become read-only: last, after every mount point and device node is made.

load helpers

setup() {
	berth_setup
}

teardown() {
	cleanup_berth
}

# set_keyring_id ID: the keyring name the container looks for.
set_keyring_id() {
	update_config '.process.env = [.process.env[] | select(startswith("KEYRING_ID=") | not)] + ["KEYRING_ID=" + $id]' --arg id "$1"
}

# The container's root mount: the mountinfo line whose mount point (field 5) is "/".
ROOT_MOUNT=(sh -c 'awk "\$5 == \"/\"" /proc/self/mountinfo; ls /bin/busybox')

@test "pivot_root: the container's / is the bundle's rootfs and nothing of the host's root" {
	setup_bundle "${ROOT_MOUNT[@]}"
	run_container
	assert_success
	assert_line --partial "$BUNDLE/rootfs / "
	assert_line /bin/busybox
	assert_equal "$(grep -c . <<<"$output")" 2 # one root mount: the old root is gone
}

@test "--no-pivot: the rootfs is moved onto / and the container still runs in it" {
	setup_bundle "${ROOT_MOUNT[@]}"
	run_unpiped berth run --no-pivot --bundle "$BUNDLE" "$ID"
	assert_success
	assert_line --partial "$BUNDLE/rootfs / "
	assert_line /bin/busybox
}

# From inside, a moved-and-chrooted root looks like a pivoted one; the difference is whether
# pivot_root(2) was called at all, which strace sees.
@test "--no-pivot: pivot_root is never called; without it, once" {
	command -v strace >/dev/null || skip "strace is not installed"
	setup_bundle true
	local trace=$BATS_TEST_TMPDIR/trace
	run_unpiped strace -f -qq -e trace=pivot_root -o "$trace" "$BERTH_BIN" --root "$BERTH_ROOT" \
		run --no-pivot --bundle "$BUNDLE" "$ID"
	assert_success
	run grep -c pivot_root "$trace"
	assert_output 0
	run_unpiped strace -f -qq -e trace=pivot_root -o "$trace" "$BERTH_BIN" --root "$BERTH_ROOT" \
		run --bundle "$BUNDLE" "$ID"
	assert_success
	run grep -c pivot_root "$trace"
	assert_output 1
}

@test "rootfsPropagation: shared makes the root mount shared, private leaves it unshared" {
	setup_bundle "${ROOT_MOUNT[@]}"
	update_config '.linux.rootfsPropagation = "shared"'
	run_container
	assert_success
	assert_line --regexp "$BUNDLE/rootfs / .* shared:[0-9]+ "

	update_config '.linux.rootfsPropagation = "private"'
	run_unpiped berth run --bundle "$BUNDLE" "$ID-private"
	assert_success
	refute_line --regexp "$BUNDLE/rootfs / .* (shared|master):[0-9]+ "
	assert_line --partial "$BUNDLE/rootfs / "
}

@test "a new session keyring named after the container, unless --no-new-keyring" {
	setup_bundle sh -c 'grep -c "_ses\.$KEYRING_ID:" /proc/keys; true'
	# /proc/keys is masked by the default config; this test needs to read it.
	update_config '.linux.maskedPaths -= ["/proc/keys"]'
	set_keyring_id "$ID"
	run_container
	assert_success
	assert_output 1

	local other=$ID-nokeyring
	set_keyring_id "$other"
	run_unpiped berth run --no-new-keyring --bundle "$BUNDLE" "$other"
	assert_success
	assert_output 0
}

# mount_opts_of DEST: a script printing the mount options (field 6 of mountinfo) of DEST.
mount_opts_of() {
	echo "awk '\$5 == \"$1\" { print \"$1\", \$6 }' /proc/self/mountinfo"
}

@test "a read-only /dev tmpfs still gets /dev/pts, /dev/shm, /dev/mqueue and its devices, then is read-only" {
	setup_bundle sh -c "$(mount_opts_of /dev); $(mount_opts_of /dev/pts); $(mount_opts_of /dev/shm)
		$(mount_opts_of /dev/mqueue); ls /dev/null /dev/ptmx; echo x >/dev/null && echo null-works
		touch /dev/new 2>&1; true"
	update_config '(.mounts[] | select(.destination == "/dev")).options += ["ro"]'
	run_container
	assert_success
	assert_line --regexp '^/dev ro,'
	assert_line --regexp '^/dev/pts rw,'
	assert_line --regexp '^/dev/shm rw,'
	assert_line --regexp '^/dev/mqueue rw,'
	assert_line /dev/null
	assert_line /dev/ptmx
	assert_line null-works
	assert_line --partial 'Read-only file system'
}

@test "a read-only tmpfs still gets the mount points of the mounts below it" {
	setup_bundle sh -c "$(mount_opts_of /data); $(mount_opts_of /data/sub/dir)
		touch /data/sub/dir/f && echo sub-written; touch /data/f 2>&1; true"
	update_config '.mounts += [{destination: "/data", type: "tmpfs", source: "tmpfs", options: ["ro"]},
		{destination: "/data/sub/dir", type: "tmpfs", source: "tmpfs", options: ["rw"]}]'
	run_container
	assert_success
	assert_line --regexp '^/data ro,'
	assert_line --regexp '^/data/sub/dir rw,'
	assert_line sub-written
	assert_line --partial 'Read-only file system'
}

@test "root.readonly: / is read-only in the end, with /dev filled in the image's own /dev" {
	# Without a /dev tmpfs the device nodes go into the rootfs itself, before it is made read-only.
	setup_bundle sh -c "$(mount_opts_of /); ls /dev/null /dev/zero; touch /new 2>&1; true"
	update_config '.root.readonly = true | .mounts |= map(select(.destination != "/dev"))'
	run_container
	assert_success
	assert_line --regexp '^/ ro,'
	assert_line /dev/null
	assert_line /dev/zero
	assert_line --partial 'Read-only file system'
}

@test "a rootfs whose /proc is a symlink is refused, and nothing is made where it points" {
	setup_bundle true
	rmdir "$BUNDLE/rootfs/proc"
	ln -s /proc2 "$BUNDLE/rootfs/proc"
	run_unpiped berth run --bundle "$BUNDLE" "$ID"
	assert_one_line_error 'mounts[0] (proc) destination "/proc": /proc must be mounted on an ordinary directory'
	assert_no_leaks
	[[ ! -e $BUNDLE/rootfs/proc2 ]] || fail "the symlink's target /proc2 was created in the rootfs"
}
