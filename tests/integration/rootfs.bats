#!/usr/bin/env bats
# The root filesystem switch (pivot_root or --no-pivot), rootfsPropagation, and the session
# keyring (--no-new-keyring).

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
