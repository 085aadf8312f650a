#!/usr/bin/env bats
# linux.netDevices (runtime-spec 1.3): host network devices moved into the container's network
# namespace, renamed, with their addresses, set up. berth-specific: runc 1.1.5 ignores the field.
# This kernel has no dummy driver, so the devices are one end of a veth pair; teardown removes
# whatever is left (a veth end that went into a namespace dies with it, taking its peer along).

load helpers

setup() {
	berth_setup
	requires_berth
	# Names of at most 15 bytes, unique to this test run.
	VETH=vn$$t${BATS_TEST_NUMBER}
	PEER=${VETH}p
	NETNS=
}

teardown() {
	cleanup_berth
	ip link del "$PEER" 2>/dev/null || true
	ip link del "$VETH" 2>/dev/null || true
	if [[ -n $NETNS ]]; then ip netns del "$NETNS" 2>/dev/null || true; fi
}

# make_veth: the pair VETH/PEER on the host, VETH with an IPv4 and an IPv6 global address.
make_veth() {
	ip link add "$VETH" type veth peer name "$PEER" || fail "cannot make a veth pair"
	ip addr add 10.199.$BATS_TEST_NUMBER.1/24 dev "$VETH"
	ip -6 addr add fd00:199:$BATS_TEST_NUMBER::1/64 dev "$VETH" nodad
}

# net_devices JSON: set linux.netDevices and make sure the container has a network namespace.
net_devices() {
	update_config '.linux.netDevices = $d | .linux.namespaces |= (map(select(.type != "network")) + [{type: "network"}])' \
		--argjson d "$1"
}

@test "a device moves in under its new name, with its addresses, and is up" {
	make_veth
	setup_bundle sh -c 'ip -o link show ctr0; ip -o addr show dev ctr0; cat /sys/class/net/ctr0/operstate'
	net_devices "{\"$VETH\": {\"name\": \"ctr0\"}}"
	run_container
	assert_success
	assert_line --index 0 --partial 'ctr0'
	assert_line --index 0 --regexp '<[^>]*UP[^>]*>'
	assert_line --regexp "inet 10\.199\.$BATS_TEST_NUMBER\.1/24 .*scope global ctr0"
	assert_line --regexp "inet6 fd00:199:$BATS_TEST_NUMBER::1/64 scope global"
	# It left the host.
	run ip link show "$VETH"
	assert_failure
}

@test "without a name the device keeps its host name; a net.* sysctl finds it already inside" {
	make_veth
	setup_bundle sh -c "ls /sys/class/net; cat /proc/sys/net/ipv4/conf/$VETH/forwarding"
	net_devices "{\"$VETH\": {}}"
	update_config '.linux.sysctl = {("net.ipv4.conf." + $v + ".forwarding"): "1"}' --arg v "$VETH"
	run_container
	assert_success
	assert_line "$VETH"
	assert_line lo
	assert_line --index 2 1
}

@test "a %d template lets the kernel pick the number" {
	make_veth
	setup_bundle sh -c 'ls /sys/class/net'
	net_devices "{\"$VETH\": {\"name\": \"nd%d\"}}"
	run_container
	assert_success
	assert_line nd0
}

@test "a joined network namespace gets the device (nsenter path, no pid namespace)" {
	make_veth
	NETNS=bt-nd-$$-$BATS_TEST_NUMBER
	ip netns add "$NETNS"
	setup_bundle sleep 100
	update_config '.linux.namespaces = [.linux.namespaces[] | select(.type != "pid" and .type != "network")]
		+ [{type: "network", path: $p}] | .linux.netDevices = {($v): {name: "joined0"}}' \
		--arg p "/run/netns/$NETNS" --arg v "$VETH"
	create_container "$ID"
	run ip netns exec "$NETNS" ip -o addr show dev joined0
	assert_success
	assert_output --regexp "inet 10\.199\.$BATS_TEST_NUMBER\.1/24"
	berth delete --force "$ID"
	# Not moved back on delete (the spec says so): the namespace outlives the container.
	run ip netns exec "$NETNS" ip -o link show joined0
	assert_success
}

@test "after the container's namespace is gone the veth is destroyed, its peer too" {
	make_veth
	setup_bundle true
	net_devices "{\"$VETH\": {}}"
	run_container
	assert_success
	local i
	for ((i = 0; i < 100; i++)); do
		ip link show "$PEER" >/dev/null 2>&1 || return 0
		sleep 0.05
	done
	fail "the peer $PEER is still there 5 s after the container's network namespace went away"
}

@test "a device missing on the host is a one-line error naming the entry" {
	setup_bundle true
	net_devices '{"nosuchdev9": {}}'
	run_unpiped berth run --bundle "$BUNDLE" "$ID"
	assert_one_line_error 'linux.netDevices["nosuchdev9"]: no such network device on the host'
	assert_no_leaks
}

@test "a name already taken inside is an error, and the device stays on the host" {
	make_veth
	setup_bundle true
	net_devices "{\"$VETH\": {\"name\": \"lo\"}}"
	run_unpiped berth run --bundle "$BUNDLE" "$ID"
	assert_one_line_error "linux.netDevices[\"$VETH\"]" 'a device named "lo" is already there'
	assert_no_leaks
	ip link show "$VETH" >/dev/null || fail "$VETH left the host although the move failed"
}

@test "netDevices without a network namespace of the container's own is refused" {
	make_veth
	setup_bundle true
	update_config '.linux.netDevices = {($v): {}} | .linux.namespaces |= map(select(.type != "network"))' --arg v "$VETH"
	run_unpiped berth run --bundle "$BUNDLE" "$ID"
	assert_one_line_error 'linux.netDevices: needs the container'"'"'s own network namespace'
	assert_no_leaks
	ip link show "$VETH" >/dev/null || fail "$VETH left the host"
}

@test "an invalid name inside is refused before anything is made" {
	make_veth
	setup_bundle true
	net_devices "{\"$VETH\": {\"name\": \"bad/name\"}}"
	run_unpiped berth run --bundle "$BUNDLE" "$ID"
	assert_one_line_error "linux.netDevices[\"$VETH\"].name \"bad/name\": not a network device name"
	assert_no_leaks
}

# assert_veth_home: VETH is back on the host under its name, with its IPv4 address, up.
assert_veth_home() {
	run ip -o addr show dev "$VETH"
	assert_success
	assert_output --regexp "inet 10\.199\.$BATS_TEST_NUMBER\.1/24"
	run ip -o link show "$VETH"
	assert_output --regexp '<[^>]*UP[^>]*>'
}

@test "a create that fails inside init after the move gives the device back to the host" {
	make_veth
	ip link set "$VETH" up
	setup_bundle true
	net_devices "{\"$VETH\": {\"name\": \"ctr0\"}}"
	update_config '.mounts += [{destination: "/mnt", type: "bind", source: "/nonexistent-nd", options: ["bind"]}]'
	run_unpiped berth run --bundle "$BUNDLE" "$ID"
	assert_one_line_error "/nonexistent-nd"
	assert_no_leaks
	assert_veth_home
}

@test "when a later device cannot be moved, the ones already moved come back" {
	make_veth
	ip link set "$VETH" up
	setup_bundle true
	# Moved in name order: VETH first, then the missing one.
	net_devices "{\"$VETH\": {\"name\": \"ctr0\"}, \"zznosuchdev\": {}}"
	run_unpiped berth run --bundle "$BUNDLE" "$ID"
	assert_one_line_error 'linux.netDevices["zznosuchdev"]: no such network device on the host'
	assert_no_leaks
	assert_veth_home
}
