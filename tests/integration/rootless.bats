#!/usr/bin/env bats
# Rootless: the runtime driven by an unprivileged user (RL_USER, made here when missing) on a
# bundle of its own, with `spec --rootless`'s config: a user namespace mapping root to the user,
# state under $XDG_RUNTIME_DIR (a private one per test), no cgroup of its own (this host
# delegates none), subuid ranges through newuidmap/newgidmap.
#
# bats runs as root; rl_berth runs the runtime as the user, without --root, so the default root
# is checked too. The teardown deletes the user's containers as the user, then the usual leak
# check runs over the test's directory (state, mounts, processes, cgroups).

load helpers

RL_USER=berth-rootless

setup() {
	berth_setup
	ensure_rootless_user
	RL_UID=$(id -u "$RL_USER")
	RL_GID=$(id -g "$RL_USER")
	# The user must reach its files below bats' private (0700) temporary directories.
	local dir=$BATS_TEST_TMPDIR
	while [[ $dir == "$BATS_RUN_TMPDIR"* ]]; do
		chmod a+x "$dir"
		dir=$(dirname "$dir")
	done
	RL_HOME=$BATS_TEST_TMPDIR/rl
	XDG=$RL_HOME/xdg
	mkdir -p "$XDG" "$RL_HOME/bin"
	chmod 0700 "$XDG"
	# A copy the user can reach wherever the checkout is (/root is private).
	RL_BIN=$RL_HOME/bin/$(basename "$BERTH_BIN")
	install -m 0755 "$BERTH_BIN" "$RL_BIN"
	BUNDLE=$RL_HOME/bundle
	setup_bundle sh -c 'echo hello; id -u'
	rm "$BUNDLE/config.json"
	chown -R "$RL_USER:" "$RL_HOME"
	runuser -u "$RL_USER" -- test -x "$RL_HOME" ||
		fail "$RL_USER cannot reach $RL_HOME: a directory above it is private"
	rl_berth spec --rootless --bundle "$BUNDLE" || fail "spec --rootless as $RL_USER failed"
	update_config '.process.terminal = false | .process.args = ["sh", "-c", "echo hello; id -u"]'
	chown "$RL_USER:" "$BUNDLE/config.json"
	# What the leak check looks at: the user's state root.
	BERTH_ROOT=$XDG/$(runtime_name)
}

teardown() {
	local id
	for id in $(_state_entries) $(_recorded_ids); do
		rl_berth delete --force "$id" >/dev/null 2>&1 || true
	done
	undelegate_cgroups
	cleanup_berth
}

# delegate_cgroups NAME: a cgroup /NAME in every v1 hierarchy, owned by the user (what an admin
# does to let a user set limits; the hybrid host's cgroup2 carries only hugetlb and is left
# out). DELEGATED lists them for undelegate_cgroups.
delegate_cgroups() {
	local h
	DELEGATED=()
	for h in /sys/fs/cgroup/*/; do
		[[ $h == /sys/fs/cgroup/unified/ ]] && continue
		mkdir "$h$1" || fail "mkdir $h$1"
		chown -R "$RL_USER" "$h$1"
		DELEGATED+=("$h$1")
	done
}

undelegate_cgroups() {
	local dir
	for dir in "${DELEGATED[@]}"; do
		find "$dir" -mindepth 1 -depth -type d -exec rmdir {} + 2>/dev/null || true
		rmdir "$dir" 2>/dev/null || true
	done
}

# ensure_rootless_user: the unprivileged user, made once (useradd also gives it a subuid and
# subgid range when /etc/subuid exists). Left in place for later runs.
ensure_rootless_user() {
	id -u "$RL_USER" >/dev/null 2>&1 && return 0
	useradd --no-create-home --shell /usr/sbin/nologin "$RL_USER" ||
		id -u "$RL_USER" >/dev/null 2>&1 || fail "useradd $RL_USER failed"
}

# runtime_name: the directory name the runtime keeps its state in below $XDG_RUNTIME_DIR.
runtime_name() {
	if is_berth; then echo berth; else basename "$BERTH_BIN"; fi
}

# rl_berth ARGS...: the runtime as the user, in its own directory, with no --root.
rl_berth() {
	_record_container_id "$@"
	(cd "$RL_HOME" && runuser -u "$RL_USER" -- env XDG_RUNTIME_DIR="$XDG" "$RL_BIN" "$@")
}

# rl_run ARGS...: rl_berth through run_unpiped (status, output, lines).
rl_run() {
	run_unpiped rl_berth "$@"
}

@test "spec --rootless: a user namespace mapping root to the caller, no net namespace, /sys bound" {
	local cfg=$BUNDLE/config.json
	jq -e '[.linux.namespaces[].type] | (index("user") != null) and (index("network") == null)' "$cfg" >/dev/null ||
		fail "namespaces: $(jq -c .linux.namespaces "$cfg")"
	jq -e --argjson u "$RL_UID" --argjson g "$RL_GID" \
		'.linux.uidMappings == [{containerID: 0, hostID: $u, size: 1}] and
		 .linux.gidMappings == [{containerID: 0, hostID: $g, size: 1}]' "$cfg" >/dev/null ||
		fail "mappings: $(jq -c '[.linux.uidMappings, .linux.gidMappings]' "$cfg")"
	jq -e '.mounts[] | select(.destination == "/sys") | .type != "sysfs" and .source == "/sys" and (.options | index("rbind") != null)' \
		"$cfg" >/dev/null || fail "/sys: $(jq -c '.mounts[] | select(.destination == "/sys")' "$cfg")"
	jq -e '[.mounts[].options // [] | .[] | select(startswith("gid=") or startswith("uid="))] == []' "$cfg" >/dev/null ||
		fail "uid=/gid= options need ids the user cannot map"
	jq -e '.linux.resources == null' "$cfg" >/dev/null || fail "resources: $(jq -c .linux.resources "$cfg")"
}

@test "run as a user: prints hello, root inside is the user outside, state in \$XDG_RUNTIME_DIR" {
	update_config '.process.args = ["sh", "-c", "echo hello; id -u; cat /proc/self/uid_map /proc/self/gid_map"]'
	rl_run run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_line --index 0 hello
	assert_line --index 1 0
	assert_line --index 2 --regexp "^ +0 +$RL_UID +1$"
	assert_line --index 3 --regexp "^ +0 +$RL_GID +1$"
	# The default root: the user's, private.
	[[ -d $BERTH_ROOT ]] || fail "no state root $BERTH_ROOT"
	assert_equal "$(stat -c %u "$BERTH_ROOT")" "$RL_UID"
	[[ $(stat -c %a "$BERTH_ROOT") == *700 ]] || fail "state root mode $(stat -c %a "$BERTH_ROOT"), want 0700"
	assert_equal "$(_state_entries)" ""
}

@test "create, start, state, exec, list, kill and delete as a user" {
	update_config '.process.args = ["sleep", "100"]'
	run_unpiped rl_berth create --bundle "$BUNDLE" "$ID"
	assert_success
	rl_run state "$ID"
	assert_success
	assert_equal "$(jq -r .status <<<"$output")" created
	local pid
	pid=$(jq -r .pid <<<"$output")
	assert_equal "$(stat -c %u "/proc/$pid")" "$RL_UID"

	rl_run start "$ID"
	assert_success
	rl_run state "$ID"
	assert_equal "$(jq -r .status <<<"$output")" running

	rl_run exec "$ID" sh -c 'echo in; id -u'
	assert_success
	assert_output $'in\n0'

	rl_run list
	assert_success
	assert_line --index 1 --regexp "^$ID +$pid +running +$BUNDLE +.* +$RL_USER\$"
	rl_run list --format json
	assert_equal "$(jq -r '.[0].id' <<<"$output")" "$ID"

	rl_run kill "$ID" KILL
	assert_success
	local i
	for ((i = 0; i < 100; i++)); do
		rl_run state "$ID"
		[[ $(jq -r .status <<<"$output") == stopped ]] && break
		sleep 0.05
	done
	assert_equal "$(jq -r .status <<<"$output")" stopped
	rl_run delete "$ID"
	assert_success
	rl_run list --quiet
	assert_success
	assert_output ""
}

@test "a user maps its subuid range through newuidmap and newgidmap" {
	command -v newuidmap >/dev/null && command -v newgidmap >/dev/null ||
		skip "newuidmap/newgidmap missing (Debian package uidmap)"
	local sub
	sub=$(awk -F: -v u="$RL_USER" '$1 == u && $3 >= 1000 { print $2; exit }' /etc/subuid)
	[[ -n $sub ]] && grep -q "^$RL_USER:$sub:" /etc/subgid || skip "$RL_USER has no subuid/subgid range of 1000 ids"
	update_config '.linux.uidMappings = [{containerID: 0, hostID: $u, size: 1}, {containerID: 1, hostID: $s, size: 1000}] |
		.linux.gidMappings = [{containerID: 0, hostID: $g, size: 1}, {containerID: 1, hostID: $s, size: 1000}] |
		.process.user = {uid: 999, gid: 999} |
		.process.args = ["sh", "-c", "id -u; id -g; cat /proc/self/uid_map"]' \
		--argjson u "$RL_UID" --argjson g "$RL_GID" --argjson s "$sub"
	rl_run run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_line --index 0 999
	assert_line --index 1 999
	assert_line --index 2 --regexp "^ +0 +$RL_UID +1$"
	assert_line --index 3 --regexp "^ +1 +$sub +1000$"
}

@test "a mapping outside the user's subuid range is refused, naming the mappings" {
	command -v newuidmap >/dev/null || skip "newuidmap missing (Debian package uidmap)"
	update_config '.linux.uidMappings += [{containerID: 1, hostID: 4000000000, size: 10}] |
		.linux.gidMappings += [{containerID: 1, hostID: 4000000000, size: 10}]'
	rl_run run --bundle "$BUNDLE" "$ID"
	assert_failure
	if is_berth; then
		assert_one_line_error "linux.uidMappings" "newuidmap" "not allowed"
	fi
	assert_no_leaks
}

@test "a limit in linux.resources without a cgroup the user may write fails, naming the field" {
	update_config '.linux.resources = {memory: {limit: 104857600}}'
	rl_run run --bundle "$BUNDLE" "$ID"
	assert_failure
	assert_output --partial "memory"
	if is_berth; then
		assert_one_line_error "linux.resources.memory" "rootless"
	fi
	assert_no_leaks
}

@test "without linux.resources the user's container stays in the user's cgroups" {
	update_config '.process.args = ["cat", "/proc/self/cgroup"]'
	local mine
	mine=$(runuser -u "$RL_USER" -- cat /proc/self/cgroup | sort)
	rl_run run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_equal "$(sort <<<"$output")" "$mine"
}

@test "--rootless true runs a user's container; --rootless false wants the cgroup" {
	rl_run --rootless true run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output $'hello\n0'
	rl_run --rootless false run --bundle "$BUNDLE" "$ID-f"
	assert_failure
	assert_output --partial "permission denied"
	assert_no_leaks
}

@test "a user's config without a user namespace is refused" {
	requires_berth # runc says "rootless container requires user namespaces"
	update_config 'del(.linux.uidMappings, .linux.gidMappings) |
		.linux.namespaces |= map(select(.type != "user"))'
	rl_run run --bundle "$BUNDLE" "$ID"
	assert_one_line_error "linux.namespaces" "user namespace"
	assert_no_leaks
}

@test "a user's container without a cgroup: ps lists its PID namespace, pause and update say why not" {
	requires_berth # runc 1.1.5 fails ps too, and words pause and update otherwise
	update_config '.process.args = ["sleep", "100"]'
	run_unpiped rl_berth run --detach --bundle "$BUNDLE" "$ID"
	assert_success
	local pid
	pid=$(rl_berth state "$ID" | jq -r .pid)
	rl_run ps --format json "$ID"
	assert_success
	assert_equal "$(jq -c . <<<"$output")" "[$pid]"
	rl_run pause "$ID"
	assert_one_line_error "pause $ID" "no cgroup of its own"
	rl_run update --pids-limit 10 "$ID"
	assert_one_line_error "update $ID" "no cgroup of its own"
	rl_run state "$ID"
	assert_equal "$(jq -r .status <<<"$output")" running
}

@test "a devpts gid=5 that the single mapping leaves unmapped is refused, naming the option" {
	update_config '(.mounts[] | select(.destination == "/dev/pts") | .options) += ["gid=5"]'
	rl_run run --bundle "$BUNDLE" "$ID"
	assert_failure
	if is_berth; then
		assert_one_line_error 'options[5] "gid=5"' "gid 5 is not mapped by linux.gidMappings"
	fi
	assert_no_leaks
}

@test "with a cgroup delegated to the user, linux.cgroupsPath below it gets the limits" {
	[[ -d /sys/fs/cgroup/memory && ! -f /sys/fs/cgroup/cgroup.controllers ]] || skip "needs cgroup v1 hierarchies"
	local name=rl-deleg-$ID
	delegate_cgroups "$name"
	update_config '.linux.cgroupsPath = $p | .linux.resources = {memory: {limit: 104857600}, pids: {limit: 50}} |
		.process.args = ["cat", "/proc/self/cgroup", "/sys/fs/cgroup/memory/memory.limit_in_bytes", "/sys/fs/cgroup/pids/pids.max"]' \
		--arg p "/$name/c"
	rl_run run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_line --regexp "^[0-9]+:memory:/$name/c\$"
	assert_line --regexp "^[0-9]+:pids:/$name/c\$"
	assert_line 104857600
	assert_line 50
	[[ ! -d /sys/fs/cgroup/memory/$name/c ]] || fail "the container's cgroup was left behind"
}

@test "a user without XDG_RUNTIME_DIR is told where a user's state can go" {
	requires_berth # runc 1.1.5 prints only the mkdir error
	_record_container_id run "$ID"
	run_unpiped bash -c 'cd "$1" && runuser -u "$2" -- env -u XDG_RUNTIME_DIR "$3" run --bundle "$4" "$5"' \
		_ "$RL_HOME" "$RL_USER" "$RL_BIN" "$BUNDLE" "$ID"
	assert_one_line_error "permission denied" "set XDG_RUNTIME_DIR" "--root"
	[[ ! -e /run/berth/$ID ]] || fail "state left in /run/berth"
	assert_no_leaks
}

@test "a sysfs mount without a network namespace of the user's own becomes the host's /sys" {
	requires_berth # runc 1.1.5 fails: mounting sysfs needs a network namespace the user owns
	update_config '(.mounts[] | select(.destination == "/sys")) |= {destination: "/sys", type: "sysfs", source: "sysfs", options: ["nosuid", "noexec", "nodev", "ro"]} |
		.process.args = ["sh", "-c", "test -d /sys/class && grep \" /sys \" /proc/self/mountinfo"]'
	rl_run run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output --regexp ' /sys ro,.* - sysfs '
}

@test "a user's container has working /dev nodes (bound from the host: mknod is not allowed)" {
	update_config '.process.args = ["sh", "-c", "for d in null zero full random urandom tty; do test -c /dev/$d || echo no $d; done; echo x >/dev/null && head -c 4 /dev/urandom | wc -c"]'
	rl_run run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output 4
}
