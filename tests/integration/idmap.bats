#!/usr/bin/env bats
# Idmapped mounts (runtime-spec mounts[].uidMappings/gidMappings, options idmap and ridmap): a
# host directory seen through id mappings, with and without a user namespace, recursive or
# not, and the configs that are refused.
#
# A mapping {containerID C, hostID H, size S} shows a file owned on disk by C+n as owned by H+n;
# in a user namespace, that id is then seen through the namespace's own mappings.
#
# All berth-specific: runc 1.1.5 has no idmapped mounts (they came in runc 1.2); it ignores the
# mappings and the options, so the files keep their owners.

load helpers

setup() {
	berth_setup
	requires_berth
	HOST_MOUNTS=()
	# The host directory: one file of root's, one of uid/gid 1000's.
	SRC=$BATS_TEST_TMPDIR/src
	mkdir -p "$SRC"
	install -o 0 -g 0 -m 644 /dev/null "$SRC/root-file"
	install -o 1000 -g 1000 -m 644 /dev/null "$SRC/user-file"
}

teardown() {
	unmount_host_mounts
	cleanup_berth
}

# add_idmapped DEST OPTIONS [MAP]: append a bind mount of $SRC at DEST with OPTIONS (a jq array)
# and, when given, MAP (a jq array of mappings) as both its uidMappings and gidMappings.
# MOUNT_INDEX is its index in mounts.
add_idmapped() {
	local maps='{}'
	[[ -n ${3:-} ]] && maps="{uidMappings: $3, gidMappings: $3}"
	MOUNT_INDEX=$(jq '.mounts | length' "$BUNDLE/config.json")
	update_config ".mounts += [{destination: \$d, type: \"none\", source: \$s, options: $2} + $maps]" \
		--arg d "$1" --arg s "$SRC"
}

# with_userns: a new user namespace, container 0..65535 = host 100000..165535.
with_userns() {
	update_config '.linux.namespaces += [{type: "user"}]'
	update_config ".linux.uidMappings = $USERNS_MAP | .linux.gidMappings = $USERNS_MAP"
	allow_userns_traversal
}

LS='for f in /data/*; do stat -c "%u:%g %n" $f; done'

@test "idmapped mount in a user namespace: host root's files are the container root's" {
	setup_bundle sh -c "$LS; stat -c '%u:%g %n' /plain/root-file; touch /data/made-inside"
	with_userns
	add_idmapped /data '["rbind", "idmap"]' "$USERNS_MAP"
	add_idmapped /plain '["rbind"]'
	run_container
	assert_success
	assert_line '0:0 /data/root-file'
	assert_line '1000:1000 /data/user-file'
	# The same directory without the mapping: host root is nobody in the user namespace.
	assert_line '65534:65534 /plain/root-file'
	# What the container's root writes through the mount belongs to root on the disk.
	assert_equal "$(stat -c %u:%g "$SRC/made-inside")" 0:0
}

@test "idmap without mappings of its own takes the container's user namespace mappings; ro holds" {
	setup_bundle sh -c "$LS; stat -c '%u:%g %n' /one-file; touch /data/new || echo read-only"
	with_userns
	add_idmapped /data '["rbind", "idmap", "ro"]'
	SRC=$SRC/user-file add_idmapped /one-file '["bind", "idmap"]'
	run_container
	assert_success
	assert_line '0:0 /data/root-file'
	assert_line '1000:1000 /data/user-file'
	assert_line '1000:1000 /one-file'
	assert_line read-only
	[[ ! -e $SRC/new ]] || fail "a file was written through a read-only idmapped mount"
}

@test "an idmapped mount keeps the host's read-only flag locked against the container's root" {
	# The regression: a clone made on the host would carry ro unlocked, and root in the user
	# namespace, with CAP_SYS_ADMIN there, could remount it read-write.
	host_mount --bind "$SRC" "$SRC"
	mount -o remount,bind,ro "$SRC" || fail "host read-only bind mount failed"
	setup_bundle sh -c 'mount -t tmpfs t /tmp && echo can-mount; for d in /data /plain; do
		mount -o remount,bind,rw $d && touch $d/escaped && echo $d escaped; done; true'
	with_userns
	update_config '.process.capabilities |= with_entries(.value += ["CAP_SYS_ADMIN"])'
	add_idmapped /data '["rbind", "idmap"]'
	add_idmapped /plain '["rbind"]'
	run_container
	assert_success
	assert_line can-mount
	refute_output --partial escaped
	[[ ! -e $SRC/escaped ]] || fail "the container wrote through the host's read-only mount"
}

@test "idmapped mount without a user namespace: the mount's mappings alone" {
	# Disk uid/gid 0 shows as 1000; disk 1000 is outside the mapping and shows as nobody.
	setup_bundle sh -c "$LS; id -u; touch /data/made-by-1000"
	update_config '.process.user = {uid: 1000, gid: 1000}'
	add_idmapped /data '["bind", "idmap"]' '[{containerID: 0, hostID: 1000, size: 1}]'
	run_container
	assert_success
	assert_line '1000:1000 /data/root-file'
	assert_line '65534:65534 /data/user-file'
	assert_line 1000
	# The container's uid 1000 writes files that root owns on the disk.
	assert_equal "$(stat -c %u:%g "$SRC/made-by-1000")" 0:0
}

@test "ridmap maps the submounts of an rbind, idmap only its top mount" {
	mkdir -p "$SRC/sub" "$BATS_TEST_TMPDIR/inner"
	install -o 0 -g 0 -m 644 /dev/null "$BATS_TEST_TMPDIR/inner/inner-file"
	host_mount --bind "$BATS_TEST_TMPDIR/inner" "$SRC/sub"
	setup_bundle sh -c 'stat -c "%u:%g %n" /top/root-file /top/sub/inner-file /all/sub/inner-file'
	with_userns
	add_idmapped /top '["rbind", "idmap"]' "$USERNS_MAP"
	add_idmapped /all '["rbind", "ridmap"]' "$USERNS_MAP"
	run_container
	assert_success
	assert_line '0:0 /top/root-file'
	# Not mapped: host root is nobody in the user namespace.
	assert_line '65534:65534 /top/sub/inner-file'
	assert_line '0:0 /all/sub/inner-file'
}

@test "mappings on a mount that is not a bind mount are refused, naming mounts[N].uidMappings" {
	setup_bundle true
	MOUNT_INDEX=$(jq '.mounts | length' "$BUNDLE/config.json")
	update_config '.mounts += [{destination: "/data", type: "tmpfs", source: "tmpfs",
		uidMappings: [{containerID: 0, hostID: 1000, size: 1}], gidMappings: [{containerID: 0, hostID: 1000, size: 1}]}]'
	run_unpiped berth run --bundle "$BUNDLE" "$ID"
	assert_one_line_error "mounts[$MOUNT_INDEX].uidMappings" "only a bind mount can be idmapped"
	assert_no_leaks
}

@test "idmap with neither mappings nor a user namespace is refused" {
	setup_bundle true
	add_idmapped /data '["rbind", "idmap"]'
	run_unpiped berth run --bundle "$BUNDLE" "$ID"
	assert_one_line_error "mounts[$MOUNT_INDEX].options[1] \"idmap\"" "or a user namespace"
	assert_no_leaks
}

@test "uidMappings without gidMappings, and overlapping ranges, are refused" {
	setup_bundle true
	add_idmapped /data '["rbind", "idmap"]' '[{containerID: 0, hostID: 1000, size: 1}]'
	update_config 'del(.mounts[-1].gidMappings)'
	run_unpiped berth run --bundle "$BUNDLE" "$ID"
	assert_one_line_error "mounts[$MOUNT_INDEX].gidMappings: missing"
	update_config '.mounts[-1].gidMappings = [{containerID: 0, hostID: 1000, size: 10}, {containerID: 5, hostID: 2000, size: 1}]'
	run_unpiped berth run --bundle "$BUNDLE" "$ID"
	assert_one_line_error "mounts[$MOUNT_INDEX].gidMappings[1]: containerID range overlaps"
	assert_no_leaks
}

@test "a source whose filesystem cannot be idmapped fails create, leaving nothing" {
	setup_bundle true
	SRC=/proc
	add_idmapped /data '["rbind", "idmap"]' '[{containerID: 0, hostID: 1000, size: 1}]'
	run_unpiped berth create --bundle "$BUNDLE" "$ID"
	assert_one_line_error "mounts[$MOUNT_INDEX]" '"/proc"' "MOUNT_ATTR_IDMAP"
	assert_no_leaks
}
