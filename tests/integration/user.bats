#!/usr/bin/env bats
# process.user: uid, gid, additionalGids and umask, and what they allow.

load helpers

setup() {
	berth_setup
}

teardown() {
	cleanup_berth
}

# IDS prints the ids as the kernel holds them (real, effective, saved, fs) and the groups.
IDS='grep -E "^(Uid|Gid|Groups):" /proc/self/status | tr -s "\t " "  " | sed "s/ *$//"'

@test "uid, gid and additionalGids are set, in all four id slots" {
	setup_bundle sh -c "id; $IDS"
	update_config '.process.user = {uid: 1000, gid: 1000, additionalGids: [10, 20]}'
	run_container
	assert_success
	assert_line "uid=1000(user) gid=1000(user) groups=10,20"
	assert_line "Uid: 1000 1000 1000 1000"
	assert_line "Gid: 1000 1000 1000 1000"
	assert_line "Groups: 10 20"
}

@test "ids without a passwd entry work and HOME falls back to /" {
	setup_bundle sh -c "id -u; id -g; echo HOME=\$HOME; $IDS"
	update_config '.process.user = {uid: 4242, gid: 4343}'
	run_container
	assert_success
	assert_line --index 0 4242
	assert_line --index 1 4343
	assert_line --index 2 HOME=/
	assert_line "Uid: 4242 4242 4242 4242"
	assert_line "Gid: 4343 4343 4343 4343"
	# No supplementary group is inherited from the runtime.
	assert_line "Groups:"
}

@test "HOME comes from /etc/passwd when the config does not set it" {
	setup_bundle sh -c 'echo HOME=$HOME'
	update_config '.process.user = {uid: 1000, gid: 1000}
		| .process.env = [.process.env[] | select(startswith("HOME=") | not)]'
	run_container
	assert_success
	assert_output HOME=/home/user
}

@test "HOME from the config wins over /etc/passwd" {
	setup_bundle sh -c 'echo HOME=$HOME'
	update_config '.process.user = {uid: 1000, gid: 1000} | .process.env += ["HOME=/elsewhere"]'
	run_container
	assert_success
	assert_output HOME=/elsewhere
}

@test "root has no supplementary groups unless asked" {
	setup_bundle sh -c "$IDS"
	update_config '.process.user = {uid: 0, gid: 0}'
	run_container
	assert_success
	assert_line "Uid: 0 0 0 0"
	assert_line "Groups:"
}

@test "umask from the config shapes new files and directories" {
	setup_bundle sh -c 'umask; touch /tmp/f; mkdir /tmp/d; stat -c "%n %a" /tmp/f /tmp/d'
	# umask is decimal in JSON: 23 = 0027.
	update_config '.process.user.umask = 23 | .root.readonly = false'
	run_container
	assert_success
	assert_line --index 0 0027
	assert_line "/tmp/f 640"
	assert_line "/tmp/d 750"
}

@test "without umask in the config it is 0022" {
	setup_bundle sh -c 'umask; touch /tmp/f; stat -c %a /tmp/f'
	update_config 'del(.process.user.umask) | .root.readonly = false'
	run_container
	assert_success
	assert_line --index 0 0022
	assert_line --index 1 644
}

@test "a non-root user cannot write a root-owned file, root can" {
	setup_bundle sh -c 'echo changed >>/etc/owned-by-root || echo denied
		touch /home/user/mine 2>/dev/null && echo home-ok; true'
	echo original >"$BUNDLE/rootfs/etc/owned-by-root"
	chmod 0644 "$BUNDLE/rootfs/etc/owned-by-root"
	update_config '.process.user = {uid: 1000, gid: 1000} | .root.readonly = false'
	run_container
	assert_success
	assert_line denied
	assert_output --partial "Permission denied"
	assert_line home-ok
	assert_equal "$(cat "$BUNDLE/rootfs/etc/owned-by-root")" original

	# The same as root succeeds, so the denial above was about the user.
	update_config '.process.user = {uid: 0, gid: 0}'
	run_container
	assert_success
	refute_line denied
	assert_equal "$(tail -n 1 "$BUNDLE/rootfs/etc/owned-by-root")" changed
}

@test "a group in additionalGids grants group access" {
	setup_bundle sh -c 'cat /etc/group-only && echo read-ok'
	echo for-group-20 >"$BUNDLE/rootfs/etc/group-only"
	chown 0:20 "$BUNDLE/rootfs/etc/group-only"
	chmod 0640 "$BUNDLE/rootfs/etc/group-only"
	update_config '.process.user = {uid: 1000, gid: 1000, additionalGids: [20]}'
	run_container
	assert_success
	assert_line for-group-20

	update_config '.process.user = {uid: 1000, gid: 1000}'
	run_container
	refute_line read-ok
	assert_output --partial "Permission denied"
}
