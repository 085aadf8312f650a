#!/usr/bin/env bats
# Hostile bundles: one regression test per defence against a known runtime escape. Each test
# builds a bundle that tries the attack, then checks on the host side that nothing outside the
# rootfs was written, created or reached: a marker file absent, a directory still missing, the
# sha256 of a host file unchanged. A runtime may refuse such a bundle (a clean one-line error)
# or neutralise the attack; it must never carry it out.

load helpers

setup() {
	berth_setup
	OUT=$BATS_TEST_TMPDIR/out
	HOST=$BATS_TEST_TMPDIR/host
	mkdir -p "$OUT" "$HOST"
}

teardown() {
	cleanup_berth
}

# tree_sum DIR: one hash over the names, types, sizes and contents of everything under DIR.
tree_sum() {
	(cd "$1" && find . -printf '%p %y %s %l\n' | sort && find . -type f -print0 | sort -z |
		xargs -0 -r sha256sum) | sha256sum
}

# add_out_mount: a bind mount that makes $OUT the container's /out, read-write.
add_out_mount() {
	update_config '.mounts += [{destination: "/out", type: "bind", source: $d, options: ["rbind", "rw"]}]' \
		--arg d "$OUT"
}

# run_quietly ID [FLAGS...]: `run` the bundle to completion, status/output set as by bats' run.
run_quietly() {
	local id=$1
	shift
	run_unpiped berth run --bundle "$BUNDLE" "$@" "$id"
}

# assert_refused_or_ran: the last run either failed with a one-line error or succeeded.
assert_refused_or_ran() {
	if [[ $status -ne 0 ]]; then
		assert_one_line_error "$@"
		assert_no_leaks
	fi
}

# --- CVE-2021-30465: mount destinations that are symlinks out of the rootfs ----------------------

# The CVE swapped a mount destination for a symlink to a host path, so that the mount landed on the
# host path (in the container's mount namespace) and a later bind mount whose source lay under it
# picked up the attacker's content instead of the host's. Here the image holds the symlinks
# outright: absolute ones, `..` ones and a chain. Every mount must land inside the rootfs, and a
# later bind of the host path must still show the host's files.
@test "CVE-2021-30465: mount destinations that are symlinks to host paths stay inside the rootfs" {
	setup_bundle sh -c 'cat /seen/host-marker; cat /seen2/host-marker
		for d in /data /a$HT/sub /l1$HT/sub2; do
			grep -q " $d " /proc/self/mountinfo && echo "mounted:$d"; echo pwned >"$d/pwned"; done'
	local rootfs=$BUNDLE/rootfs ht=$HOST/target
	mkdir -p "$ht/sub" "$ht/sub2"
	echo original >"$ht/host-marker"
	local before
	before=$(tree_sum "$HOST")
	ln -s "$ht" "$rootfs/data"
	ln -s ../../.. "$rootfs/a"
	# l1 -> l2/../../.. and l2 -> /x/y: a chain whose `..` walk up past the rootfs.
	ln -s l2/../../.. "$rootfs/l1"
	ln -s /x/y "$rootfs/l2"
	update_config '.process.env += ["HT=" + $ht]' --arg ht "$ht"
	update_config '.mounts += [
		{destination: "/data", type: "tmpfs", source: "tmpfs"},
		{destination: ("/a" + $ht + "/sub"), type: "tmpfs", source: "tmpfs"},
		{destination: ("/l1" + $ht + "/sub2"), type: "bind", source: $empty, options: ["rbind", "rw"]},
		{destination: "/seen", type: "bind", source: $ht, options: ["rbind", "ro"]},
		{destination: "/seen2", type: "bind", source: ($ht + "/../target"), options: ["rbind", "ro"]}]' \
		--arg ht "$ht" --arg empty "$OUT"

	run_quietly "$ID"
	assert_refused_or_ran
	if [[ $status -eq 0 ]]; then
		# The later binds saw the host's directory, not a tmpfs laid over it.
		assert_line --index 0 original
		assert_line --index 1 original
		assert_line mounted:/data
		assert_line "mounted:/a$ht/sub"
		assert_line "mounted:/l1$ht/sub2"
		# The mounts were made where the symlinks lead inside the rootfs.
		[[ -d $rootfs$ht/sub ]] || fail "no $rootfs$ht/sub: where did the mount go?"
	fi
	[[ $(tree_sum "$HOST") == "$before" ]] || fail "the host directory $ht changed: $(find "$HOST")"
	[[ ! -e $ht/pwned && ! -e $ht/sub/pwned ]] || fail "a write in the container reached $ht"
}

# --- CVE-2024-45310: mkdir of a bind destination's parents through a symlink -----------------------

# The CVE raced a parent of a destination into a symlink, so that runc's MkdirAll created empty
# directories and files on the host. The symlinks here point at host directories that do not exist:
# creating the destinations must create them inside the rootfs, never on the host.
@test "CVE-2024-45310: creating a destination under a symlinked parent never creates host paths" {
	setup_bundle true
	local rootfs=$BUNDLE/rootfs nx=$HOST/not-yet nx2=$HOST/not-yet-2 nx3=$HOST/not-yet-3
	echo file >"$OUT/src-file"
	ln -s "$nx" "$rootfs/abs"
	ln -s "../../../../../../../../../..$nx2" "$rootfs/rel"
	mkdir -p "$rootfs/deep/er"
	ln -s "../../abs2" "$rootfs/deep/er/up"
	ln -s "$nx3" "$rootfs/abs2"
	update_config '.mounts += [
		{destination: "/abs/d1/d2", type: "tmpfs", source: "tmpfs"},
		{destination: "/abs/file", type: "bind", source: $f, options: ["bind", "ro"]},
		{destination: "/rel/d1", type: "bind", source: $d, options: ["rbind"]},
		{destination: "/rel/f/file", type: "bind", source: $f, options: ["bind"]},
		{destination: "/deep/er/up/x/y", type: "tmpfs", source: "tmpfs"}]' \
		--arg f "$OUT/src-file" --arg d "$OUT"

	run_quietly "$ID"
	assert_refused_or_ran
	local p
	for p in "$nx" "$nx2" "$nx3"; do
		[[ ! -e $p && ! -L $p ]] || fail "$p was created on the host: $(find "$p")"
	done
	if [[ $status -eq 0 ]]; then
		[[ -d $rootfs$nx/d1/d2 && -f $rootfs$nx/file && -d $rootfs$nx2/d1 && -d $rootfs$nx3/x/y ]] ||
			fail "the destinations were not created inside the rootfs"
	fi
}

# --- CVE-2025-31133: /dev/null swapped for a symlink before masking ------------------------------

# The CVE made /dev/null a symlink to /proc/sys/kernel/core_pattern: masking then bound the real
# core_pattern, read-write, over a masked path (outside read-only /proc/sys), and the container
# wrote the host's core_pattern through it. Two ways to keep the image's /dev/null: no /dev tmpfs,
# and a /dev bound from a directory of the bundle (then no device is created at all).
@test "CVE-2025-31133: a /dev/null symlink is never used to mask a path" {
	local core_before host_before
	core_before=$(sha256sum </proc/sys/kernel/core_pattern)
	echo host-file >"$HOST/file"
	host_before=$(sha256sum <"$HOST/file")
	# The container writes back what it reads, so even a successful attack changes nothing.
	local script='for p in /proc/timer_list /proc/keys /proc/acpi/x; do
			[ -f "$p" ] || continue
			c=$(cat "$p"); echo "$p:$c" >>/out/seen
			printf "%s\n" "$c" 2>/dev/null >"$p" && echo "$p:writable" >>/out/seen; done; true'
	local variant target
	for variant in no-dev-tmpfs dev-bind; do
		for target in /proc/sys/kernel/core_pattern "$HOST/file" ../../../../../../..$HOST/file; do
			rm -rf "$BUNDLE" "${OUT:?}"/*
			setup_bundle sh -c "$script"
			add_out_mount
			update_config '.linux.maskedPaths += ["/proc/keys", "/proc/timer_list"]'
			if [[ $variant == no-dev-tmpfs ]]; then
				update_config 'del(.mounts[] | select(.destination == "/dev"))'
				ln -sfn "$target" "$BUNDLE/rootfs/dev/null"
			else
				mkdir -p "$BUNDLE/fakedev"
				ln -s "$target" "$BUNDLE/fakedev/null"
				update_config '.mounts |= map(if .destination == "/dev" then
					{destination: "/dev", type: "bind", source: $d, options: ["rbind", "rw"]} else . end)' \
					--arg d "$BUNDLE/fakedev"
			fi
			run_quietly "$ID-$variant"
			echo "$variant, /dev/null -> $target: status $status: $output"
			assert_refused_or_ran "/dev/null"
			if [[ $status -eq 0 ]] && [[ -s $OUT/seen ]]; then
				run cat "$OUT/seen"
				refute_output --partial writable
				refute_output --partial host-file
				refute_output --partial "$(cat /proc/sys/kernel/core_pattern)"
			fi
			[[ $(sha256sum </proc/sys/kernel/core_pattern) == "$core_before" ]] ||
				fail "the host's core_pattern changed"
			[[ $(sha256sum <"$HOST/file") == "$host_before" ]] || fail "$HOST/file changed"
		done
	done
}

# --- CVE-2025-52565: /dev/console as a symlink -----------------------------------------------------

# The CVE raced /dev/console (or the pty it is bound from) into a symlink, so that the console bind
# landed on, or came from, a file of the attacker's choice. Here the image's /dev (no tmpfs over it)
# has /dev/console as a symlink: to a host path, to core_pattern, and through `..`.
@test "CVE-2025-52565: a /dev/console symlink never receives the console bind" {
	local core_before host_before target
	core_before=$(sha256sum </proc/sys/kernel/core_pattern)
	echo host-file >"$HOST/console-target"
	host_before=$(sha256sum <"$HOST/console-target")
	for target in "$HOST/console-target" /proc/sys/kernel/core_pattern ../../../../..$HOST/console-target; do
		rm -rf "$BUNDLE" "${OUT:?}"/*
		setup_bundle sh -c 'cat /proc/self/mountinfo >/out/mountinfo; readlink /dev/console >/out/console
			stat -c "%F %t:%T" /proc/sys/kernel/core_pattern >/out/core'
		add_out_mount
		update_config '.process.terminal = true | del(.mounts[] | select(.destination == "/dev"))'
		ln -sfn "$target" "$BUNDLE/rootfs/dev/console"
		local sock=$BATS_TEST_TMPDIR/console-$RANDOM.sock
		start_recvtty "$sock" "$BATS_TEST_TMPDIR/transcript" ""
		run_unpiped berth run --console-socket "$sock" --bundle "$BUNDLE" "$ID"
		echo "/dev/console -> $target: status $status: $output"
		wait_recvtty 10
		assert_refused_or_ran "console"
		if [[ $status -eq 0 ]]; then
			# Whatever the runtime did with /dev/console, core_pattern is still procfs's file.
			[[ $(cat "$OUT/core") == regular* ]] ||
				fail "/dev/console -> $target was followed: the container's core_pattern is now $(cat "$OUT/core") ($(grep core_pattern "$OUT/mountinfo"))"
			! grep -E ' /proc/sys/kernel/core_pattern | [^ ]*console-target ' "$OUT/mountinfo" ||
				fail "/dev/console -> $target was followed: the console was mounted outside /dev"
		fi
		[[ $(sha256sum </proc/sys/kernel/core_pattern) == "$core_before" ]] ||
			fail "the host's core_pattern changed"
		[[ $(sha256sum <"$HOST/console-target") == "$host_before" ]] || fail "$HOST/console-target changed"
		[[ -L $BUNDLE/rootfs/dev/console ]] || fail "the rootfs' /dev/console symlink was replaced"
	done
}

# The same symlink to a file of the image: the console must not be bound over it either (over
# /etc/passwd, init's own user lookup would then read the terminal and hang create for ever).
@test "CVE-2025-52565: a /dev/console symlink to a file of the image neither receives the console nor hangs" {
	local sum_before
	setup_bundle sh -c 'stat -c "%F" /etc/passwd >/out/passwd'
	add_out_mount
	update_config '.process.terminal = true | del(.mounts[] | select(.destination == "/dev"))'
	ln -sfn /etc/passwd "$BUNDLE/rootfs/dev/console"
	sum_before=$(sha256sum <"$BUNDLE/rootfs/etc/passwd")
	start_recvtty "$BATS_TEST_TMPDIR/console.sock" "$BATS_TEST_TMPDIR/transcript" ""
	echo "$ID" >>"$BERTH_IDS_FILE" # for the leak check: the runtime is called under timeout
	run_unpiped timeout -s KILL 15 "$BERTH_BIN" --root "$BERTH_ROOT" run \
		--console-socket "$BATS_TEST_TMPDIR/console.sock" --bundle "$BUNDLE" "$ID"
	echo "status $status: $output"
	[[ $status -ne 137 ]] || fail "run hung (killed after 15 s) with /dev/console -> /etc/passwd"
	assert_refused_or_ran console
	if [[ $status -eq 0 ]]; then
		run cat "$OUT/passwd"
		assert_output "regular file"
	fi
	[[ $(sha256sum <"$BUNDLE/rootfs/etc/passwd") == "$sum_before" ]] || fail "/etc/passwd changed"
}

# --- CVE-2026-41579: /dev itself a symlink out of the rootfs ---------------------------------------

# With no tmpfs on /dev, an image whose /dev is a symlink to a host directory made runc delete a
# host file named ptmx and create /dev's symlinks (fd, stdin, ...) in that host directory.
@test "CVE-2026-41579: an image's /dev symlink to a host directory is never written through" {
	local d target before
	mkdir -p "$HOST/devdir"
	echo host-ptmx >"$HOST/devdir/ptmx"
	before=$(tree_sum "$HOST")
	for target in "$HOST/devdir" "../../../../../../..$HOST/devdir"; do
		rm -rf "$BUNDLE"
		setup_bundle true
		update_config 'del(.mounts[] | select(.destination == "/dev"))'
		rm -rf "$BUNDLE/rootfs/dev"
		ln -s "$target" "$BUNDLE/rootfs/dev"
		run_quietly "$ID"
		echo "/dev -> $target: status $status: $output"
		assert_refused_or_ran
		[[ $(tree_sum "$HOST") == "$before" ]] || fail "the host directory changed: $(ls -la "$HOST/devdir")"
	done
}

# --- CVE-2025-52881 / CVE-2019-16884 / CVE-2019-19921: mounts that shadow /proc --------------------

# These CVEs shadowed /proc (or /proc/self/attr, /proc/sys) with a container-controlled directory,
# so that the runtime's own writes there (LSM labels, sysctls) went to the attacker's files or were
# redirected. Such mounts must be refused, also when a symlink in the image leads into /proc.
@test "CVE-2019-16884 and co: mounts over /proc, /proc/self/attr or /proc/sys are refused" {
	requires_berth
	mkdir -p "$OUT/fake/attr" "$OUT/fake/sys/kernel"
	echo unconfined >"$OUT/fake/attr/exec"
	local sum_before mounts m
	sum_before=$(tree_sum "$OUT")
	mounts=(
		'{"destination": "/proc", "type": "tmpfs", "source": "tmpfs"}'
		'{"destination": "/proc/self/attr", "type": "tmpfs", "source": "tmpfs"}'
		'{"destination": "/proc/self/attr", "type": "bind", "source": "OUT/fake/attr", "options": ["rbind"]}'
		'{"destination": "/proc/sys", "type": "bind", "source": "OUT/fake/sys", "options": ["rbind"]}'
		'{"destination": "/proc/sys/kernel/core_pattern", "type": "bind", "source": "OUT/fake/attr/exec", "options": ["bind"]}'
		'{"destination": "/proc/../proc/./sys", "type": "tmpfs", "source": "tmpfs"}'
		'{"destination": "/proc", "type": "bind", "source": "OUT/fake", "options": ["rbind"]}'
		'{"destination": "/evil/kernel", "type": "tmpfs", "source": "tmpfs"}'
		'{"destination": "/evil2/attr", "type": "tmpfs", "source": "tmpfs"}'
	)
	for m in "${mounts[@]}"; do
		rm -rf "$BUNDLE"
		setup_bundle true
		ln -s /proc/sys "$BUNDLE/rootfs/evil"
		ln -s ../proc/self "$BUNDLE/rootfs/evil2"
		m=${m//OUT/$OUT}
		update_config '.mounts += [$m]' --argjson m "$m"
		run_quietly "$ID"
		echo "$m: status $status: $output"
		assert_one_line_error "mounts["
		assert_output --partial /proc
		assert_no_leaks
	done
	[[ $(tree_sum "$OUT") == "$sum_before" ]] || fail "the fake /proc files were written"
}

# A sysctl is written through the runtime's own procfs handle, never through the container's /proc,
# which the image can turn into a symlink to a directory where a bind of attacker files sits.
@test "CVE-2025-52881: a sysctl is not written into a shadowed /proc/sys" {
	setup_bundle sh -c 'cat /proc/sys/net/ipv4/ip_forward'
	local rootfs=$BUNDLE/rootfs
	mkdir -p "$OUT/fakesys/net/ipv4" "$rootfs/fakeproc"
	echo 0 >"$OUT/fakesys/net/ipv4/ip_forward"
	rmdir "$rootfs/proc"
	ln -s /fakeproc "$rootfs/proc"
	local sum_before host_before
	sum_before=$(tree_sum "$OUT")
	host_before=$(cat /proc/sys/net/ipv4/ip_forward)
	update_config '.linux.sysctl = {"net.ipv4.ip_forward": (if $h == "1" then "0" else "1" end)}
		| .linux.readonlyPaths = [] | .mounts += [
		{destination: "/fakeproc/sys", type: "bind", source: $d, options: ["rbind", "ro"]}]' \
		--arg d "$OUT/fakesys" --arg h "$host_before"
	run_quietly "$ID"
	echo "status $status: $output"
	assert_refused_or_ran
	[[ $(tree_sum "$OUT") == "$sum_before" ]] || fail "the sysctl was written into the shadow /proc/sys"
	assert_equal "$(cat /proc/sys/net/ipv4/ip_forward)" "$host_before"
}

# --- CVE-2024-21626: a leaked fd as the working directory ----------------------------------------

# The CVE set process.cwd to /proc/self/fd/N, where N was a runtime fd left open on a host directory,
# and the process started with its cwd on the host. Every such cwd must be refused or stay inside
# the container.
@test "CVE-2024-21626: process.cwd /proc/self/fd/N never leads out of the rootfs" {
	echo host-secret >"$HOST/host-secret"
	local n
	for n in 3 4 5 6 7 8 9; do
		rm -rf "$BUNDLE"
		setup_bundle sh -c 'pwd -P; ls -a ..; ls -a ../..; cat ../../../../../../..'"$HOST"'/host-secret'
		update_config '.process.cwd = $c' --arg c "/proc/self/fd/$n"
		# The caller leaves directories open too, as containerd does with its sockets.
		run_unpiped berth run --bundle "$BUNDLE" "$ID-$n" 5<"$HOST" 6</etc 7</
		echo "cwd /proc/self/fd/$n: status $status: $output"
		if [[ $status -ne 0 ]]; then
			assert_one_line_error process.cwd
			assert_no_leaks
			continue
		fi
		refute_output --partial host-secret
		refute_output --regexp "(^|/)(etc|usr|work)$"
		refute_output --partial "$HOST"
		refute_output --partial "$BATS_TEST_TMPDIR"
	done
}

@test "CVE-2024-21626: a directory fd of the caller is not visible in the container" {
	setup_bundle sh -c 'for f in /proc/self/fd/*; do echo "$f -> $(readlink "$f")"; done'
	run_unpiped berth run --bundle "$BUNDLE" "$ID" 5</etc 8<"$HOST"
	assert_success
	refute_output --partial "/fd/5 "
	refute_output --partial "/fd/8 "
	refute_output --partial " -> /etc"
	refute_output --partial "$HOST"
}

# --- CVE-2023-25809: a read-write cgroupfs without a cgroup namespace -----------------------------

# Without its own cgroup namespace, the container's /sys/fs/cgroup shows the host's hierarchy:
# however the mount is asked for, it must stay read-only (release_agent, limits of other cgroups).
@test "CVE-2023-25809: /sys/fs/cgroup stays read-only without a cgroup namespace, even asked rw" {
	local type
	for type in cgroup cgroup2; do
		rm -rf "$BUNDLE"
		setup_bundle sh -c 'touch /sys/fs/cgroup/x-$E && echo wrote-top
			# (On v1 the top is a tmpfs of the container'"'"'s own; the hierarchies are the host'"'"'s.)
			for d in /sys/fs/cgroup/*; do
				mkdir "$d/evil-$E" 2>/dev/null && echo "mkdir:$d"
				[ -f "$d/release_agent" ] && echo "/evil" 2>/dev/null >"$d/release_agent" && echo "release_agent:$d"
			done; grep " /sys/fs/cgroup" /proc/self/mountinfo | head -3; true'
		# With CAP_DAC_OVERRIDE only a read-only mount stops root, not the permission bits.
		update_config '.process.env += ["E=" + $id]
			| .process.capabilities[] += ["CAP_DAC_OVERRIDE"]
			| .linux.namespaces |= map(select(.type != "cgroup"))
			| .mounts |= map(if .destination == "/sys/fs/cgroup" then
				{destination: "/sys/fs/cgroup", type: $t, source: $t, options: ["rw", "nosuid", "noexec", "nodev"]}
				else . end)' --arg t "$type" --arg id "$ID"
		run_quietly "$ID-$type"
		echo "$type: status $status: $output"
		assert_refused_or_ran
		refute_output --partial mkdir:
		refute_output --partial release_agent:
		run find /sys/fs/cgroup/ -maxdepth 6 -name "evil-$ID"
		assert_output ""
	done
	# release_agent of every v1 hierarchy is unchanged (empty or the host's own).
	run grep -l /evil /sys/fs/cgroup/*/release_agent
	assert_output ""
}

# --- CVE-2021-43784 class: oversized input to the bootstrap ---------------------------------------

# The CVE overflowed a length in runc's bootstrap message. berth's bootstrap is internal; what a
# bundle controls is the size of the config: it must work or fail with one line, never crash or
# leave anything behind.
@test "CVE-2021-43784 class: huge annotations, 10000 mounts or env entries work or fail cleanly" {
	setup_bundle sh -c 'echo ok; env | wc -l; wc -l </proc/self/mountinfo'
	local big
	big=$(head -c 786432 /dev/urandom | base64 -w0)
	update_config '.annotations = {"big": $v}' --rawfile v <(printf %s "$big")
	run_quietly "$ID-ann"
	echo "1 MiB annotation: status $status: ${output:0:300}"
	assert_refused_or_ran
	[[ $status -ne 0 ]] || assert_line --index 0 ok

	setup_bundle sh -c 'echo ok; env | wc -l'
	update_config '.process.env += [range(10000) | "VAR_\(.)=value-\(.)"]'
	run_quietly "$ID-env"
	echo "10000 env entries: status $status: ${output:0:300}"
	assert_refused_or_ran
	if [[ $status -eq 0 ]]; then
		assert_line --index 0 ok
		[[ ${lines[1]} -ge 10000 ]] || fail "only ${lines[1]} env entries arrived"
	fi

	setup_bundle sh -c 'echo ok; wc -l </proc/self/mountinfo'
	update_config '.mounts += [range(10000) | {destination: "/m/\(.)", type: "tmpfs", source: "tmpfs", options: ["size=4k"]}]'
	run_quietly "$ID-mnt"
	echo "10000 mounts: status $status: ${output:0:300}"
	assert_refused_or_ran
	if [[ $status -eq 0 ]]; then
		assert_line --index 0 ok
		[[ ${lines[1]} -ge 10000 ]] || fail "only ${lines[1]} mounts"
	fi
}

@test "CVE-2021-43784 class: a 20 MiB config.json fails with one line and leaves nothing behind" {
	setup_bundle true
	update_config '.annotations = {"big": $v}' --rawfile v <(head -c 15728640 /dev/urandom | base64 -w0)
	[[ $(stat -c %s "$BUNDLE/config.json") -gt $((20 * 1024 * 1024)) ]] || fail "config.json is too small"
	run_quietly "$ID"
	echo "status $status: ${output:0:500}"
	assert_one_line_error
	assert_no_leaks
	# A clear error says what is wrong: the configuration is too big, not a broken pipe.
	is_berth && assert_output --regexp 'too (large|big)|exceeds|limit|[0-9]+ ?(MiB|bytes)'
	true
	run berth state "$ID"
	assert_failure
}

# --- Inherited fds --------------------------------------------------------------------------------

# fds_of_container [FLAGS...]: create and start a container (with the caller's fds 3..9 open on
# files), print the fds its process had as "N -> target" lines, without the one ls opens on
# /proc/PID/fd itself.
fds_of_container() {
	local i
	for i in 3 4 5 6 7 8 9; do echo "fd$i" >"$HOST/fd$i"; done
	# `exec` with a redirection: sh keeps no saved copy of stdout (it would with `cmd >file`).
	setup_bundle sh -c 'exec ls -l /proc/self/fd >/out/fds'
	add_out_mount
	berth create --bundle "$BUNDLE" "$@" "$ID" </dev/null >"$BATS_TEST_TMPDIR/create.log" 2>&1 \
		3<"$HOST/fd3" 4<"$HOST/fd4" 5<"$HOST/fd5" 6<"$HOST/fd6" 7<"$HOST/fd7" 8<"$HOST/fd8" 9<"$HOST/fd9" ||
		fail "create: $(cat "$BATS_TEST_TMPDIR/create.log")"
	berth start "$ID"
	wait_for_status "$ID" stopped
	awk '$(NF-1) == "->" && $NF !~ "^/proc/[0-9]+/fd$" { print $(NF-2), "->", $NF }' "$OUT/fds" | sort -n
}

@test "inherited fds 3..9 of the caller are not in the container" {
	run fds_of_container
	echo "$output"
	assert_success
	run cut -d' ' -f1 <<<"$output"
	assert_output "$(printf '0\n1\n2')"
}

@test "inherited fds with --preserve-fds 2: exactly 3 and 4 are in the container" {
	run fds_of_container --preserve-fds 2
	echo "$output"
	assert_success
	assert_line "3 -> $HOST/fd3"
	assert_line "4 -> $HOST/fd4"
	run cut -d' ' -f1 <<<"$output"
	assert_output "$(printf '0\n1\n2\n3\n4')"
}

# --- CVE-2019-5736 through exec -------------------------------------------------------------------

# setup_private_runtime: the test runs a private copy of the runtime (a successful attack
# overwrites only that copy); its sha256 is in SUM_BEFORE.
setup_private_runtime() {
	REAL_BIN=$BERTH_BIN
	mkdir -p "$BATS_TEST_TMPDIR/copy"
	BERTH_BIN=$BATS_TEST_TMPDIR/copy/$(basename "$REAL_BIN")
	cp "$REAL_BIN" "$BERTH_BIN"
	SUM_BEFORE=$(sha256sum <"$BERTH_BIN")
}

# The attacker runs in the container and watches every process: whatever has an exe that is not
# busybox (the runtime's exec init, or the runtime binary itself run through /proc/self/exe or a
# `#!/proc/self/exe` script) is opened, and the attacker keeps trying to write through that fd
# until the process is gone and ETXTBSY with it, as the CVE's exploit did.
ATTACKER='
	caught=0
	end=$(( $(date +%s) + ${ATTACK_SECONDS:-8} ))
	while [ "$(date +%s)" -lt "$end" ]; do
		for e in /proc/[0-9]*/exe; do
			t=$(readlink "$e" 2>/dev/null) || continue
			case "$t" in /bin/busybox|"") continue ;; esac
			exec 3<"$e" 2>/dev/null || { echo "open refused: $e -> $t" >>/out/log; continue; }
			caught=$((caught + 1)); echo "caught $e -> $t" >>/out/log
			i=0
			while [ $i -lt 40 ]; do
				if printf "\177ELF" 2>>/out/errors 1<>/proc/self/fd/3; then
					echo "overwritten via $e" >>/out/log; echo overwritten >/out/result; exit 0
				fi
				i=$((i + 1)); sleep 0.05
			done
			exec 3<&-
		done
	done
	echo "refused (caught $caught)" >/out/result'

@test "CVE-2019-5736 via exec: /proc/self/exe and #!/proc/self/exe never give a writable runtime" {
	setup_private_runtime
	setup_bundle sleep 1000
	add_out_mount
	printf '#!/proc/self/exe\n' >"$BUNDLE/rootfs/evil"
	printf '#!/proc/self/exe update\n' >"$BUNDLE/rootfs/evil-update"
	chmod +x "$BUNDLE/rootfs/evil" "$BUNDLE/rootfs/evil-update"
	run_detached "$ID"
	berth exec -d "$ID" sh -c "$ATTACKER"
	sleep 0.3
	local i ran=0 log=$BATS_TEST_TMPDIR/exec.log
	for ((i = 0; i < 5; i++)); do
		# The runtime binary run inside the container: `update -r -` waits on its stdin for 0.5 s,
		# the others run and exit at once; plain execs give the attacker the exec init to grab.
		sleep 0.5 | berth exec "$ID" /proc/self/exe update -r - x >>"$log" 2>&1 && ran=1
		berth exec "$ID" /evil </dev/null >>"$log" 2>&1 && ran=1
		berth exec "$ID" /evil-update </dev/null >>"$log" 2>&1 && ran=1
		berth exec "$ID" /proc/self/exe </dev/null >>"$log" 2>&1 && ran=1
		berth exec "$ID" true </dev/null >>"$log" 2>&1
		[[ -e $OUT/result ]] && break
	done
	for ((i = 0; i < 200; i++)); do
		[[ -e $OUT/result ]] && break
		sleep 0.05
	done
	echo "exec attempts: $(sort -u "$log" | head -5)"
	echo "attacker: $(sort -u "$OUT/log" 2>/dev/null | head -5)"
	echo "result: $(cat "$OUT/result" 2>/dev/null); errors: $(sort -u "$OUT/errors" 2>/dev/null | head -3)"
	[[ $(sha256sum <"$BERTH_BIN") == "$SUM_BEFORE" ]] ||
		fail "the runtime binary was modified from inside the container"
	run cat "$OUT/result"
	refute_output overwritten
	# Either the runtime never ran inside the container (every attempt refused with an error), or
	# the attacker got hold of it and still could not write.
	if [[ $ran -eq 1 ]]; then
		grep -q '^caught ' "$OUT/log" || fail "the runtime ran in the container but the attacker never saw it"
	else
		run grep -c "no such file or directory\|permission denied" "$log"
		[[ $output -ge 5 ]] || fail "the exec attempts did not fail as expected: $(cat "$log")"
	fi
	BERTH_BIN=$REAL_BIN
}

# --- startContainer hooks from the image run as the program will ----------------------------------

# startContainer hooks run inside the container after start. An image-supplied hook must get what
# the program gets: its user, its capabilities, and none of the runtime's fds (sync and start
# sockets, console socket, the binary's fd) nor a caller's fd that lacks close-on-exec. runc runs
# them after the credential switch too.
@test "startContainer hooks run with the process's user and capabilities and no runtime fds" {
	setup_bundle sleep 1000
	add_out_mount
	update_config '.process.user = {uid: 1000, gid: 1000}
		| .process.capabilities = {bounding: ["CAP_KILL"], effective: ["CAP_KILL"], permitted: ["CAP_KILL"]}
		| .hooks.startContainer = [{path: "/bin/sh", args: ["sh", "-c",
			"id -u >/out/uid; grep -E CapEff\\|CapBnd /proc/self/status >/out/caps; ls -l /proc/self/fd/ >/out/fds"]}]'
	chmod 0777 "$OUT"
	# A caller fd on the host's / without close-on-exec: it must not reach the hook either.
	exec 7</
	create_container "$ID"
	exec 7<&-
	berth start "$ID"
	for ((i = 0; i < 100; i++)); do [[ -s $OUT/fds ]] && break; sleep 0.05; done
	cat "$OUT/uid" "$OUT/caps" "$OUT/fds"
	[[ $(cat "$OUT/uid") == 1000 ]] || fail "the hook ran as uid $(cat "$OUT/uid"), want 1000"
	# CAP_KILL alone is bit 5; as uid 1000 without ambient capabilities, none is effective.
	grep -qE 'CapBnd:\s+0000000000000020$' "$OUT/caps" || fail "the hook had capabilities $(cat "$OUT/caps")"
	grep -qE 'CapEff:\s+0000000000000000$' "$OUT/caps" || fail "the hook had capabilities $(cat "$OUT/caps")"
	# ls's own fds: 0-2, and 3 for the directory it lists.
	run grep -E ' [4-9] -> | [1-9][0-9]+ -> |socket:|anon_inode:| 3 -> /$' "$OUT/fds"
	assert_failure
}

# --- Every container process in a session of its own -----------------------------------------------

# In the caller's session, /dev/tty is the caller's terminal and TIOCSTI pushes input into the
# caller's shell. init and exec'd processes lead their own sessions (field 6 of /proc/PID/stat).
@test "init and exec'd processes lead their own sessions" {
	setup_bundle sh -c 'set -- $(cat /proc/$$/stat); echo "sid=$6 pid=$$"'
	run_container
	assert_success
	assert_output "sid=1 pid=1"

	setup_bundle sleep 1000
	run_detached "$ID"
	run_unpiped berth exec "$ID" sh -c 'set -- $(cat /proc/$$/stat); [ "$6" = "$$" ] && echo own-session'
	assert_success
	assert_output "own-session"
}

# run -d from a terminal: nobody relays the terminal once run returns, so it is not handed in.
@test "run -d from a terminal does not hand the terminal to the container" {
	requires_berth # runc 1.1.5 passes its terminal through to a detached container
	setup_bundle sh -c 'l=; for fd in 0 1 2; do l="$l$(readlink /proc/$$/fd/$fd)
"; done; printf %s "$l" >/out/fds; sleep 1000'
	add_out_mount
	script -qec "$BERTH_BIN --root $BERTH_ROOT run -d --bundle $BUNDLE $ID" /dev/null </dev/null
	echo "$ID" >>"$BERTH_IDS_FILE"
	for ((i = 0; i < 100; i++)); do [[ -s $OUT/fds ]] && break; sleep 0.05; done
	cat "$OUT/fds"
	run grep -c '^/dev/null$' "$OUT/fds"
	assert_output 3
}

# --- uid/gid 4294967295 is (uid_t)-1: "leave unchanged" to setresuid ------------------------------

@test "process.user.uid and gid of 4294967295 are refused" {
	setup_bundle id -u
	update_config '.process.user.uid = 4294967295'
	run_container
	assert_one_line_error "process.user.uid 4294967295" "out of range"
	assert_no_leaks

	setup_bundle id -u
	update_config '.process.user.gid = 4294967295'
	run_container
	assert_one_line_error "process.user.gid 4294967295"
	assert_no_leaks

	setup_bundle id -u
	update_config '.process.user.additionalGids = [5, 4294967295]'
	run_container
	assert_one_line_error "process.user.additionalGids[1] 4294967295"
}

@test "exec --user 4294967295 is refused" {
	setup_bundle sleep 1000
	run_detached "$ID"
	run_unpiped berth exec --user 4294967295 "$ID" id -u
	assert_failure
	[[ $output != 0 ]] || fail "exec ran as root"
	is_berth && assert_output --partial '--user "4294967295"'
	run_unpiped berth exec --user 1000:4294967295 "$ID" id -g
	assert_failure
	[[ $output != 0 ]] || fail "exec ran as gid 0"
}

# --- /proc writes through a procfs of init's own, whatever the namespaces ------------------------

# With linux.namespaces naming another mount namespace, its /proc is whatever that namespace put
# there: here a tmpfs whose sys/kernel/domainname and self/oom_score_adj are ordinary files.
# Writing sysctls and oom_score_adj by path would land in those files (or anywhere the other
# container points them); berth writes through a procfs instance it opened itself.
@test "sysctl and oom_score_adj writes are not redirected by a joined mount namespace's /proc" {
	requires_berth # runc 1.1.5 writes both through the /proc path in view
	local fake=$BATS_TEST_TMPDIR/fake-proc
	mkdir -p "$fake"
	unshare --mount --propagation private sh -c "
		mount -t tmpfs fake /proc && mkdir -p /proc/sys/kernel /proc/self &&
		echo bait >/proc/sys/kernel/domainname && echo bait >/proc/self/oom_score_adj &&
		touch $fake/ready && exec sleep 1000" 3>&- &
	local holder=$!
	echo "$holder" >>"$BERTH_PIDS_FILE"
	for ((i = 0; i < 100; i++)); do [[ -e $fake/ready ]] && break; sleep 0.05; done
	setup_bundle sh -c 'cat /proc/self/oom_score_adj >/dev/null'
	update_config '(.linux.namespaces[] | select(.type == "mount")) |= {type: "mount", path: $p}
		| .linux.sysctl = {"kernel.domainname": "berth-real"} | .process.oomScoreAdj = 5' \
		--arg p "/proc/$holder/ns/mnt"
	run_container
	echo "$output"
	assert_equal "$(cat "/proc/$holder/root/proc/sys/kernel/domainname")" bait
	assert_equal "$(cat "/proc/$holder/root/proc/self/oom_score_adj")" bait
	assert_success
}
