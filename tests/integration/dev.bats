#!/usr/bin/env bats
# /dev: the default devices and symlinks every container gets, /dev/shm, and linux.devices.

load helpers

setup() {
	berth_setup
}

teardown() {
	cleanup_berth
}

# STAT_DEV: the shell snippet that prints "PATH TYPE MAJOR:MINOR MODE UID:GID" (major and minor
# in hex, as busybox stat gives them) for each of its arguments.
STAT_DEV='stat -c "%n %F %t:%T %a %u:%g"'

@test "the default devices exist with their major:minor numbers and mode 0666" {
	setup_bundle sh -c "$STAT_DEV /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty"
	run_container
	assert_success
	assert_line "/dev/null character special file 1:3 666 0:0"
	assert_line "/dev/zero character special file 1:5 666 0:0"
	assert_line "/dev/full character special file 1:7 666 0:0"
	assert_line "/dev/random character special file 1:8 666 0:0"
	assert_line "/dev/urandom character special file 1:9 666 0:0"
	assert_line "/dev/tty character special file 5:0 666 0:0"
}

@test "the default devices work: null, zero, full, urandom" {
	setup_bundle sh -c 'echo x >/dev/null && echo null-ok
		head -c 4 /dev/zero | od -An -tx1
		echo x 2>&1 >/dev/full | grep -q "No space left on device" && echo full-ENOSPC
		[ "$(head -c 16 /dev/urandom | wc -c)" = 16 ] && echo urandom-ok'
	run_container
	assert_success
	assert_line null-ok
	assert_line --regexp '^ *00 00 00 00$'
	assert_line full-ENOSPC
	assert_line urandom-ok
}

@test "/dev holds no other host device" {
	setup_bundle sh -c 'ls /dev; ls /dev/sda /dev/vda /dev/mem /dev/kmsg 2>&1 | grep -c "No such file"'
	run_container
	assert_success
	# All four host devices are absent.
	assert_line --index $((${#lines[@]} - 1)) 4
}

@test "the standard symlinks: ptmx, fd, stdin, stdout, stderr" {
	setup_bundle sh -c 'for l in ptmx fd stdin stdout stderr; do echo "$l -> $(readlink /dev/$l)"; done
		ls -d /dev/fd/ >/dev/null && echo fd-dir-ok'
	run_container
	assert_success
	assert_line "ptmx -> pts/ptmx"
	assert_line "fd -> /proc/self/fd"
	assert_line "stdin -> /proc/self/fd/0"
	assert_line "stdout -> /proc/self/fd/1"
	assert_line "stderr -> /proc/self/fd/2"
	assert_line fd-dir-ok
}

@test "/dev/pts is a new devpts instance and /dev/ptmx opens" {
	setup_bundle sh -c "ls /dev/pts; $STAT_DEV /dev/pts/ptmx; exec 4<>/dev/ptmx && echo ptmx-ok"
	run_container
	assert_success
	# Nothing but ptmx: the host's terminals are not visible.
	assert_line --index 0 ptmx
	assert_line --regexp '^/dev/pts/ptmx character special file 5:2 '
	assert_line ptmx-ok
}

@test "/dev/shm is a writable tmpfs" {
	setup_bundle sh -c 'echo hi >/dev/shm/f && cat /dev/shm/f; stat -f -c %T /dev/shm; stat -c %a /dev/shm'
	run_container
	assert_success
	assert_line --index 0 hi
	assert_line --index 1 tmpfs
	assert_line --index 2 1777
}

@test "linux.devices: char and block devices with fileMode, uid and gid" {
	setup_bundle sh -c "$STAT_DEV /dev/mynull /dev/sub/dir/myloop; echo x >/dev/mynull && echo write-ok"
	# fileMode is decimal in JSON: 432 = 0660, 416 = 0640.
	update_config '.linux.devices = [
		{path: "/dev/mynull", type: "c", major: 1, minor: 3, fileMode: 432, uid: 0, gid: 1000},
		{path: "/dev/sub/dir/myloop", type: "b", major: 7, minor: 0, fileMode: 416, uid: 0, gid: 6}]
		| .linux.resources.devices += [{allow: true, type: "c", major: 1, minor: 3, access: "rw"}]'
	run_container
	assert_success
	assert_line "/dev/mynull character special file 1:3 660 0:1000"
	assert_line "/dev/sub/dir/myloop block special file 7:0 640 0:6"
	assert_line write-ok
}

@test "linux.devices without an allow rule exists but cannot be opened" {
	# 1:11 is /dev/kmsg, which root may write on the host but no default device rule allows.
	setup_bundle sh -c "$STAT_DEV /dev/mykmsg
		echo x 2>&1 >/dev/mykmsg | grep -q 'Operation not permitted' && echo EPERM"
	update_config '.linux.devices = [{path: "/dev/mykmsg", type: "c", major: 1, minor: 11,
		fileMode: 438, uid: 0, gid: 0}]'
	run_container
	assert_success
	assert_line "/dev/mykmsg character special file 1:b 666 0:0"
	assert_line EPERM
}
