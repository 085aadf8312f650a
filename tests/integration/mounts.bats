#!/usr/bin/env bats
# Mounts: every filesystem type the default config uses, bind and rbind of host files and
# directories, the effect of ro/nosuid/nodev/noexec, propagation, rro, and destinations that
# are symlinks pointing out of the rootfs.

load helpers

setup() {
	berth_setup
	HOST_MOUNTS=()
}

teardown() {
	unmount_host_mounts
	cleanup_berth
}

# add_mount JQ_OBJECT [JQ_OPTIONS...]: append a mount to the config.
add_mount() {
	local expr=$1
	shift
	update_config ".mounts += [$expr]" "$@"
}

@test "proc, sysfs, devpts, mqueue and shm have their types and sysfs is read-only" {
	setup_bundle sh -c 'for d in /proc /sys /dev /dev/pts /dev/shm /dev/mqueue; do
		awk -v d=$d '\''$5 == d { print d, $(NF-2), $6 }'\'' /proc/self/mountinfo; done
		echo x >/sys/kernel/uevent_helper && echo sys-writable'
	run_container
	assert_line --regexp '^/proc proc rw'
	assert_line --regexp '^/sys sysfs ro,nosuid,nodev,noexec'
	assert_line --regexp '^/dev tmpfs rw,nosuid'
	assert_line --regexp '^/dev/pts devpts rw,nosuid,noexec'
	assert_line --regexp '^/dev/shm tmpfs rw,nosuid,nodev,noexec'
	assert_line --regexp '^/dev/mqueue mqueue rw,nosuid,nodev,noexec'
	refute_line sys-writable
}

@test "proc shows the container's own processes" {
	setup_bundle sh -c 'cat /proc/1/comm; ls /proc | grep -cE "^[0-9]+$"'
	run_container
	assert_success
	assert_line --index 0 sh
	# sh, ls and grep at most.
	[[ ${lines[1]} -le 3 ]] || fail "container /proc lists ${lines[1]} processes"
}

@test "tmpfs honours size= and mode=" {
	setup_bundle sh -c 'stat -c %a /scratch; df -k /scratch | tail -n 1 | awk "{ print \$2 }"'
	add_mount '{destination: "/scratch", type: "tmpfs", source: "tmpfs",
		options: ["size=2m", "mode=1750", "nosuid"]}'
	run_container
	assert_success
	assert_line --index 0 1750
	assert_line --index 1 2048
}

@test "cgroup is mounted read-only at /sys/fs/cgroup" {
	setup_bundle sh -c 'ls /sys/fs/cgroup
		awk '\''$5 ~ "^/sys/fs/cgroup" { sub(/.* - /, ""); print "mount", $1 }'\'' /proc/self/mountinfo
		awk '\''$5 ~ "^/sys/fs/cgroup/" { print "flags", $6 }'\'' /proc/self/mountinfo
		mkdir /sys/fs/cgroup/memory/berth-test && echo mkdir-ok
		mkdir /sys/fs/cgroup/berth-test && echo mkdir-top-ok
		echo 1 >/sys/fs/cgroup/pids/pids.max && echo write-ok'
	run_container
	assert_line memory
	assert_line pids
	assert_line "mount cgroup"
	# Every hierarchy below /sys/fs/cgroup (one per v1 controller on this hybrid host) is
	# read-only. runc leaves the tmpfs holding them rw (mode 0555); only the hierarchies count here.
	local line
	for line in "${lines[@]}"; do
		[[ $line == "flags "* ]] || continue
		[[ $line == "flags ro,"* || $line == "flags ro" ]] || fail "cgroup mount is writable: $line"
	done
	refute_line mkdir-ok
	refute_line mkdir-top-ok
	refute_line write-ok
}

@test "bind mount of a host directory: the container reads and writes it" {
	local dir=$BATS_TEST_TMPDIR/hostdir
	mkdir -p "$dir"
	echo from-host >"$dir/in"
	setup_bundle sh -c 'cat /data/in; echo from-container >/data/out'
	add_mount '{destination: "/data", type: "bind", source: $src, options: ["bind", "rw"]}' \
		--arg src "$dir"
	run_container
	assert_success
	assert_output from-host
	assert_equal "$(cat "$dir/out")" from-container
}

@test "bind mount of a host file" {
	local file=$BATS_TEST_TMPDIR/hostfile
	echo file-content >"$file"
	setup_bundle sh -c 'cat /etc/hostfile; [ -f /etc/hostfile ] && echo is-file'
	add_mount '{destination: "/etc/hostfile", type: "bind", source: $src,
		options: ["bind", "ro"]}' --arg src "$file"
	run_container
	assert_success
	assert_line --index 0 file-content
	assert_line --index 1 is-file
	# The destination was created inside the rootfs copy, never outside it.
	[[ -f $BUNDLE/rootfs/etc/hostfile ]] || fail "destination file not made in the rootfs"
}

@test "rbind carries submounts, bind does not" {
	local dir=$BATS_TEST_TMPDIR/hostdir
	mkdir -p "$dir/sub"
	host_mount -t tmpfs -o size=1m tmpfs "$dir/sub"
	echo in-submount >"$dir/sub/f"
	setup_bundle sh -c 'cat /r/sub/f; cat /b/sub/f 2>/dev/null || echo no-submount'
	add_mount '{destination: "/r", type: "bind", source: $src, options: ["rbind"]}' --arg src "$dir"
	add_mount '{destination: "/b", type: "bind", source: $src, options: ["bind"]}' --arg src "$dir"
	run_container
	assert_success
	assert_line --index 0 in-submount
	assert_line --index 1 no-submount
}

@test "ro bind: writes fail with a read-only filesystem" {
	local dir=$BATS_TEST_TMPDIR/hostdir
	mkdir -p "$dir"
	setup_bundle sh -c 'touch /data/x; echo "rc=$?"'
	add_mount '{destination: "/data", type: "bind", source: $src, options: ["rbind", "ro"]}' \
		--arg src "$dir"
	run_container
	assert_output --partial "Read-only file system"
	assert_line "rc=1"
	[[ ! -e $dir/x ]] || fail "the write reached the host"
}

@test "noexec bind: a binary on it cannot run; without noexec it can" {
	local dir=$BATS_TEST_TMPDIR/hostdir
	mkdir -p "$dir"
	setup_bundle sh -c '/exec/true; echo "exec=$?"; /noexec/true; echo "noexec=$?"'
	# busybox picks its applet from its name.
	cp "$BUNDLE/rootfs/bin/busybox" "$dir/true"
	add_mount '{destination: "/exec", type: "bind", source: $src, options: ["bind"]}' --arg src "$dir"
	add_mount '{destination: "/noexec", type: "bind", source: $src, options: ["bind", "noexec"]}' \
		--arg src "$dir"
	run_container
	assert_line "exec=0"
	assert_line "noexec=126"
	assert_output --partial "Permission denied"
}

@test "nodev bind: a device node on it cannot be opened; without nodev it can" {
	local dir=$BATS_TEST_TMPDIR/hostdir
	mkdir -p "$dir"
	mknod -m 666 "$dir/null" c 1 3
	setup_bundle sh -c 'echo x >/dev-ok/null && echo dev=ok
		echo x 2>&1 >/nodev/null | grep -q "Permission denied" && echo nodev=EACCES'
	# The device cgroup must allow 1:3 for the first write to work.
	update_config '.linux.resources.devices += [{allow: true, type: "c", major: 1, minor: 3,
		access: "rwm"}]'
	add_mount '{destination: "/dev-ok", type: "bind", source: $src, options: ["bind"]}' --arg src "$dir"
	add_mount '{destination: "/nodev", type: "bind", source: $src, options: ["bind", "nodev"]}' \
		--arg src "$dir"
	run_container
	assert_success
	assert_line dev=ok
	assert_line nodev=EACCES
}

@test "nosuid, nodev, noexec and ro show in the mount's flags" {
	local dir=$BATS_TEST_TMPDIR/hostdir
	mkdir -p "$dir"
	setup_bundle awk '$5 == "/data" { print $6 }' /proc/self/mountinfo
	add_mount '{destination: "/data", type: "bind", source: $src,
		options: ["rbind", "ro", "nosuid", "nodev", "noexec"]}' --arg src "$dir"
	run_container
	assert_success
	assert_output --regexp '^ro,nosuid,nodev,noexec'
}

@test "propagation: an rslave bind sees later host mounts, an rprivate one does not" {
	local dir=$BATS_TEST_TMPDIR/hostdir
	mkdir -p "$dir/sub"
	# This host's mounts are all private: make the source a shared mount of its own.
	host_mount --bind "$dir" "$dir"
	mount --make-shared "$dir"
	setup_bundle sh -c 'cat /slave/sub/f 2>/dev/null || echo slave-empty
		cat /private/sub/f 2>/dev/null || echo private-empty
		awk '\''$5 == "/slave" || $5 == "/private" { print $5, $7 }'\'' /proc/self/mountinfo'
	add_mount '{destination: "/slave", type: "bind", source: $src, options: ["rbind", "rslave"]}' \
		--arg src "$dir"
	add_mount '{destination: "/private", type: "bind", source: $src,
		options: ["rbind", "rprivate"]}' --arg src "$dir"
	create_container "$ID"
	# Mounted on the host after the container's mounts were made.
	host_mount -t tmpfs -o size=1m tmpfs "$dir/sub"
	echo propagated >"$dir/sub/f"
	berth start "$ID"
	wait_for_status "$ID" stopped
	run cat "$BATS_TEST_TMPDIR/$ID.log"
	assert_line --index 0 propagated
	assert_line --index 1 private-empty
	assert_line --regexp '^/slave master:[0-9]+$'
	assert_line --regexp '^/private$|^/private -$'
}

@test "rro makes submounts read-only too, ro only the top mount" {
	local dir=$BATS_TEST_TMPDIR/hostdir
	mkdir -p "$dir/sub"
	host_mount -t tmpfs -o size=1m tmpfs "$dir/sub"
	setup_bundle sh -c 'touch /rro/sub/x 2>/dev/null && echo rro-sub-writable
		touch /rro/x 2>/dev/null && echo rro-top-writable
		touch /ro/sub/y 2>/dev/null && echo ro-sub-writable
		touch /ro/y 2>/dev/null && echo ro-top-writable; true'
	add_mount '{destination: "/rro", type: "bind", source: $src, options: ["rbind", "rro"]}' \
		--arg src "$dir"
	add_mount '{destination: "/ro", type: "bind", source: $src, options: ["rbind", "ro"]}' \
		--arg src "$dir"
	run_container
	assert_success
	assert_output ro-sub-writable
}

@test "a destination that is a symlink out of the rootfs stays inside the rootfs" {
	local dir=$BATS_TEST_TMPDIR/hostdir
	mkdir -p "$dir"
	echo from-bind >"$dir/marker"
	setup_bundle sh -c 'cat /etc/marker; cut -d" " -f5 /proc/self/mountinfo'
	# An absolute and a relative link that lead to the host's /etc and /usr if followed on the host.
	ln -s /etc "$BUNDLE/rootfs/data"
	ln -s ../../../../../../../../../usr "$BUNDLE/rootfs/rel"
	add_mount '{destination: "/rel/berth-escape-test", type: "tmpfs", source: "tmpfs",
		options: ["size=1m"]}'
	add_mount '{destination: "/data", type: "bind", source: $src, options: ["bind", "ro"]}' \
		--arg src "$dir"
	local host_etc_before
	host_etc_before=$(stat -c '%i %Y' /etc)
	run_container
	local escaped=no
	if [[ -e /usr/berth-escape-test || -e /etc/marker ]]; then
		escaped=yes
		rmdir /usr/berth-escape-test 2>/dev/null || true
	fi
	assert_equal "$escaped" no
	assert_success
	# Both links resolved inside the rootfs: the bind covers its /etc, the tmpfs is in its /usr.
	assert_line --index 0 from-bind
	assert_line /etc
	assert_line /usr/berth-escape-test
	refute_line /data
	[[ -d $BUNDLE/rootfs/usr/berth-escape-test ]] || fail "mount point not made in the rootfs"
	assert_equal "$(stat -c '%i %Y' /etc)" "$host_etc_before"
}
