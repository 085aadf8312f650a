#!/usr/bin/env bats
# linux.maskedPaths (read empty, refuse writes) and linux.readonlyPaths (readable, refuse writes).
# This host has no /proc/kcore: /proc/timer_list and /proc/keys are the masked files to test,
# /proc/acpi and /sys/firmware the masked directories.

load helpers

setup() {
	berth_setup
}

teardown() {
	cleanup_berth
}

# json_strings ARGS...: ARGS as a JSON array of strings.
json_strings() {
	jq -cn '$ARGS.positional' --args "$@"
}

# set_masked PATH...: make linux.maskedPaths exactly PATHs.
set_masked() {
	update_config '.linux.maskedPaths = $p' --argjson p "$(json_strings "$@")"
}

# set_readonly PATH...: make linux.readonlyPaths exactly PATHs.
set_readonly() {
	update_config '.linux.readonlyPaths = $p' --argjson p "$(json_strings "$@")"
}

# grant_admin_caps: add CAP_SYS_ADMIN and CAP_DAC_OVERRIDE to every capability set.
grant_admin_caps() {
	update_config '.process.capabilities |= with_entries(.value += ["CAP_SYS_ADMIN", "CAP_DAC_OVERRIDE"])'
}

@test "masked files read empty although the host's are not" {
	# procfs files report size 0: count their bytes.
	[[ $(wc -c </proc/timer_list) -gt 0 && $(wc -c </proc/keys) -gt 0 ]] ||
		skip "host /proc/timer_list or /proc/keys is empty"
	setup_bundle sh -c 'for f in /proc/timer_list /proc/keys; do echo "$f $(wc -c <$f)"; done'
	set_masked /proc/timer_list /proc/keys
	run_container
	assert_success
	assert_line "/proc/timer_list 0"
	assert_line "/proc/keys 0"
}

@test "unmasked, the same files have content (the test sees a difference)" {
	setup_bundle sh -c 'wc -c </proc/timer_list'
	set_masked
	run_container
	assert_success
	[[ $output -gt 0 ]] || fail "/proc/timer_list is empty even unmasked: $output"
}

@test "writes to a masked file go nowhere" {
	# A masked file is /dev/null mounted over it: the write "succeeds" and is discarded.
	setup_bundle sh -c 'echo overwritten >/etc/secret; wc -c </etc/secret'
	echo top-secret >"$BUNDLE/rootfs/etc/secret"
	set_masked /etc/secret
	# Even with the capabilities that override permissions.
	grant_admin_caps
	run_container
	assert_success
	assert_output 0
	assert_equal "$(cat "$BUNDLE/rootfs/etc/secret")" top-secret
}

@test "masked directories are empty and read-only" {
	setup_bundle sh -c 'for d in /proc/acpi /sys/firmware; do echo "$d: $(ls -A $d | wc -l)"; done
		touch /proc/acpi/x && echo acpi-written; true'
	set_masked /proc/acpi /sys/firmware
	run_container
	assert_success
	assert_line "/proc/acpi: 0"
	assert_line "/sys/firmware: 0"
	refute_line acpi-written
}

@test "a masked file of the rootfs reads empty" {
	setup_bundle sh -c 'wc -c </etc/secret; cat /etc/passwd | wc -l'
	echo top-secret >"$BUNDLE/rootfs/etc/secret"
	set_masked /etc/secret
	run_container
	assert_success
	assert_line --index 0 0
	assert_line --index 1 3
}

@test "masked paths that do not exist are skipped" {
	setup_bundle echo ran
	set_masked /proc/kcore /proc/no-such-file /no/such/dir
	run_container
	assert_success
	assert_output ran
}

@test "readonly paths stay readable but refuse writes" {
	setup_bundle sh -c 'cat /proc/sys/kernel/ostype
		echo 1 >/proc/sys/kernel/printk_ratelimit && echo sys-written
		echo x >/proc/sysrq-trigger && echo sysrq-written
		true'
	set_readonly /proc/sys /proc/sysrq-trigger
	grant_admin_caps
	run_container
	assert_success
	# stdout and stderr may reach us in any order: no line indexes.
	assert_line Linux
	refute_line sys-written
	refute_line sysrq-written
}

@test "a readonly path over a writable bind mount gives EROFS and keeps its content" {
	local dir=$BATS_TEST_TMPDIR/hostdir
	mkdir -p "$dir"
	echo kept >"$dir/f"
	setup_bundle sh -c 'cat /data/f; touch /data/new 2>&1; true'
	update_config '.mounts += [{destination: "/data", type: "bind", source: $src,
		options: ["rbind", "rw"]}]' --arg src "$dir"
	set_readonly /data
	run_container
	assert_success
	assert_line kept
	assert_output --partial "Read-only file system"
	[[ ! -e $dir/new ]] || fail "the write reached the host"
}

@test "readonly paths show as ro in mountinfo" {
	setup_bundle sh -c 'awk '\''$5 == "/proc/sys" || $5 == "/proc/bus" { print $5, $6 }'\'' /proc/self/mountinfo'
	set_readonly /proc/sys /proc/bus
	run_container
	assert_success
	assert_line --regexp '^/proc/sys ro'
	assert_line --regexp '^/proc/bus ro'
}

# mount_count_script PATH...: a script printing "PATH N" for each PATH, N its mountinfo entries.
mount_count_script() {
	local p
	for p in "$@"; do
		echo "echo $p \$(awk '\$5 == \"$p\"' /proc/self/mountinfo | wc -l);"
	done
}

@test "a path listed twice in maskedPaths is fine and masked once" {
	setup_bundle sh -c "wc -c </proc/timer_list; ls -A /etc/m | wc -l;
		$(mount_count_script /proc/timer_list /etc/m)"
	mkdir "$BUNDLE/rootfs/etc/m"
	touch "$BUNDLE/rootfs/etc/m/f"
	set_masked /proc/timer_list /etc/m /proc/timer_list /etc/m/ //proc/./timer_list
	run_container
	assert_success
	assert_line --index 0 0
	assert_line --index 1 0
	# runc 1.1.5 stacks one mount per entry.
	if is_berth; then
		assert_line "/proc/timer_list 1"
		assert_line "/etc/m 1"
	fi
}

@test "masked directories share one read-only tmpfs" {
	requires_berth # runc 1.1.5 mounts a tmpfs per directory
	setup_bundle sh -c 'stat -c "%d %n" /sys/firmware /etc/m1 /etc/m2
		awk '\''$5 == "/sys/firmware" || $5 ~ /^\/etc\/m/ { print $3, $9 }'\'' /proc/self/mountinfo | sort -u
		touch /etc/m2/x 2>&1; true'
	mkdir "$BUNDLE/rootfs/etc/m1" "$BUNDLE/rootfs/etc/m2"
	set_masked /sys/firmware /etc/m1 /proc/timer_list /etc/m2
	run_container
	assert_success
	local dev
	dev=$(awk '$2 == "/sys/firmware" { print $1 }' <<<"$output")
	[[ -n $dev ]] || fail "no device for /sys/firmware in: $output"
	assert_line "$dev /etc/m1"
	assert_line "$dev /etc/m2"
	# One superblock (major:minor) for the three mounts, a tmpfs.
	assert_equal "$(grep -c ' tmpfs$' <<<"$output")" 1
	assert_line --partial 'Read-only file system'
}
