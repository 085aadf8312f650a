#!/usr/bin/env bats
# The container's process: env, cwd, args, hostname and domainname, sysctl, oomScoreAdj,
# noNewPrivileges, --preserve-fds, and that nothing else of the runtime leaks in.

load helpers

setup() {
	berth_setup
}

teardown() {
	cleanup_berth
}

# set_args ARG...: make process.args exactly ARGs (one --arg each, so "-c" is not taken by jq).
set_args() {
	local json arg
	json=$(for arg in "$@"; do jq -n --arg a "$arg" '$a'; done | jq -sc .)
	update_config '.process.args = $a' --argjson a "$json"
}

@test "env: the process gets exactly the config's environment" {
	setup_bundle env
	update_config '.process.env = ["PATH=/bin:/usr/bin", "A=1", "B=two words", "C=", "HOME=/root"]'
	export BERTH_TEST_LEAK=from-the-caller
	run_container
	unset BERTH_TEST_LEAK
	assert_success
	assert_equal "$(sort <<<"$output")" "$(printf '%s\n' A=1 'B=two words' C= HOME=/root PATH=/bin:/usr/bin)"
}

@test "env: HOME is added from /etc/passwd when missing" {
	setup_bundle env
	update_config '.process.env = ["PATH=/usr/bin"]'
	run_container
	assert_success
	assert_line HOME=/root
	assert_equal "${#lines[@]}" 2
}

@test "cwd: the process starts in it" {
	setup_bundle pwd
	update_config '.process.cwd = "/home/user"'
	run_container
	assert_success
	assert_output /home/user
}

@test "cwd: a missing directory is created in the rootfs" {
	setup_bundle pwd
	update_config '.process.cwd = "/does/not/exist"'
	run_container
	assert_success
	assert_output /does/not/exist
	[[ -d $BUNDLE/rootfs/does/not/exist ]] || fail "cwd not created inside the rootfs"
}

@test "args: passed verbatim, with spaces, empty strings and glob characters" {
	setup_bundle true
	set_args sh -c 'printf "[%s]" "$0" "$@"; echo' argv0 'a b' '' '*' '$HOME' "it's"
	run_container
	assert_success
	assert_output "[argv0][a b][][*][\$HOME][it's]"
}

@test "args[0] is looked up in the config's PATH, not the host's" {
	setup_bundle true
	mkdir -p "$BUNDLE/rootfs/opt/tools"
	printf '#!/bin/sh\necho hello from opt\n' >"$BUNDLE/rootfs/opt/tools/hello"
	chmod +x "$BUNDLE/rootfs/opt/tools/hello"
	set_args hello
	update_config '.process.env = ["PATH=/opt/tools:/bin"]'
	run_container
	assert_success
	assert_output "hello from opt"
}

@test "hostname is set in the new UTS namespace" {
	setup_bundle hostname
	update_config '.hostname = "box.one"'
	local host_name
	host_name=$(hostname)
	run_container
	assert_success
	assert_output box.one
	assert_equal "$(hostname)" "$host_name"
}

@test "domainname is set in the new UTS namespace" {
	# runc 1.1 ignores .domainname (support came in runc 1.2): the container keeps "(none)".
	requires_berth
	setup_bundle sh -c 'hostname; cat /proc/sys/kernel/domainname'
	update_config '.hostname = "box.one" | .domainname = "example.test"'
	local host_domain
	host_domain=$(cat /proc/sys/kernel/domainname)
	run_container
	assert_success
	assert_line --index 0 box.one
	assert_line --index 1 example.test
	assert_equal "$(cat /proc/sys/kernel/domainname)" "$host_domain"
}

@test "linux.sysctl: values are written in the container's namespaces only" {
	setup_bundle sh -c 'cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/msgmax /proc/sys/net/ipv4/ip_default_ttl'
	update_config '.linux.sysctl = {"net.ipv4.ip_forward": "1", "kernel.msgmax": "4096",
		"net/ipv4/ip_default_ttl": "42"}'
	local host_ttl host_msgmax
	host_ttl=$(cat /proc/sys/net/ipv4/ip_default_ttl)
	host_msgmax=$(cat /proc/sys/kernel/msgmax)
	run_container
	assert_success
	assert_line --index 0 1
	assert_line --index 1 4096
	assert_line --index 2 42
	assert_equal "$(cat /proc/sys/net/ipv4/ip_default_ttl)" "$host_ttl"
	assert_equal "$(cat /proc/sys/kernel/msgmax)" "$host_msgmax"
}

@test "linux.sysctl: a host-wide sysctl is refused without a matching namespace" {
	setup_bundle true
	# kernel.pid_max belongs to no namespace: writing it would change the host.
	update_config '.linux.sysctl = {"kernel.pid_max": "4000000"}'
	local before
	before=$(cat /proc/sys/kernel/pid_max)
	run_container
	assert_failure 1
	assert_no_leaks
	assert_equal "$(cat /proc/sys/kernel/pid_max)" "$before"
}

@test "oomScoreAdj is applied" {
	setup_bundle cat /proc/self/oom_score_adj
	update_config '.process.oomScoreAdj = 123'
	run_container
	assert_success
	assert_output 123
}

@test "noNewPrivileges true and false show in /proc/self/status" {
	setup_bundle sh -c 'grep ^NoNewPrivs: /proc/self/status | tr -s "\t" " "'
	update_config '.process.noNewPrivileges = true'
	run_container
	assert_success
	assert_output "NoNewPrivs: 1"

	update_config '.process.noNewPrivileges = false'
	run_container
	assert_success
	assert_output "NoNewPrivs: 0"
}

@test "only stdio reaches the process: an fd open in the caller does not leak" {
	# ls lists its own directory fd (3) while reading /proc/self/fd.
	setup_bundle ls /proc/self/fd
	echo secret >"$BATS_TEST_TMPDIR/f5"
	status=0
	berth run --bundle "$BUNDLE" "$ID" </dev/null >"$BATS_TEST_TMPDIR/out" 2>&1 \
		3>&- 5<"$BATS_TEST_TMPDIR/f5" 7>"$BATS_TEST_TMPDIR/f7" || status=$?
	assert_equal "$status" 0
	assert_equal "$(cat "$BATS_TEST_TMPDIR/out" | tr '\n' ' ')" "0 1 2 3 "
}

@test "only stdio reaches a detached container's process either" {
	setup_bundle sh -c 'ls /proc/self/fd >/tmp-out/fds'
	mkdir -p "$BATS_TEST_TMPDIR/out"
	update_config '.mounts += [{destination: "/tmp-out", type: "bind", source: $d,
		options: ["rbind", "rw"]}]' --arg d "$BATS_TEST_TMPDIR/out"
	berth create --bundle "$BUNDLE" "$ID" </dev/null >"$BATS_TEST_TMPDIR/$ID.log" 2>&1 \
		3>&- 5<"$BATS_TEST_TMPDIR/out" || fail "create failed: $(cat "$BATS_TEST_TMPDIR/$ID.log")"
	berth start "$ID" 5<"$BATS_TEST_TMPDIR/out" 3>&-
	wait_for_status "$ID" stopped
	assert_equal "$(tr '\n' ' ' <"$BATS_TEST_TMPDIR/out/fds")" "0 1 2 3 "
}

@test "--preserve-fds N passes fds 3 .. 2+N and nothing above" {
	setup_bundle sh -c 'cat <&3; cat <&4; ls /proc/self/fd | tr "\n" " "; echo'
	echo three >"$BATS_TEST_TMPDIR/f3"
	echo four >"$BATS_TEST_TMPDIR/f4"
	echo five >"$BATS_TEST_TMPDIR/f5"
	status=0
	berth run --preserve-fds 2 --bundle "$BUNDLE" "$ID" </dev/null >"$BATS_TEST_TMPDIR/out" 2>&1 \
		3<"$BATS_TEST_TMPDIR/f3" 4<"$BATS_TEST_TMPDIR/f4" 5<"$BATS_TEST_TMPDIR/f5" || status=$?
	assert_equal "$status" 0
	run cat "$BATS_TEST_TMPDIR/out"
	assert_line --index 0 three
	assert_line --index 1 four
	# sh's 0-4, and ls's own directory fd (5): the caller's fd 5 did not come in.
	assert_line --index 2 "0 1 2 3 4 5 "
}
