#!/usr/bin/env bats
# exec: a new process inside a running container — its flags, the namespaces, cgroups, limits and
# security settings it shares with the container, its exit code, signals, races and load.
# Errors are in exec_errors.bats, terminals in exec_tty.bats.

load helpers

setup() {
	berth_setup
}

teardown() {
	cleanup_berth
}

# A container process that stays up until killed (exits 0 on SIGTERM).
SLEEPER=(sh -c 'trap "exit 0" TERM; sleep 1000 & wait')

# bexec ARGS...: `exec ARGS` with a deadline, so that a hanging exec fails the test instead of
# blocking the suite.
bexec() {
	timeout --kill-after=5 30 "$BERTH_BIN" --root "$BERTH_ROOT" exec "$@"
}

# start_sleeper [ID]: a running busybox container ($ID by default) that stays up.
start_sleeper() {
	setup_bundle "${SLEEPER[@]}"
	run_detached "${1:-$ID}"
}

# pid_ns_members INIT_PID: the pids (host view) of every process in INIT_PID's pid namespace,
# with their state letter, sorted.
pid_ns_members() {
	local want pid
	want=$(readlink "/proc/$1/ns/pid")
	for pid in /proc/[0-9]*; do
		[[ $(readlink "$pid/ns/pid" 2>/dev/null) == "$want" ]] || continue
		echo "${pid#/proc/} $(awk '{ sub(/.*\) /, ""); print $1 }' "$pid/stat" 2>/dev/null)"
	done | sort -n
}

@test "exec runs a command in the container and prints its output" {
	start_sleeper
	run bexec "$ID" echo hello from exec
	assert_success
	assert_output "hello from exec"
}

@test "exec --cwd sets the working directory" {
	start_sleeper
	run bexec --cwd /tmp "$ID" pwd
	assert_success
	assert_output /tmp
}

@test "exec runs in the config's cwd by default" {
	setup_bundle "${SLEEPER[@]}"
	update_config '.process.cwd = "/root"'
	run_detached "$ID"
	run bexec "$ID" pwd
	assert_success
	assert_output /root
}

@test "exec --env and -e add variables and keep the container's environment" {
	setup_bundle "${SLEEPER[@]}"
	update_config '.process.env += ["FROM_CONFIG=c1"]'
	run_detached "$ID"
	# runc's CLI refuses the long and short form of one flag in one command line.
	run bexec --env FOO=bar --env "SPACED=a b" "$ID" env
	assert_success
	assert_line FOO=bar
	assert_line "SPACED=a b"
	assert_line FROM_CONFIG=c1
	assert_line --regexp '^PATH=.*/bin'
	run bexec -e SHORT=1 "$ID" env
	assert_success
	assert_line SHORT=1
}

@test "exec --env overrides a variable of the container" {
	setup_bundle "${SLEEPER[@]}"
	update_config '.process.env += ["OVR=old"]'
	run_detached "$ID"
	run bexec -e OVR=new "$ID" sh -c 'echo "OVR=$OVR"'
	assert_success
	assert_output OVR=new
}

@test "exec --user UID:GID and --additional-gids set the ids" {
	start_sleeper
	run bexec --user 1000:1000 "$ID" id
	assert_success
	# No supplementary groups unless asked: runc does not read /etc/group.
	assert_output "uid=1000(user) gid=1000(user)"

	run bexec -u 1000:1000 -g 10 -g 20 "$ID" id
	assert_success
	assert_output "uid=1000(user) gid=1000(user) groups=10,20"

	run bexec -u 1000:1000 --additional-gids 30 "$ID" id
	assert_success
	assert_output "uid=1000(user) gid=1000(user) groups=30"

	# A bare UID takes gid 0, as runc does.
	run bexec -u 65534 "$ID" sh -c 'id -u; id -g'
	assert_success
	assert_equal "${lines[0]}" 65534
	assert_equal "${lines[1]}" 0
}

@test "exec --cap adds a capability to the process's effective set" {
	start_sleeper
	# CAP_SYS_ADMIN is bit 21 (0x200000); the default config does not grant it.
	run bexec "$ID" awk '/^CapEff/ { print $2 }' /proc/self/status
	assert_success
	local before=$output
	(((16#$before & 16#200000) == 0)) || fail "CAP_SYS_ADMIN already effective: $before"

	run bexec --cap CAP_SYS_ADMIN --cap CAP_NET_RAW "$ID" awk '/^Cap(Eff|Bnd)/ { print $2 }' /proc/self/status
	assert_success
	local eff=${lines[0]} bnd=${lines[1]}
	(((16#$eff & 16#200000) != 0)) || fail "CAP_SYS_ADMIN not effective: $eff"
	(((16#$eff & 16#2000) != 0)) || fail "CAP_NET_RAW not effective: $eff"
	(((16#$bnd & 16#200000) != 0)) || fail "CAP_SYS_ADMIN not in the bounding set: $bnd"
	# The caps the container already had are kept.
	(((16#$eff & 16#$before) == 16#$before)) || fail "lost capabilities: $before -> $eff"
}

@test "exec --no-new-privs sets NoNewPrivs for a container without it" {
	setup_bundle "${SLEEPER[@]}"
	update_config '.process.noNewPrivileges = false'
	run_detached "$ID"
	run bexec "$ID" grep NoNewPrivs /proc/self/status
	assert_success
	assert_output --regexp 'NoNewPrivs:\s+0'

	run bexec --no-new-privs "$ID" grep NoNewPrivs /proc/self/status
	assert_success
	assert_output --regexp 'NoNewPrivs:\s+1'
}

@test "exec inherits the container's noNewPrivileges and seccomp filter" {
	setup_bundle "${SLEEPER[@]}"
	# Deny mkdir with EPERM (1): a filter that is easy to see from inside.
	update_config '.process.noNewPrivileges = true |
		.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
			syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO", errnoRet: 1}]}'
	run_detached "$ID"
	# Twice: berth compiles the filter at the first exec and keeps it for the next.
	local i
	for i in 1 2; do
		run bexec "$ID" sh -c 'grep -E "^(NoNewPrivs|Seccomp):" /proc/self/status; mkdir /tmp/x && echo made'
		assert_line --regexp 'NoNewPrivs:\s+1'
		assert_line --regexp 'Seccomp:\s+2'
		refute_line made
		assert_output --partial "Operation not permitted"
	done
}

@test "exec --detach returns at once and --pid-file names a process in the container" {
	start_sleeper
	local pidfile=$BATS_TEST_TMPDIR/exec.pid init
	init=$(container_pid "$ID")
	run_unpiped bexec --detach --pid-file "$pidfile" "$ID" sleep 1000
	assert_success
	assert_output ""
	[[ -s $pidfile ]] || fail "pid file is empty or missing"
	local pid
	pid=$(tr -d '\n' <"$pidfile")
	[[ $pid =~ ^[0-9]+$ ]] || fail "pid file holds '$pid'"
	process_gone "$pid" && fail "exec'd process $pid is not alive"
	assert_equal "$(cat "/proc/$pid/comm")" sleep
	assert_equal "$(readlink "/proc/$pid/ns/pid")" "$(readlink "/proc/$init/ns/pid")"
	assert_equal "$(readlink "/proc/$pid/ns/mnt")" "$(readlink "/proc/$init/ns/mnt")"
}

@test "exec -d with a relative --pid-file writes it relative to the caller's cwd" {
	start_sleeper
	cd "$BATS_TEST_TMPDIR"
	run_unpiped bexec -d --pid-file rel.pid "$ID" sleep 1000
	assert_success
	[[ -s $BATS_TEST_TMPDIR/rel.pid ]] || fail "rel.pid not written in the cwd"
	cd /
}

@test "exec --preserve-fds passes fd 3 to the process" {
	start_sleeper
	echo "through fd 3" >"$BATS_TEST_TMPDIR/fd3"
	run bexec --preserve-fds 1 "$ID" sh -c 'cat <&3' 3<"$BATS_TEST_TMPDIR/fd3"
	assert_success
	assert_output "through fd 3"
}

@test "exec without --preserve-fds does not pass fd 3" {
	start_sleeper
	echo secret >"$BATS_TEST_TMPDIR/fd3"
	run bexec "$ID" sh -c 'cat <&3 || echo no-fd-3' 3<"$BATS_TEST_TMPDIR/fd3"
	refute_output --partial secret
	assert_output --partial no-fd-3
}

@test "exec --process runs a full Process object" {
	start_sleeper
	local pj=$BATS_TEST_TMPDIR/process.json
	# CapEff 0x21 = CAP_CHOWN (0) + CAP_KILL (5).
	cat >"$pj" <<-'EOF'
		{
			"terminal": false,
			"user": {"uid": 0, "gid": 33, "additionalGids": [44, 55]},
			"args": ["sh", "-c", "id; pwd; echo \"PFOO=$PFOO\"; ulimit -Sn; ulimit -Hn; ulimit -Su; ulimit -Hu; grep -E '^(CapEff|NoNewPrivs):' /proc/self/status"],
			"env": ["PATH=/bin:/usr/bin", "PFOO=from-process-json"],
			"cwd": "/tmp",
			"capabilities": {
				"bounding": ["CAP_CHOWN", "CAP_KILL"],
				"effective": ["CAP_CHOWN", "CAP_KILL"],
				"permitted": ["CAP_CHOWN", "CAP_KILL"]
			},
			"rlimits": [{"type": "RLIMIT_NOFILE", "hard": 200, "soft": 100},
				{"type": "RLIMIT_NPROC", "hard": 400, "soft": 300}],
			"noNewPrivileges": true
		}
	EOF
	run bexec --process "$pj" "$ID"
	assert_success
	assert_line --index 0 "uid=0(root) gid=33 groups=44,55"
	assert_line --index 1 /tmp
	assert_line --index 2 PFOO=from-process-json
	# runc 1.1.5 sometimes gives soft = hard for RLIMIT_NOFILE (its Go runtime raises the soft
	# limit after runc applied it): checked for berth only.
	if is_berth; then assert_line --index 3 100; fi
	assert_line --index 4 200
	assert_line --index 5 300
	assert_line --index 6 400
	assert_line --index 7 --regexp '^CapEff:\s+0000000000000021$'
	assert_line --index 8 --regexp '^NoNewPrivs:\s+1$'
}

@test "exec -p is --process and needs no command" {
	start_sleeper
	jq -n '{terminal: false, user: {uid: 0, gid: 0}, args: ["echo", "short-flag"], cwd: "/",
		env: ["PATH=/bin"]}' >"$BATS_TEST_TMPDIR/p.json"
	run bexec -p "$BATS_TEST_TMPDIR/p.json" "$ID"
	assert_success
	assert_output short-flag
}

@test "exec joins every namespace of the container" {
	start_sleeper
	local init ns
	init=$(container_pid "$ID")
	run bexec "$ID" sh -c 'for ns in mnt pid net ipc uts cgroup user; do echo "$ns $(readlink /proc/self/ns/$ns)"; done'
	assert_success
	for ns in mnt pid net ipc uts cgroup user; do
		assert_line "$ns $(readlink "/proc/$init/ns/$ns")"
	done
	# The container has its own namespaces, not the host's (but shares the user namespace).
	for ns in mnt pid net ipc uts; do
		refute_line "$ns $(readlink "/proc/self/ns/$ns")"
	done
}

@test "exec joins the user and cgroup namespaces of a container that has them" {
	setup_bundle "${SLEEPER[@]}"
	update_config '.linux.namespaces += [{type: "user"}, {type: "cgroup"}] |
		.linux.uidMappings = [{containerID: 0, hostID: 0, size: 65536}] |
		.linux.gidMappings = [{containerID: 0, hostID: 0, size: 65536}]'
	run_detached "$ID"
	local init ns
	init=$(container_pid "$ID")
	run bexec "$ID" sh -c 'for ns in mnt pid net ipc uts cgroup user; do echo "$ns $(readlink /proc/self/ns/$ns)"; done'
	assert_success
	for ns in mnt pid net ipc uts cgroup user; do
		assert_line "$ns $(readlink "/proc/$init/ns/$ns")"
	done
	refute_line "user $(readlink /proc/self/ns/user)"
	refute_line "cgroup $(readlink /proc/self/ns/cgroup)"
	run bexec "$ID" cat /proc/self/uid_map
	assert_success
	assert_output --regexp '^ +0 +0 +65536$'
}

@test "exec joins the container's cgroups" {
	start_sleeper
	local init pid
	init=$(container_pid "$ID")
	run_unpiped bexec -d --pid-file "$BATS_TEST_TMPDIR/exec.pid" "$ID" sleep 1000
	assert_success
	pid=$(tr -d '\n' <"$BATS_TEST_TMPDIR/exec.pid")
	# Both read from the host, so the paths are the full ones.
	assert_equal "$(cat "/proc/$pid/cgroup")" "$(cat "/proc/$init/cgroup")"
	# And from inside: the exec'd process sees the same cgroups as init.
	run bexec "$ID" sh -c 'cat /proc/self/cgroup; echo ---; cat /proc/1/cgroup'
	assert_success
	assert_equal "${output%%---*}" "$(printf '%s\n' "${output#*---$'\n'}")"$'\n'
}

@test "exec into a container one task below its pids limit runs its program" {
	# The program is the one new task: neither berth's set-up of it nor a Go runtime's threads
	# may count against pids.max (the kernel checks it at fork, not when a task moves in).
	setup_bundle sleep 1000
	update_config '.linux.resources.pids = {limit: 2}'
	run_detached "$ID"
	run bexec "$ID" echo in-limit
	assert_success
	assert_output in-limit
	# At the limit itself, a fork inside the container fails: the limit is in force.
	run bexec "$ID" sh -c 'true & wait'
	assert_failure
}

@test "an exec through berth init that the pids limit leaves no room for is refused in one line" {
	requires_berth
	# linux.personality is set up by berth init (Go), whose runtime needs a few tasks: refused
	# before anything starts, naming the limit and why init is needed, not a Go crash dump.
	setup_bundle sleep 1000
	update_config '.linux.resources.pids = {limit: 2} | .linux.personality = {domain: "LINUX"}'
	run_detached "$ID"
	run bexec "$ID" echo never
	assert_failure 255
	assert_equal "${#lines[@]}" 1
	assert_output --partial "linux.resources.pids.limit 2 leaves 1 task(s) free"
	assert_output --partial "linux.personality"
	# With room for init, the same exec works.
	berth update --pids-limit 10 "$ID"
	run bexec "$ID" echo works
	assert_success
	assert_output works
}

@test "exec gets the container's rlimits" {
	setup_bundle "${SLEEPER[@]}"
	update_config '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 777, hard: 888},
		{type: "RLIMIT_NPROC", soft: 333, hard: 444}]'
	run_detached "$ID"
	run bexec "$ID" sh -c 'ulimit -Sn; ulimit -Hn; ulimit -Su; ulimit -Hu'
	assert_success
	# runc 1.1.5 may raise the soft RLIMIT_NOFILE to the hard one (see the process.json test).
	if is_berth; then assert_line --index 0 777; fi
	assert_equal "${lines[*]:1}" "888 333 444"
}

@test "exec sees the container's hostname" {
	setup_bundle "${SLEEPER[@]}"
	update_config '.hostname = "exec-host-name"'
	run_detached "$ID"
	run bexec "$ID" hostname
	assert_success
	assert_output exec-host-name
}

@test "exec sees the container's rootfs, not the host's" {
	setup_bundle "${SLEEPER[@]}"
	update_config '.root.readonly = false'
	echo "in the rootfs" >"$BUNDLE/rootfs/marker"
	run_detached "$ID"
	run bexec "$ID" sh -c 'cat /marker; ls /work 2>&1; readlink /proc/self/root; cat /etc/passwd | wc -l'
	assert_success
	assert_line --index 0 "in the rootfs"
	assert_line --index 1 --partial "No such file"
	assert_line --index 2 /
	# The bundle's /etc/passwd has 3 lines.
	assert_line --index 3 3
	# A file the exec'd process writes lands in the rootfs.
	run bexec "$ID" sh -c 'echo written > /tmp/from-exec'
	assert_success
	assert_equal "$(cat "$BUNDLE/rootfs/tmp/from-exec")" written
}

@test "exec returns the process's exit code" {
	start_sleeper
	run bexec "$ID" sh -c 'exit 3'
	assert_failure 3
	run bexec "$ID" true
	assert_success
	run bexec "$ID" sh -c 'exit 255'
	assert_failure 255
}

@test "exec returns 128+N when the process dies of signal N" {
	start_sleeper
	run bexec "$ID" sh -c 'kill -9 $$'
	assert_failure 137
	run bexec "$ID" sh -c 'kill -TERM $$'
	assert_failure 143
	# The container is not affected.
	assert_equal "$(container_status "$ID")" running
}

# exec_forwards SIG CODE: exec in the foreground a shell that exits CODE on SIG, send berth SIG
# once the shell runs, and check that the shell got it.
exec_forwards() {
	local sig=$1 code=$2 out=$BATS_TEST_TMPDIR/fwd.out status=0 exec_pid i
	start_sleeper
	# Not through bexec: timeout(1) would take the signal itself.
	"$BERTH_BIN" --root "$BERTH_ROOT" exec "$ID" \
		sh -c "trap 'echo got-$sig; exit $code' $sig; echo ready; while :; do sleep 0.05; done" \
		</dev/null >"$out" 2>&1 3>&- &
	exec_pid=$!
	echo "$exec_pid" >>"$BERTH_PIDS_FILE"
	for ((i = 0; i < 100; i++)); do
		grep -q ready "$out" && break
		sleep 0.05
	done
	grep -q ready "$out" || fail "the exec'd shell never started: $(cat "$out")"
	# The signals the Go runtime ignores are caught while the process starts: a moment for that.
	sleep 0.1
	kill -"$sig" "$exec_pid"
	for ((i = 0; i < 100; i++)); do
		kill -0 "$exec_pid" 2>/dev/null || break
		sleep 0.05
	done
	kill -0 "$exec_pid" 2>/dev/null && fail "exec still running 5s after $sig: $(cat "$out")"
	wait "$exec_pid" || status=$?
	assert_equal "$status" "$code"
	grep -q "got-$sig" "$out" || fail "the process did not get $sig: $(cat "$out")"
}

@test "exec forwards signals to the process in the foreground" {
	exec_forwards TERM 5
}

@test "exec forwards the signals Go would ignore (SIGUSR1) once the process runs" {
	exec_forwards USR1 6
}

@test "exec racing with the container's exit either works or fails cleanly" {
	setup_bundle sh -c 'sleep 0.2'
	local round i status started out=$BATS_TEST_TMPDIR/race.out ok=0 failed=0 killed=0
	for ((round = 0; round < 3; round++)); do
		local id=$ID-$round
		run_detached "$id"
		# Exec until one meets the stopped container: how many fit in its 0.2 s depends on
		# how fast exec is.
		for ((i = 0; i < 200; i++)); do
			status=0 started=$SECONDS
			bexec "$id" true </dev/null >"$out" 2>&1 3>&- || status=$?
			((SECONDS - started < 25)) || fail "exec hung (status $status): $(cat "$out")"
			case $status in
			0) ok=$((ok + 1)) ;;
			# The process was in the pid namespace when its init died: the kernel killed it.
			137) killed=$((killed + 1)) ;;
			*)
				# runc: 255 and "exec failed: cannot exec in a stopped container" (or, in
				# the narrowest window, "read init-p: connection reset by peer").
				[[ -s $out ]] || fail "exec failed ($status) without a message"
				[[ $status -eq 255 ]] || fail "exec failed with $status, want 255: $(cat "$out")"
				if is_berth; then
					[[ $(wc -l <"$out") -eq 1 ]] || fail "want one line, got: $(cat "$out")"
				fi
				failed=$((failed + 1))
				break
				;;
			esac
		done
		wait_for_status "$id" stopped
		berth delete "$id"
	done
	echo "ok=$ok failed=$failed killed=$killed"
	[[ $failed -gt 0 ]] || fail "no exec ever met a stopped container (ok=$ok)"
	assert_no_leaks
}

@test "50 execs in parallel all return their own exit code and leave nothing" {
	start_sleeper
	local init i pids=() status before after
	init=$(container_pid "$ID")
	before=$(pid_ns_members "$init")
	for ((i = 0; i < 50; i++)); do
		bexec "$ID" sh -c "exit $((i % 7))" </dev/null >"$BATS_TEST_TMPDIR/par.$i" 2>&1 3>&- &
		pids[i]=$!
		echo "${pids[i]}" >>"$BERTH_PIDS_FILE"
	done
	for ((i = 0; i < 50; i++)); do
		status=0
		wait "${pids[i]}" || status=$?
		[[ $status -eq $((i % 7)) ]] ||
			fail "exec $i: status $status, want $((i % 7)): $(cat "$BATS_TEST_TMPDIR/par.$i")"
	done
	after=$(pid_ns_members "$init")
	assert_equal "$after" "$before"
	# Nothing left in the pid namespace but init and its sleep, none a zombie.
	[[ $(wc -l <<<"$after") -eq 2 ]] || fail "pid namespace holds: $after"
	[[ $after != *" Z"* ]] || fail "zombies: $after"
}

@test "an exec'd process holds no fd but its stdio" {
	start_sleeper
	run bexec "$ID" ls /proc/self/fd
	assert_success
	# ls opens the directory itself: one more fd, 3.
	assert_equal "${lines[*]}" "0 1 2 3"
}

@test "/proc/self/exe of an exec'd process is its program" {
	start_sleeper
	run bexec "$ID" readlink /proc/self/exe
	assert_success
	assert_output /bin/busybox
	run bexec "$ID" sh -c 'readlink /proc/1/exe'
	assert_success
	assert_output /bin/busybox
}

@test "no exec'd process can open the runtime's binary for writing" {
	# A CVE-2019-5736 guard: while execs come and go, the container tries to open every
	# /proc/PID/exe it can see for writing (append, so a success changes nothing).
	setup_bundle sh -c 'while :; do for e in /proc/[0-9]*/exe; do
		: 2>/dev/null >>"$e" && echo "WROTE $e $(readlink "$e")" >>/tmp/wrote; done; done'
	run_detached "$ID"
	local before i bin_id
	before=$(sha256sum <"$BERTH_BIN")
	bin_id=$(stat -L -c '%d:%i' "$BERTH_BIN")
	for ((i = 0; i < 20; i++)); do
		bexec "$ID" sh -c ': 2>/dev/null >>/proc/1/exe && echo WROTE-1; stat -L -c "%d:%i" /proc/self/exe' \
			</dev/null >"$BATS_TEST_TMPDIR/exe.$i" 2>&1 3>&- || true
		grep -q WROTE "$BATS_TEST_TMPDIR/exe.$i" && fail "opened /proc/1/exe for writing"
	done
	[[ ! -e $BUNDLE/rootfs/tmp/wrote ]] || fail "wrote to: $(cat "$BUNDLE/rootfs/tmp/wrote")"
	assert_equal "$(sha256sum <"$BERTH_BIN")" "$before"
	grep -qx "$bin_id" "$BATS_TEST_TMPDIR"/exe.* && fail "an exec'd process ran the runtime's binary"
	true
}

@test "exec --pidfd-socket sends a pidfd of the process" {
	requires_berth
	local recvfd=$REPO/.cache/bin/recvfd sock=$BATS_TEST_TMPDIR/pidfd.sock out=$BATS_TEST_TMPDIR/recvfd.out
	[[ -x $recvfd ]] || fail "$recvfd is missing: run make test-helpers"
	start_sleeper
	timeout 20 "$recvfd" "$sock" >"$out" 2>&1 3>&- &
	local recv_pid=$! i
	echo "$recv_pid" >>"$BERTH_PIDS_FILE"
	for ((i = 0; i < 100; i++)); do
		[[ -S $sock ]] && break
		sleep 0.05
	done
	run_unpiped bexec -d --pid-file "$BATS_TEST_TMPDIR/exec.pid" --pidfd-socket "$sock" "$ID" sleep 1000
	assert_success
	wait "$recv_pid" || fail "recvfd failed: $(cat "$out")"
	assert_equal "$(sed -n 1p "$out")" "anon_inode:[pidfd]"
	assert_equal "$(sed -n 2p "$out")" "pid $(tr -d '\n' <"$BATS_TEST_TMPDIR/exec.pid")"
}

@test "exec --cgroup puts the process in a sub-cgroup" {
	setup_bundle "${SLEEPER[@]}"
	run_detached "$ID"
	local init rel
	init=$(container_pid "$ID")
	rel=$(awk -F: '$2 == "pids" { print $3 }' "/proc/$init/cgroup")
	mkdir "/sys/fs/cgroup/pids$rel/sub"
	run bexec --cgroup pids:sub "$ID" sh -c 'grep ":pids:" /proc/self/cgroup'
	assert_success
	assert_output --regexp ':pids:.*/sub$'
	# delete must remove the sub-cgroup too; it is empty again now.
	berth delete --force "$ID"
	rmdir "/sys/fs/cgroup/pids$rel/sub" 2>/dev/null || true
}
