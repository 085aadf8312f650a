#!/usr/bin/env bats
# linux.seccomp: actions, errno values, argument filters, name handling, config errors and
# SCMP_ACT_NOTIFY with a seccomp agent (tests/cmd/seccomp-listener).

load helpers

SECCOMP_LISTENER_BIN=${SECCOMP_LISTENER_BIN:-$REPO/.cache/bin/seccomp-listener}

setup() {
	berth_setup
}

teardown() {
	cleanup_berth
}

# set_seccomp JSON: make linux.seccomp exactly JSON.
set_seccomp() {
	update_config '.linux.seccomp = $s' --argjson s "$1"
}

# deny_mkdir ACTION [EXTRA_JSON]: allow everything but mkdir/mkdirat, which get ACTION; EXTRA_JSON
# is merged into the rule (e.g. '{"errnoRet": 38}').
deny_mkdir() {
	local rule
	rule=$(jq -cn --arg a "$1" --argjson x "${2:-{\}}" '{names: ["mkdir", "mkdirat"], action: $a} + $x')
	set_seccomp "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [$rule]}"
}

# MKDIR: a shell snippet that tries a mkdir in a writable place and prints its exit status.
MKDIR='mkdir /dev/shm/x; echo "mkdir rc=$?"'

# start_listener ARGS...: run seccomp-listener on $BATS_TEST_TMPDIR/agent.sock in the
# background (names in $NAMES_FILE, state in $STATE_FILE); LISTENER_PID is set.
start_listener() {
	[[ -x $SECCOMP_LISTENER_BIN ]] || fail "$SECCOMP_LISTENER_BIN is missing: run make test-helpers"
	AGENT_SOCK=$BATS_TEST_TMPDIR/agent.sock
	NAMES_FILE=$BATS_TEST_TMPDIR/names
	STATE_FILE=$BATS_TEST_TMPDIR/state.json
	"$SECCOMP_LISTENER_BIN" --names "$NAMES_FILE" --state "$STATE_FILE" "$@" "$AGENT_SOCK" 3>&- &
	LISTENER_PID=$!
	echo "$LISTENER_PID" >>"$BERTH_PIDS_FILE"
	local i
	for ((i = 0; i < 100; i++)); do
		[[ -S $AGENT_SOCK ]] && return 0
		sleep 0.05
	done
	fail "seccomp-listener did not create $AGENT_SOCK within 5s"
}

# wait_listener: the listener exits by itself once the container is gone; fail if it did not
# exit or exited non-zero.
wait_listener() {
	local i
	for ((i = 0; i < 100; i++)); do
		if ! kill -0 "$LISTENER_PID" 2>/dev/null; then
			wait "$LISTENER_PID" || fail "seccomp-listener failed (exit $?)"
			return 0
		fi
		sleep 0.05
	done
	fail "seccomp-listener (pid $LISTENER_PID) still running after 5s"
}

# notify_mkdir: mkdir/mkdirat go to the agent at $AGENT_SOCK with some metadata.
notify_mkdir() {
	set_seccomp "$(jq -cn --arg p "$AGENT_SOCK" '{defaultAction: "SCMP_ACT_ALLOW", listenerPath: $p,
		listenerMetadata: "agent-meta",
		syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_NOTIFY"}]}')"
}

@test "SCMP_ACT_ERRNO with errnoRet 1 fails the syscall with EPERM" {
	setup_bundle sh -c "$MKDIR"
	deny_mkdir SCMP_ACT_ERRNO '{"errnoRet": 1}'
	run_container
	assert_success
	assert_output --partial "Operation not permitted"
	assert_line "mkdir rc=1"
}

@test "SCMP_ACT_ERRNO without errnoRet defaults to EPERM" {
	setup_bundle sh -c "$MKDIR"
	deny_mkdir SCMP_ACT_ERRNO
	run_container
	assert_success
	assert_output --partial "Operation not permitted"
}

@test "SCMP_ACT_ERRNO with errnoRet 38 gives ENOSYS" {
	setup_bundle sh -c "$MKDIR"
	deny_mkdir SCMP_ACT_ERRNO '{"errnoRet": 38}'
	run_container
	assert_success
	assert_output --partial "Function not implemented"
}

@test "defaultAction SCMP_ACT_ERRNO with defaultErrnoRet, allow-listing what busybox needs" {
	# The shape of real profiles: everything not listed fails. The runtime must load the filter
	# as its last step, or its own syscalls after loading would fail.
	setup_bundle mkdir /dev/shm/x
	set_seccomp '{"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38, "syscalls": [{"names": [
		"execve", "execveat", "brk", "arch_prctl", "set_tid_address", "set_robust_list", "rseq",
		"prlimit64", "mmap", "munmap", "mprotect", "read", "write", "writev", "exit", "exit_group",
		"getuid", "geteuid", "getgid", "getegid", "getpid", "getppid", "uname", "readlink",
		"open", "openat", "close", "fstat", "newfstatat", "statx", "stat", "lstat", "ioctl",
		"rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "sigaltstack", "umask", "getrandom",
		"futex", "fcntl", "dup2", "dup3", "getcwd", "fstatfs", "statfs", "close_range", "getdents64",
		"prctl", "capget", "capset", "lseek", "sched_yield", "nanosleep", "gettid", "tgkill",
		"madvise", "clone", "clone3", "wait4", "epoll_ctl", "epoll_pwait", "epoll_create1", "pipe2",
		"sched_getaffinity", "mincore", "faccessat", "faccessat2", "access", "setgroups", "setresuid",
		"setresgid", "setuid", "setgid", "chdir", "fchdir", "kill", "getdents", "sendmsg",
		"recvmsg", "socket", "connect", "poll", "ppoll", "pread64", "accept", "accept4", "sendto",
		"recvfrom", "getsockopt", "setsockopt", "shutdown", "epoll_wait", "getsockname",
		"getpeername", "close", "exit"], "action": "SCMP_ACT_ALLOW"}]}'
	run_container
	assert_failure 1
	assert_output --partial "Function not implemented"
}

@test "SCMP_ACT_KILL kills the process with SIGSYS (exit 159)" {
	setup_bundle mkdir /dev/shm/x
	deny_mkdir SCMP_ACT_KILL
	run_container
	assert_failure 159
}

@test "SCMP_ACT_KILL_PROCESS kills the process with SIGSYS (exit 159)" {
	setup_bundle mkdir /dev/shm/x
	deny_mkdir SCMP_ACT_KILL_PROCESS
	run_container
	assert_failure 159
}

@test "SCMP_ACT_KILL_THREAD on a single-threaded process kills it with SIGSYS" {
	setup_bundle mkdir /dev/shm/x
	deny_mkdir SCMP_ACT_KILL_THREAD
	run_container
	assert_failure 159
}

@test "SCMP_ACT_TRAP sends SIGSYS (exit 159 without a handler)" {
	setup_bundle mkdir /dev/shm/x
	deny_mkdir SCMP_ACT_TRAP
	run_container
	assert_failure 159
}

@test "SCMP_ACT_LOG lets the syscall through" {
	setup_bundle sh -c "$MKDIR; ls -d /dev/shm/x"
	deny_mkdir SCMP_ACT_LOG
	run_container
	assert_success
	assert_line "mkdir rc=0"
	assert_line "/dev/shm/x"
}

@test "SCMP_ACT_TRACE without a tracer fails the syscall with ENOSYS" {
	setup_bundle sh -c "$MKDIR"
	deny_mkdir SCMP_ACT_TRACE
	run_container
	assert_success
	assert_output --partial "Function not implemented"
}

# KILL_SNIPPET: the shell is pid 1; USR1/USR2 are ignored so that allowed kills are harmless. The
# sleep dies with the PID namespace when the shell exits.
KILL_SNIPPET='trap "" USR1 USR2; sleep 30 & other=$!
	kill -USR1 1; echo "self usr1 rc=$?"
	kill -USR2 1; echo "self usr2 rc=$?"
	kill -0 1; echo "self 0 rc=$?"
	kill -USR1 $other; echo "other usr1 rc=$?"
	exit 0'

@test "args: SCMP_CMP_EQ on one argument denies only that value" {
	setup_bundle sh -c "$KILL_SNIPPET"
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["kill"], "action": "SCMP_ACT_ERRNO",
		"args": [{"index": 1, "value": 10, "op": "SCMP_CMP_EQ"}]}]}'
	run_container
	assert_success
	assert_line "self usr1 rc=1"
	assert_line "self usr2 rc=0"
	assert_line "self 0 rc=0"
	assert_line "other usr1 rc=1"
}

@test "args: conditions on different arguments are ANDed" {
	setup_bundle sh -c "$KILL_SNIPPET"
	# Deny SIGUSR1 (10) to pid 1 only.
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["kill"], "action": "SCMP_ACT_ERRNO",
		"args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}, {"index": 1, "value": 10, "op": "SCMP_CMP_EQ"}]}]}'
	run_container
	assert_success
	assert_line "self usr1 rc=1"
	assert_line "self usr2 rc=0"
	assert_line "other usr1 rc=0"
}

@test "args: conditions repeating an argument index are ORed (runc semantics)" {
	setup_bundle sh -c "$KILL_SNIPPET"
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["kill"], "action": "SCMP_ACT_ERRNO",
		"args": [{"index": 1, "value": 10, "op": "SCMP_CMP_EQ"}, {"index": 1, "value": 12, "op": "SCMP_CMP_EQ"}]}]}'
	run_container
	assert_success
	assert_line "self usr1 rc=1"
	assert_line "self usr2 rc=1"
	assert_line "self 0 rc=0"
}

@test "args: SCMP_CMP_MASKED_EQ takes the mask in value and the datum in valueTwo" {
	setup_bundle sh -c "$KILL_SNIPPET"
	# sig & 2 == 0: denies SIGUSR2 (12 = 0b1100), allows SIGUSR1 (10 = 0b1010).
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["kill"], "action": "SCMP_ACT_ERRNO",
		"args": [{"index": 1, "value": 2, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ"}]}]}'
	run_container
	assert_success
	assert_line "self usr1 rc=0"
	assert_line "self usr2 rc=1"
	assert_line "self 0 rc=1"
}

@test "args: SCMP_CMP_NE and SCMP_CMP_GT" {
	setup_bundle sh -c "$KILL_SNIPPET"
	# Deny any signal above 11 to any pid other than 1: only "other" could be hit, with USR1 (10) it is not.
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["kill"], "action": "SCMP_ACT_ERRNO",
		"args": [{"index": 0, "value": 1, "op": "SCMP_CMP_NE"}, {"index": 1, "value": 11, "op": "SCMP_CMP_GT"}]}]}'
	run_container
	assert_success
	assert_line "self usr2 rc=0"
	assert_line "other usr1 rc=0"
}

@test "an unknown syscall name is skipped, the rest of the rule applies" {
	setup_bundle sh -c "$MKDIR"
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["no_such_syscall_xyz", "mkdir", "mkdirat"],
		"action": "SCMP_ACT_ERRNO", "errnoRet": 38}]}'
	run_container
	assert_success
	assert_output --partial "Function not implemented"
}

@test "the filter also applies to exec'ed processes" {
	setup_bundle sleep 60
	deny_mkdir SCMP_ACT_ERRNO '{"errnoRet": 38}'
	run_detached "$ID"
	run_unpiped berth exec "$ID" sh -c "$MKDIR"
	assert_success
	assert_output --partial "Function not implemented"
	berth kill "$ID" KILL
}

@test "an unknown action fails create, naming the field" {
	setup_bundle true
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO"},
		{"names": ["read"], "action": "SCMP_ACT_FOO"}]}'
	run_unpiped berth create --bundle "$BUNDLE" "$ID"
	assert_one_line_error 'linux.seccomp.syscalls[1].action "SCMP_ACT_FOO": unknown action'
	assert_no_leaks
}

@test "an unknown architecture fails create, naming the field" {
	setup_bundle true
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86", "SCMP_ARCH_BOGUS"]}'
	run_unpiped berth create --bundle "$BUNDLE" "$ID"
	assert_one_line_error 'linux.seccomp.architectures[1] "SCMP_ARCH_BOGUS": unknown architecture'
	assert_no_leaks
}

@test "an unknown operator fails create, naming the field" {
	setup_bundle true
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["kill"], "action": "SCMP_ACT_ERRNO",
		"args": [{"index": 1, "value": 10, "op": "SCMP_CMP_X"}]}]}'
	run_unpiped berth create --bundle "$BUNDLE" "$ID"
	assert_one_line_error 'linux.seccomp.syscalls[0].args[0].op "SCMP_CMP_X": unknown operator'
	assert_no_leaks
}

@test "an unknown flag fails create, naming the field" {
	setup_bundle true
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_BOGUS"]}'
	run_unpiped berth create --bundle "$BUNDLE" "$ID"
	assert_one_line_error 'linux.seccomp.flags[0] "SECCOMP_FILTER_FLAG_BOGUS": unknown flag'
	assert_no_leaks
}

@test "SCMP_ACT_NOTIFY as the default action fails create" {
	setup_bundle true
	set_seccomp "$(jq -cn --arg p "$BATS_TEST_TMPDIR/agent.sock" '{defaultAction: "SCMP_ACT_NOTIFY", listenerPath: $p}')"
	run_unpiped berth create --bundle "$BUNDLE" "$ID"
	assert_one_line_error 'linux.seccomp.defaultAction "SCMP_ACT_NOTIFY"'
	assert_no_leaks
}

@test "SCMP_ACT_NOTIFY without listenerPath fails create" {
	setup_bundle true
	deny_mkdir SCMP_ACT_NOTIFY
	run_unpiped berth create --bundle "$BUNDLE" "$ID"
	assert_one_line_error 'linux.seccomp.listenerPath'
	assert_no_leaks
}

@test "SCMP_ACT_NOTIFY on write fails create" {
	setup_bundle true
	set_seccomp "$(jq -cn --arg p "$BATS_TEST_TMPDIR/agent.sock" '{defaultAction: "SCMP_ACT_ALLOW", listenerPath: $p,
		syscalls: [{names: ["write"], action: "SCMP_ACT_NOTIFY"}]}')"
	run_unpiped berth create --bundle "$BUNDLE" "$ID"
	assert_one_line_error 'linux.seccomp.syscalls[0].names[0] "write"'
	assert_no_leaks
}

@test "errnoRet on an action without an errno fails create (spec: MUST; runc ignores it)" {
	requires_berth
	setup_bundle true
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_KILL", "errnoRet": 5}]}'
	run_unpiped berth create --bundle "$BUNDLE" "$ID"
	assert_one_line_error 'linux.seccomp.syscalls[0].errnoRet 5: only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE'
	assert_no_leaks
}

@test "flags: every runtime-spec flag is accepted and the filter still works (runc 1.1 has no flags)" {
	requires_berth
	setup_bundle sh -c "$MKDIR"
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
		"SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"],
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}]}'
	run_container
	assert_success
	assert_output --partial "Function not implemented"
}

@test "SCMP_ACT_NOTIFY: the agent gets the state and the fd, and its errno reaches the container" {
	start_listener --errno 18
	setup_bundle sh -c "$MKDIR"
	notify_mkdir
	run_container
	assert_success
	assert_output --partial "Invalid cross-device link"
	wait_listener
	run cat "$NAMES_FILE"
	assert_output --regexp '^mkdir(at)?$'
	# runc sends status "creating" (it loads the filter during create); "created" is fine too.
	run jq -r '[.fds[0], .metadata, .state.id, (.state.status | test("^creat(ing|ed)$")),
		(.pid == .state.pid), (.pid > 0)] | join(" ")' "$STATE_FILE"
	assert_output "seccompFd agent-meta $ID true true true"
}

@test "SCMP_ACT_NOTIFY: an agent answering continue lets the syscall run" {
	start_listener --continue
	setup_bundle sh -c "$MKDIR; ls -d /dev/shm/x"
	notify_mkdir
	run_container
	assert_success
	assert_line "mkdir rc=0"
	assert_line "/dev/shm/x"
	wait_listener
	run cat "$NAMES_FILE"
	assert_output --regexp '^mkdir(at)?$'
}

@test "SCMP_ACT_NOTIFY: run fails when nobody listens on listenerPath" {
	# runc fails create already; a runtime loading the filter after start fails start. Either
	# way the program must not run.
	setup_bundle sh -c 'echo program ran'
	AGENT_SOCK=$BATS_TEST_TMPDIR/nobody.sock
	notify_mkdir
	run_unpiped berth run --bundle "$BUNDLE" "$ID"
	assert_failure 1
	refute_output --partial "program ran"
	if is_berth; then
		assert_output --partial "linux.seccomp.listenerPath"
	fi
	assert_no_leaks
}

@test "SCMP_ACT_NOTIFY: exec fails, and its program never runs, once nobody listens any more" {
	start_listener --errno 18
	setup_bundle sleep 1000
	notify_mkdir
	run_detached "$ID"
	kill "$LISTENER_PID"
	wait "$LISTENER_PID" 2>/dev/null || true
	run_unpiped berth exec "$ID" sh -c 'echo program ran'
	assert_failure
	refute_output --partial "program ran"
	if is_berth; then
		assert_output --partial "linux.seccomp.listenerPath"
	fi
}
