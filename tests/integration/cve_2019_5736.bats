#!/usr/bin/env bats
# CVE-2019-5736: a container must never reach the host's runtime binary through
# /proc/<pid>/exe of a runtime process that sits in its namespaces. In the original attack a
# process in the container opened /proc/<pid>/exe of `runc init` (made to re-exec itself via
# a `#!/proc/self/exe` program), waited until no process was running the binary any more
# (ETXTBSY gone), then reopened that fd for writing and replaced the host's runc.
#
# Every test here runs a private copy of the runtime: a successful attack overwrites only that
# copy, never the binary that other tests (or other people) are using.

load helpers

setup() {
	berth_setup
	REAL_BIN=$BERTH_BIN
	# Same base name, so that is_berth still tells berth from a peer runtime.
	mkdir -p "$BATS_TEST_TMPDIR/copy"
	BERTH_BIN=$BATS_TEST_TMPDIR/copy/$(basename "$REAL_BIN")
	cp "$REAL_BIN" "$BERTH_BIN"
	SUM_BEFORE=$(sha256sum <"$BERTH_BIN")
	OUT=$BATS_TEST_TMPDIR/out
	mkdir -p "$OUT"
}

teardown() {
	# The copy may have been clobbered by a successful attack: clean up with the real binary.
	BERTH_BIN=$REAL_BIN
	cleanup_berth
}

# dev_ino PATH: "device:inode" of the file PATH leads to.
dev_ino() {
	stat -L -c '%d:%i' "$1"
}

# assert_binary_intact: the runtime copy still has the bytes it started with.
assert_binary_intact() {
	[[ $(sha256sum <"$BERTH_BIN") == "$SUM_BEFORE" ]] ||
		fail "the runtime binary was modified from inside the container: $(head -c 64 "$BERTH_BIN" | tr -c '[:print:]\n' .)"
}

# try_write_exe PATH: open PATH for writing and write the 4 bytes the binary starts with, so
# that even a write that goes through changes no content. Succeeds if the write went through.
try_write_exe() {
	head -c 4 "$BERTH_BIN" | dd of="$1" conv=notrunc status=none 2>/dev/null
}

# create_sleeper: a created container whose init sits in its namespaces; sets PID.
create_sleeper() {
	setup_bundle sleep 100
	create_container "$ID"
	PID=$(container_pid "$ID")
	[[ -n $PID && -e /proc/$PID/exe ]] || fail "no init process ($PID)"
}

@test "created container: init's /proc/PID/exe refuses writes" {
	create_sleeper
	if try_write_exe "/proc/$PID/exe"; then
		fail "/proc/$PID/exe of the created container could be opened and written"
	fi
	# It is still the runtime, only one that cannot be written through.
	cmp -s "/proc/$PID/exe" "$BERTH_BIN" || fail "/proc/$PID/exe does not hold the runtime's bytes"
	assert_binary_intact
}

# runc 1.1 re-execs itself from a read-only bind mount of its own file: the same inode behind
# a read-only mount. berth promises more: init runs from an inode of its own.
@test "created container: init's /proc/PID/exe is not the host binary's inode" {
	requires_berth
	create_sleeper
	[[ $(dev_ino "/proc/$PID/exe") != "$(dev_ino "$BERTH_BIN")" ]] ||
		fail "/proc/$PID/exe of the created container is the host binary itself ($(dev_ino "$BERTH_BIN"))"
}

# The attack of the CVE, played by the container itself. A startContainer hook runs inside the
# container while init is still the runtime's binary: it opens /proc/1/exe read-only (the
# original used O_PATH) and leaves a detached process that, once init has exec'd the container's
# program and `start` has exited (so nothing runs the binary any more and ETXTBSY is gone),
# reopens that fd for writing and truncates it, as the CVE's exploit did.
@test "CVE-2019-5736: the container cannot overwrite the runtime through /proc/1/exe" {
	# pid 1 lives until the attacker is done (7.5 s at most).
	setup_bundle sh -c 'i=0; while [ ! -e /attack-out/result ] && [ $i -lt 150 ]; do
		sleep 0.05; i=$((i + 1)); done'
	update_config '.mounts += [{destination: "/attack-out", type: "bind", source: $d,
		options: ["rbind", "rw"]}]' --arg d "$OUT"
	update_config '.hooks.startContainer = [{path: "/attack", args: ["/attack"], timeout: 5}]'
	cat >"$BUNDLE/rootfs/attack" <<-'EOF'
		#!/bin/sh
		# Hold init's binary; a runtime may refuse even that (a non-dumpable init).
		exec 3</proc/1/exe || { echo "open /proc/1/exe refused" >/attack-out/result; exit 0; }
		readlink /proc/1/exe >/attack-out/init-exe
		(
			# Keep trying while init and the runtime finish; stop at the first success.
			i=0
			while [ $i -lt 100 ]; do
				if echo pwned 2>>/attack-out/errors >/proc/self/fd/3; then
					echo overwritten >/attack-out/result
					exit 0
				fi
				sleep 0.05
				i=$((i + 1))
			done
			echo "refused: $(tail -n 1 /attack-out/errors)" >/attack-out/result
		) </dev/null >/dev/null 2>&1 &
		exit 0
	EOF
	chmod +x "$BUNDLE/rootfs/attack"

	run_detached "$ID"
	local i
	for ((i = 0; i < 200; i++)); do
		[[ -e $OUT/result ]] && break
		sleep 0.05
	done
	[[ -e $OUT/result ]] || fail "the attacker left no result (errors: $(cat "$OUT/errors" 2>/dev/null))"
	echo "init's exe as the container saw it: $(cat "$OUT/init-exe" 2>/dev/null)"
	echo "attack: $(cat "$OUT/result")"
	assert_binary_intact
	run cat "$OUT/result"
	refute_output overwritten
}
