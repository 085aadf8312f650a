#!/usr/bin/env bats
# process.capabilities: the five sets in /proc/self/status match the config, for root and for a
# non-root user (whose caps survive exec only through the ambient set), and what they allow.
# This host's bounding set lacks CAP_SYS_RESOURCE.

load helpers

setup() {
	berth_setup
}

teardown() {
	cleanup_berth
}

# The kernel's capability numbers (linux/capability.h); -g because bats sources this file in a
# function.
declare -gA CAP_NUMBER=(
	[CAP_CHOWN]=0 [CAP_DAC_OVERRIDE]=1 [CAP_DAC_READ_SEARCH]=2 [CAP_FOWNER]=3 [CAP_FSETID]=4
	[CAP_KILL]=5 [CAP_SETGID]=6 [CAP_SETUID]=7 [CAP_SETPCAP]=8 [CAP_LINUX_IMMUTABLE]=9
	[CAP_NET_BIND_SERVICE]=10 [CAP_NET_BROADCAST]=11 [CAP_NET_ADMIN]=12 [CAP_NET_RAW]=13
	[CAP_IPC_LOCK]=14 [CAP_IPC_OWNER]=15 [CAP_SYS_MODULE]=16 [CAP_SYS_RAWIO]=17
	[CAP_SYS_CHROOT]=18 [CAP_SYS_PTRACE]=19 [CAP_SYS_PACCT]=20 [CAP_SYS_ADMIN]=21
	[CAP_SYS_BOOT]=22 [CAP_SYS_NICE]=23 [CAP_SYS_RESOURCE]=24 [CAP_SYS_TIME]=25
	[CAP_SYS_TTY_CONFIG]=26 [CAP_MKNOD]=27 [CAP_LEASE]=28 [CAP_AUDIT_WRITE]=29
	[CAP_AUDIT_CONTROL]=30 [CAP_SETFCAP]=31 [CAP_MAC_OVERRIDE]=32 [CAP_MAC_ADMIN]=33
	[CAP_SYSLOG]=34 [CAP_WAKE_ALARM]=35 [CAP_BLOCK_SUSPEND]=36 [CAP_AUDIT_READ]=37
	[CAP_PERFMON]=38 [CAP_BPF]=39 [CAP_CHECKPOINT_RESTORE]=40
)

# cap_mask NAME...: the 16-hex-digit mask /proc/PID/status shows for that set of names.
cap_mask() {
	local mask=0 name
	for name in "$@"; do
		[[ -n ${CAP_NUMBER[$name]:-} ]] || fail "cap_mask: unknown capability $name"
		((mask |= 1 << CAP_NUMBER[$name]))
	done
	printf '%016x\n' "$mask"
}

# config_caps SET: the names in process.capabilities.SET of $BUNDLE/config.json, one per word.
config_caps() {
	jq -r --arg s "$1" '.process.capabilities[$s] // [] | .[]' "$BUNDLE/config.json"
}

# host_bounding_names: the capability names in this shell's bounding set.
host_bounding_names() {
	local bnd name
	bnd=$(awk '/^CapBnd:/ { print $2 }' /proc/self/status)
	for name in "${!CAP_NUMBER[@]}"; do
		(((0x$bnd >> CAP_NUMBER[$name]) & 1)) && echo "$name"
	done
}

# CAPS prints the five sets as "CapXxx: MASK" lines.
CAPS='grep ^Cap /proc/self/status | tr -s "\t" " "'

# Root's exec recomputes its sets (the kernel treats every file as carrying all caps for root):
# CapEff becomes CapPrm, and CapPrm becomes the whole bounding set unless no_new_privs holds it
# to the permitted set given before exec. The tests below say which case they are in.

@test "each of the five sets is exactly the config's" {
	setup_bundle sh -c "$CAPS"
	update_config '.process.noNewPrivileges = true | .process.capabilities = {
		bounding: ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW", "CAP_SETUID", "CAP_SYS_CHROOT"],
		permitted: ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW"],
		effective: ["CAP_CHOWN", "CAP_KILL"],
		inheritable: ["CAP_KILL", "CAP_NET_RAW"],
		ambient: ["CAP_KILL"]}'
	run_container
	assert_success
	assert_line "CapBnd: $(cap_mask CAP_CHOWN CAP_KILL CAP_NET_RAW CAP_SETUID CAP_SYS_CHROOT)"
	assert_line "CapPrm: $(cap_mask CAP_CHOWN CAP_KILL CAP_NET_RAW)"
	# Root's exec: effective = permitted.
	assert_line "CapEff: $(cap_mask CAP_CHOWN CAP_KILL CAP_NET_RAW)"
	assert_line "CapInh: $(cap_mask CAP_KILL CAP_NET_RAW)"
	assert_line "CapAmb: $(cap_mask CAP_KILL)"
}

@test "the default config's capabilities are what the container gets" {
	setup_bundle sh -c "$CAPS"
	local bnd prm eff inh amb a
	bnd=$(cap_mask $(config_caps bounding))
	prm=$(cap_mask $(config_caps permitted))
	eff=$(cap_mask $(config_caps effective))
	inh=$(cap_mask $(config_caps inheritable))
	# The kernel keeps an ambient cap only if it is both permitted and inheritable (runc's own
	# `spec` lists ambient caps with no inheritable set, so none of them takes effect).
	amb=$(cap_mask $(for a in $(config_caps ambient); do
		config_caps inheritable | grep -qx "$a" && config_caps permitted | grep -qx "$a" && echo "$a"
	done))
	[[ $bnd != 0000000000000000 ]] || fail "the default config has no bounding set"
	[[ $(jq '.process.user.uid' "$BUNDLE/config.json") == 0 ]] || fail "the default user is not root"
	# Root's exec: without no_new_privs permitted grows to bounding | inheritable; effective
	# becomes permitted.
	if [[ $(jq '.process.noNewPrivileges' "$BUNDLE/config.json") != true ]]; then
		prm=$(printf '%016x' $((0x$bnd | 0x$inh)))
	fi
	eff=$prm
	run_container
	assert_success
	assert_line "CapBnd: $bnd"
	assert_line "CapPrm: $prm"
	assert_line "CapEff: $eff"
	assert_line "CapInh: $inh"
	assert_line "CapAmb: $amb"
}

@test "root without noNewPrivileges: exec makes the whole bounding set permitted and effective" {
	setup_bundle sh -c "$CAPS"
	update_config '.process.noNewPrivileges = false | .process.capabilities = {
		bounding: ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW"], permitted: ["CAP_CHOWN"],
		effective: ["CAP_CHOWN"]}'
	run_container
	assert_success
	local all
	all=$(cap_mask CAP_CHOWN CAP_KILL CAP_NET_RAW)
	assert_line "CapBnd: $all"
	assert_line "CapPrm: $all"
	assert_line "CapEff: $all"
}

@test "inheritable and ambient stay empty unless the config asks" {
	setup_bundle sh -c "$CAPS"
	update_config '.process.capabilities = {bounding: ["CAP_KILL", "CAP_CHOWN"],
		permitted: ["CAP_KILL", "CAP_CHOWN"], effective: ["CAP_KILL", "CAP_CHOWN"]}'
	run_container
	assert_success
	assert_line "CapEff: $(cap_mask CAP_KILL CAP_CHOWN)"
	assert_line "CapInh: 0000000000000000"
	assert_line "CapAmb: 0000000000000000"
}

@test "no capabilities object: the process has none at all" {
	setup_bundle sh -c "$CAPS"
	update_config 'del(.process.capabilities)'
	run_container
	assert_success
	assert_line "CapPrm: 0000000000000000"
	assert_line "CapEff: 0000000000000000"
	assert_line "CapBnd: 0000000000000000"
}

@test "every capability the host has can be granted" {
	setup_bundle sh -c "$CAPS"
	local names
	names=$(host_bounding_names | jq -R . | jq -sc .)
	update_config '.process.capabilities = {bounding: $n, permitted: $n, effective: $n}' \
		--argjson n "$names"
	local want
	want=$(awk '/^CapBnd:/ { print $2 }' /proc/self/status)
	run_container
	assert_success
	assert_line "CapBnd: $want"
	assert_line "CapEff: $want"
}

@test "a capability outside the host's bounding set cannot be granted" {
	local bnd
	bnd=$(awk '/^CapBnd:/ { print $2 }' /proc/self/status)
	(((0x$bnd >> 24) & 1)) && skip "this host has CAP_SYS_RESOURCE in its bounding set"
	setup_bundle true
	update_config '.process.capabilities = {bounding: ["CAP_SYS_RESOURCE"],
		permitted: ["CAP_SYS_RESOURCE"], effective: ["CAP_SYS_RESOURCE"]}'
	run_container
	assert_failure 1
	assert_no_leaks
}

@test "an unknown capability name is ignored, as runc does" {
	# runc 1.1 warns "ignoring unknown or unavailable capabilities" and runs: configs written for
	# newer kernels keep working.
	setup_bundle sh -c "$CAPS"
	update_config '.process.capabilities = {bounding: ["CAP_KILL", "CAP_BOGUS"],
		permitted: ["CAP_KILL"], effective: ["CAP_KILL"]}'
	run_container
	assert_success
	assert_line "CapBnd: $(cap_mask CAP_KILL)"
}

@test "root: CAP_CHOWN in effective allows chown, its absence forbids it" {
	setup_bundle sh -c 'touch /tmp/f; chown 1000 /tmp/f && echo chown-ok; true'
	update_config '.root.readonly = false | .process.capabilities = {bounding: ["CAP_CHOWN"],
		permitted: ["CAP_CHOWN"], effective: ["CAP_CHOWN"]}'
	run_container
	assert_success
	assert_line chown-ok

	update_config '.process.capabilities = {bounding: ["CAP_KILL"], permitted: ["CAP_KILL"],
		effective: ["CAP_KILL"]}'
	run_container
	refute_line chown-ok
	assert_output --partial "Operation not permitted"
}

@test "a non-root user keeps its caps through exec only via the ambient set" {
	setup_bundle sh -c "$CAPS; touch /tmp/f; chown 0 /tmp/f && echo chown-ok; true"
	local caps='["CAP_CHOWN", "CAP_NET_BIND_SERVICE"]'
	update_config '.root.readonly = false | .process.user = {uid: 1000, gid: 1000}
		| .process.capabilities = {bounding: $c, permitted: $c, effective: $c, inheritable: $c,
			ambient: $c}' --argjson c "$caps"
	local want
	want=$(cap_mask CAP_CHOWN CAP_NET_BIND_SERVICE)
	run_container
	assert_success
	assert_line "CapAmb: $want"
	assert_line "CapEff: $want"
	assert_line "CapPrm: $want"
	assert_line chown-ok
}

@test "a non-root user without ambient caps has none after exec" {
	setup_bundle sh -c "$CAPS; touch /tmp/f; chown 0 /tmp/f && echo chown-ok; true"
	local caps='["CAP_CHOWN", "CAP_NET_BIND_SERVICE"]'
	update_config '.root.readonly = false | .process.user = {uid: 1000, gid: 1000}
		| .process.capabilities = {bounding: $c, permitted: $c, effective: $c}' --argjson c "$caps"
	run_container
	assert_success
	assert_line "CapAmb: 0000000000000000"
	assert_line "CapEff: 0000000000000000"
	assert_line "CapPrm: 0000000000000000"
	# The bounding set is kept whatever the uid.
	assert_line "CapBnd: $(cap_mask CAP_CHOWN CAP_NET_BIND_SERVICE)"
	refute_line chown-ok
}
