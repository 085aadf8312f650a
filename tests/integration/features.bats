#!/usr/bin/env bats
# `features`: the runtime-spec's features document (features.md). runc 1.1.5 has the command
# too (spec 1.0.2-dev, no time namespace, no netDevices): the shape is checked against both,
# berth's own lists and annotations only against berth.

load helpers

setup() {
	berth_setup
}

teardown() {
	cleanup_berth
}

# features_json: the document, checked to be one JSON object.
features_json() {
	berth features >"$BATS_TEST_TMPDIR/features.json" || fail "features failed"
	jq -e 'type == "object"' "$BATS_TEST_TMPDIR/features.json" >/dev/null ||
		fail "features is not a JSON object: $(cat "$BATS_TEST_TMPDIR/features.json")"
}

# fjq EXPR: jq -e over the document; fails the test when EXPR is false or null.
fjq() {
	jq -e "$1" "$BATS_TEST_TMPDIR/features.json" >/dev/null ||
		fail "features: '$1' does not hold in: $(jq -c . "$BATS_TEST_TMPDIR/features.json")"
}

@test "features prints the OCI versions, the hooks and the common namespaces" {
	features_json
	fjq '.ociVersionMin == "1.0.0"'
	fjq '.ociVersionMax | test("^1\\.[0-9]+\\.[0-9]+")'
	fjq '.hooks == ["prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"]'
	fjq '.linux.namespaces | contains(["cgroup", "ipc", "mount", "network", "pid", "user", "uts"])'
}

@test "features lists mount options, capabilities and seccomp names" {
	features_json
	fjq '.mountOptions | contains(["bind", "rbind", "ro", "rw", "nosuid", "rprivate", "rro", "tmpcopyup"])'
	fjq '.mountOptions == (.mountOptions | sort)'
	fjq '.linux.capabilities | contains(["CAP_CHOWN", "CAP_SYS_ADMIN", "CAP_NET_BIND_SERVICE"])'
	fjq '.linux.seccomp.enabled == true'
	fjq '.linux.seccomp.actions | contains(["SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_NOTIFY"])'
	fjq '.linux.seccomp.operators | contains(["SCMP_CMP_EQ", "SCMP_CMP_MASKED_EQ"])'
	fjq '.linux.seccomp.archs | contains(["SCMP_ARCH_X86_64", "SCMP_ARCH_AARCH64"])'
	fjq '.linux.cgroup.v1 == true and .linux.cgroup.v2 == true and .linux.cgroup.systemd == true'
}

@test "features takes no arguments" {
	requires_berth # runc 1.1.5 ignores them
	run berth features extra
	assert_one_line_error "features" "0 argument(s) expected"
}

@test "features: berth's namespaces, seccomp flags, memory policy and extensions" {
	requires_berth
	features_json
	fjq '.ociVersionMax == "1.3.0"'
	fjq '.linux.namespaces == ["cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts"]'
	fjq '.linux.seccomp.knownFlags | contains(["SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG"])'
	fjq '. as $f | .linux.seccomp.supportedFlags | all(. as $x | $f.linux.seccomp.knownFlags | index($x))'
	fjq '.linux.memoryPolicy.modes | contains(["MPOL_BIND", "MPOL_INTERLEAVE"])'
	# idmapped bind mounts (idmap.bats): claimed, and their options listed.
	fjq '.linux.mountExtensions.idmap.enabled == true'
	fjq '.mountOptions | contains(["idmap", "ridmap"])'
	fjq '.linux.intelRdt.enabled == false'
	fjq '.linux.netDevices | has("enabled")'
}

@test "features: annotations name berth's version, commit and libseccomp" {
	requires_berth
	features_json
	fjq ".annotations[\"io.github.berth-runtime.version\"] == \"$(cat "$REPO/VERSION")\""
	local libseccomp
	libseccomp=$(berth --version | sed -n 's/^libseccomp: //p')
	fjq ".annotations[\"io.github.seccomp.libseccomp.version\"] == \"$libseccomp\""
	fjq '.annotations["io.github.berth-runtime.commit"] | test("^[0-9a-f]{7,}$|^unknown$")'
}

@test "every namespace features lists (but user) is accepted by run" {
	features_json
	local types
	# user needs id maps and a rootfs the mapped root can read: namespaces.bats covers it.
	types=$(jq -c '[.linux.namespaces[] | select(. != "user") | {type: .}]' "$BATS_TEST_TMPDIR/features.json")
	setup_bundle true
	update_config ".linux.namespaces = $types"
	run_container
	assert_success
}
