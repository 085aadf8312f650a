#!/usr/bin/env bash
# bench.sh: time berth, runc and crun on a busybox container: run, create/start/delete, exec,
# peak RSS, throughput, and optionally list/state/exec/run with many live containers.
#
# Method: one bundle (config from `runc spec`, the one all three accept, args ["/bin/true"]);
# ROUNDS rounds (default 50) after WARMUP rounds (default 3); in each round every runtime runs
# once, in an order that rotates, so that drift of the machine hits all of them alike. Each
# runtime has its own --root under a temp dir and a new container ID each round. Timed, each as
# median and p90 of the wall time in ms, with berth's median over the others':
#   - `RUNTIME run` of /bin/true, and beside the runtimes the floor: scripts/bench/floor.c, compiled
#     here with gcc, doing only the kernel work of that run (namespaces, v1 cgroups, mounts,
#     pivot_root, execve; its comment says what exactly);
#   - `RUNTIME create`, `start` and `delete` one by one (delete once the process has exited; the
#     wait for that is not timed);
#   - `RUNTIME exec` of /bin/true into one running container per runtime.
# Then berth's per-phase medians of run and exec, from the `phase=... duration=...` records of
# PHASE_RUNS (default 10) more runs and execs with --debug --log-format json, which are not timed.
# Then the peak RSS ("Maximum resident set size" of /usr/bin/time -v) of one run and one exec per
# runtime, berth's binary size, and the throughput of THROUGHPUT_N (default 100) runs back to back
# and in 2 parallel streams of half as many each, in containers/s.
#
# With BENCH_SCALE=1, the scale run: per runtime, SCALE_BASE (default 10) and then SCALE_N (default
# 1000) live containers under one --root, and at each count the median of SCALE_REPEAT (default 9)
# timings of `list`, `state`, `exec` of /bin/true and `run` of one more, and the number of
# file-system syscalls (strace) of one more of each; then each at SCALE_N over that at SCALE_BASE,
# the times against issue 10's target of 1.2, the syscall counts as the noise-free check for O(n).
# Beside them, the floor's run timed next to the same live containers (what the kernel's own cost
# does with them), and berth's per-phase medians of run at both sizes.
# Slow (some minutes: SCALE_N containers per runtime); every container is deleted afterwards, on
# Ctrl-C too.
#
# All results, with the samples of the timed rounds, go to a JSON file under .cache/bench/ (path
# printed at the end) beside the tables, and a PNG beside it plots the latency distributions of
# run, exec, create, start and delete per runtime (gnuplot, scripts/bench/plot.gp).
#
# crun 1.8 refuses this hybrid-cgroup host while cgroup2 still offers a controller (hugetlb), so
# hugetlb is bound to a v1 hierarchy for the duration (and unbound afterwards); if that cannot be
# done, crun runs with --cgroup-manager=disabled and the output says so.
#
# Environment: BERTH_BIN (default ./berth), ROUNDS, WARMUP, THROUGHPUT_N, PHASE_RUNS, BENCH_SCALE,
# SCALE_N, SCALE_BASE, SCALE_REPEAT. Leaves nothing behind.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BERTH_BIN=${BERTH_BIN:-$REPO/berth}
ROUNDS=${ROUNDS:-50}
WARMUP=${WARMUP:-3}
THROUGHPUT_N=${THROUGHPUT_N:-100}
BENCH_SCALE=${BENCH_SCALE:-}
SCALE_N=${SCALE_N:-1000}
SCALE_BASE=${SCALE_BASE:-10}
SCALE_REPEAT=${SCALE_REPEAT:-9}
PHASE_RUNS=${PHASE_RUNS:-10}

RUNTIMES=(berth runc crun)
declare -A BIN=([berth]=$BERTH_BIN [runc]=/usr/sbin/runc [crun]=/usr/bin/crun)
declare -A EXTRA=([berth]="" [runc]="" [crun]="")
WORK=""
HUGETLB_BOUND=""
declare -A SCALE_MED=() SCALE_SYS=() # "RUNTIME,COUNT,OP" -> median ms, syscalls in the scale run

# runtime RT ARGS...: RT's binary with its extra flags and its own --root.
runtime() {
	local rt=$1
	shift
	if [[ -n ${EXTRA[$rt]} ]]; then
		"${BIN[$rt]}" "${EXTRA[$rt]}" --root "$WORK/root-$rt" "$@"
	else
		"${BIN[$rt]}" --root "$WORK/root-$rt" "$@"
	fi
}

# delete_all RUNTIME: force-delete every container under RUNTIME's --root, two at a time.
delete_all() {
	local rt=$1
	[[ -d $WORK/root-$rt ]] || return 0
	find "$WORK/root-$rt" -mindepth 1 -maxdepth 1 -type d -printf '%f\0' |
		xargs -0 -r -P 2 -n 1 "${BIN[$rt]}" ${EXTRA[$rt]:+"${EXTRA[$rt]}"} --root "$WORK/root-$rt" \
			delete --force >/dev/null 2>&1 || true
}

cleanup() {
	local rt
	wait # for throughput streams still running, so that their last containers are deleted too
	if [[ -n $WORK ]]; then
		for rt in "${RUNTIMES[@]}"; do
			delete_all "$rt"
		done
		rm -rf "$WORK"
	fi
	unbind_hugetlb
}
trap cleanup EXIT
# With a trap set, bash acts on the signal only once the runtime it waits for returns, so a
# container being created at that moment is on disk by the time cleanup looks for it.
trap 'exit 130' INT
trap 'exit 143' TERM

# bind_hugetlb: move cgroup2's leftover hugetlb controller to a v1 hierarchy, so crun accepts the
# host. Does nothing when cgroup2 offers no controller or hugetlb is already bound.
bind_hugetlb() {
	local controllers=/sys/fs/cgroup/unified/cgroup.controllers
	[[ -n $(cat "$controllers" 2>/dev/null) ]] || return 0
	mountpoint -q /sys/fs/cgroup/hugetlb 2>/dev/null && return 0
	mkdir -p /sys/fs/cgroup/hugetlb 2>/dev/null || return 1
	if mount -t cgroup -o hugetlb cgroup /sys/fs/cgroup/hugetlb 2>/dev/null; then
		HUGETLB_BOUND=1
		return 0
	fi
	rmdir /sys/fs/cgroup/hugetlb 2>/dev/null || true
	return 1
}

unbind_hugetlb() {
	[[ -n $HUGETLB_BOUND ]] || return 0
	umount /sys/fs/cgroup/hugetlb 2>/dev/null || umount -l /sys/fs/cgroup/hugetlb || true
	rmdir /sys/fs/cgroup/hugetlb 2>/dev/null || true
	HUGETLB_BOUND=""
	# The kernel keeps a v1 hierarchy alive while any css_set that existed during the mount still
	# refers to it (PID 1's does, for ever), so hugetlb does not go back to cgroup2 until reboot.
	[[ -n $(cat /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null) ]] ||
		echo "note: mount undone, but the kernel keeps hugetlb off cgroup2 until reboot"
}

# timed RUNTIME ARGS...: one `RUNTIME ARGS...`; prints its wall time in microseconds.
timed() {
	local rt=$1 t0 t1 err="$WORK/err-$1-$BASHPID" # per process: throughput runs streams in parallel
	shift
	t0=${EPOCHREALTIME/./}
	runtime "$rt" "$@" </dev/null >/dev/null 2>"$err" || {
		echo "bench: $rt $1 failed: $(cat "$err")" >&2
		return 1
	}
	t1=${EPOCHREALTIME/./}
	echo $((t1 - t0))
}

# result RUNTIME KEY VALUE: note one result for the JSON file; KEY is a dotted path.
result() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$WORK/results.tsv"; }

# sample OP RUNTIME ROUND MICROSECONDS: keep one timing of OP unless ROUND is a warm-up round.
sample() {
	[[ -n $4 ]] || return 1
	(($3 < WARMUP)) || echo "$4" >>"$WORK/$1-$2"
}

# interleave ROUND_FUNC: WARMUP + ROUNDS rounds of `ROUND_FUNC RUNTIME ROUND` for every runtime,
# in an order that rotates each round.
interleave() {
	local fn=$1 round i n=${#RUNTIMES[@]}
	for ((round = 0; round < WARMUP + ROUNDS; round++)); do
		for ((i = 0; i < n; i++)); do
			"$fn" "${RUNTIMES[(round + i) % n]}" "$round"
		done
	done
}

# run_once RUNTIME ID: one `run` of the bundle.
run_once() { timed "$1" run --bundle "$WORK/bundle" "$2"; }

# exec_once RUNTIME ID: one `exec ID /bin/true` into a running container.
exec_once() { timed "$1" exec "$2" /bin/true; }

# run_round RUNTIME ROUND: one timed `run` of /bin/true.
run_round() { sample run "$1" "$2" "$(run_once "$1" "r$2-$1")"; }

# exec_round RUNTIME ROUND: one timed `exec` into RUNTIME's running container.
exec_round() { sample exec "$1" "$2" "$(exec_once "$1" "exec-$1")"; }

# lifecycle_round RUNTIME ROUND: create, start and delete of one container, each timed on its
# own; the wait for /bin/true to exit between start and delete is not timed.
lifecycle_round() {
	local rt=$1 round=$2 id="l$2-$1"
	sample create "$rt" "$round" "$(timed "$rt" create --bundle "$WORK/bundle" "$id")"
	sample start "$rt" "$round" "$(timed "$rt" start "$id")"
	wait_stopped "$rt" "$id"
	sample delete "$rt" "$round" "$(timed "$rt" delete "$id")"
}

# wait_stopped RUNTIME ID: wait (up to 5 s) until the container's state says stopped.
wait_stopped() {
	local i
	for ((i = 0; i < 500; i++)); do
		runtime "$1" state "$2" 2>/dev/null | grep -q '"status": *"stopped"' && return 0
		sleep 0.01
	done
	echo "bench: $1 container $2 did not stop" >&2
	return 1
}

# stats FILE: "median p90" in ms of the microsecond samples in FILE.
stats() {
	sort -n "$1" | awk '{ v[NR] = $1 }
		function pct(p,  i) { i = int(p * NR + 0.999999); if (i < 1) i = 1; return v[i] / 1000 }
		END { printf "%.2f %.2f\n", pct(0.5), pct(0.9) }'
}

# ratios WHAT OP: berth's median over each other runtime's, for the samples of OP.
ratios() {
	local what=$1 op=$2 rt b
	b=$(stats "$WORK/$op-berth" | cut -d' ' -f1)
	for rt in "${RUNTIMES[@]}"; do
		[[ $rt == berth ]] && continue
		awk -v a="$b" -v b="$(stats "$WORK/$op-$rt" | cut -d' ' -f1)" -v r="$rt" -v w="$what" \
			'BEGIN { printf "berth/%s%s (median): %.2f\n", r, w, a / b }'
	done
}

# report_timings OP...: a table of median and p90 per runtime and OP, berth's ratios, and the
# numbers noted for the JSON file.
report_timings() {
	local op rt med p90
	printf '\n%-6s %-8s %10s %10s\n' runtime op median_ms p90_ms
	for op in "$@"; do
		for rt in "${RUNTIMES[@]}"; do
			read -r med p90 < <(stats "$WORK/$op-$rt")
			printf '%-6s %-8s %10s %10s\n' "$rt" "$op" "$med" "$p90"
			result "$rt" "$op.median_ms" "$med"
			result "$rt" "$op.p90_ms" "$p90"
			result "$rt" "$op.samples_ms" "$(awk '{ printf "%s%.3f", (NR > 1 ? "," : "["), $1 / 1000 }
				END { print "]" }' "$WORK/$op-$rt")"
		done
	done
	for op in "$@"; do
		ratios " $op" "$op"
	done
}

# build_floor: compile scripts/bench/floor.c, the kernel work of `run` alone, to time beside the
# runtimes as "floor". Without gcc the floor is left out.
build_floor() {
	if gcc -O2 -Wall -o "$WORK/floor" "$REPO/scripts/bench/floor.c" 2>"$WORK/err-floor" &&
		"$WORK/floor" run --bundle "$WORK/bundle" probe-floor 2>>"$WORK/err-floor"; then
		BIN[floor]=$WORK/floor
		EXTRA[floor]=""
		return 0
	fi
	echo "bench: the floor could not be built or run, leaving it out: $(cat "$WORK/err-floor")" >&2
}

# bench_run: `run` of /bin/true, interleaved, with the floor among the runtimes when built.
bench_run() {
	local -a RUNTIMES=("${RUNTIMES[@]}") # the floor does `run` only: add it for this part alone
	[[ -z ${BIN[floor]:-} ]] || RUNTIMES+=(floor)
	echo "timing '<runtime> run' of /bin/true (busybox bundle, config from runc spec):"
	echo "$WARMUP warm-up + $ROUNDS rounds, the runtimes interleaved in a rotating order"
	[[ -z ${BIN[floor]:-} ]] || echo "floor: scripts/bench/floor.c, the same kernel work in C (see there)"
	interleave run_round
	report_timings run
}

# bench_lifecycle: create, start and delete timed one by one, interleaved.
bench_lifecycle() {
	printf '\ntiming create, start and delete of a /bin/true container, one by one:\n'
	interleave lifecycle_round
	report_timings create start delete
}

# start_sleepers: one running container per runtime, "exec-RUNTIME", to exec into.
start_sleepers() {
	local rt
	for rt in "${RUNTIMES[@]}"; do
		runtime "$rt" run -d --bundle "$WORK/sleeper" "exec-$rt" </dev/null >/dev/null 2>&1 ||
			{ echo "bench: $rt run -d failed" >&2; return 1; }
	done
}

# bench_exec: `exec` of /bin/true into one running container per runtime, interleaved.
bench_exec() {
	printf '\ntiming <runtime> exec of /bin/true into a running container:\n'
	interleave exec_round
	report_timings exec
}

# debug_once LOG ARGS...: one untimed `berth --debug ARGS...`, its JSON log records appended to LOG.
debug_once() {
	local log=$1
	shift
	"$BERTH_BIN" --root "$WORK/root-berth" --debug --log-format json --log "$log" "$@" \
		</dev/null >/dev/null 2>>"$WORK/err-phases" ||
		{ echo "bench: berth --debug $1 failed: $(cat "$WORK/err-phases")" >&2; return 1; }
}

# phase_medians LOG: one line per phase found in LOG, "WHO.PHASE median_ms count what
# median_peak_rss_kib", WHO being the record's op (host side: create, start, ...) or src (init,
# nsenter), in the order first logged (a record is written when its phase ends; init's are
# relayed by the host, so their times are not theirs). Phases nest (create.init spans the init.*
# ones): they do not add up to the total. The peak RSS is that of the process that logged the
# phase (berth, berth init or nsenter) by the phase's end; "-" where a record has none.
phase_medians() {
	jq -rs '[.[] | select(.phase != null and .duration != null)
			| {k: ((.op // .src // "?") + "." + .phase), d: .duration, m: .msg, r: .maxrss}] as $r
		| reduce ($r[] | .k) as $k ([]; if index([$k]) then . else . + [$k] end)
		| .[] as $k | [$r[] | select(.k == $k)] as $g | ($g | map(.d) | sort) as $d
		| ($g | map(.r // empty) | sort) as $m
		| [$k, ($d[(($d | length) - 1) / 2 | floor] / 1e6 * 1000 | round / 1000), ($d | length), $g[0].m,
			(if ($m | length) > 0 then $m[(($m | length) - 1) / 2 | floor] else "-" end)]
		| @tsv' "$1"
}

# report_phases OP TOTAL_OP LOG: berth's per-phase medians of OP from LOG beside the median total
# of the timed TOTAL_OP rounds, printed and noted as berth.phases.OP.WHO.PHASE in ms.
report_phases() {
	local op=$1 total key ms count what
	total=$(stats "$WORK/$2-berth" | cut -d' ' -f1)
	printf '\nberth %s per phase (medians of %d untimed --debug runs; timed total median %s ms):\n' \
		"$op" "$PHASE_RUNS" "$total"
	printf '%-22s %9s %12s  %s\n' phase median_ms peak_rss_kib what
	while IFS=$'\t' read -r key ms count what rss; do
		printf '%-22s %9s %12s  %s\n' "$key" "$ms" "$rss" "$what"
		result berth "phases.$op.$key" "$ms"
		[[ $rss == - ]] || result berth "phases_peak_rss_kib.$op.$key" "$rss"
	done < <(phase_medians "$3")
}

# bench_phases: berth's per-phase medians of PHASE_RUNS runs and execs with --debug (not timed:
# the totals above come from the runs without it).
bench_phases() {
	local i
	for ((i = 0; i < PHASE_RUNS; i++)); do
		debug_once "$WORK/phases-run.json" run --bundle "$WORK/bundle" "p$i"
		debug_once "$WORK/phases-exec.json" exec exec-berth /bin/true
	done
	report_phases run run "$WORK/phases-run.json"
	report_phases exec exec "$WORK/phases-exec.json"
}

# peak_rss RUNTIME ARGS...: "Maximum resident set size" in KiB of `RUNTIME ARGS...` under
# /usr/bin/time -v.
peak_rss() {
	local rt=$1
	shift
	/usr/bin/time -v "${BIN[$rt]}" ${EXTRA[$rt]:+"${EXTRA[$rt]}"} --root "$WORK/root-$rt" "$@" \
		</dev/null >/dev/null 2>"$WORK/time-$rt" || true
	awk -F': ' '/Maximum resident set size/ { print $2 }' "$WORK/time-$rt"
}

# report_memory: peak RSS of one run and one exec per runtime, and berth's binary size.
report_memory() {
	local rt run_kib exec_kib size
	printf '\n%-6s %18s %18s\n' runtime run_peak_rss_kib exec_peak_rss_kib
	for rt in "${RUNTIMES[@]}"; do
		run_kib=$(peak_rss "$rt" run --bundle "$WORK/bundle" "rss-$rt")
		exec_kib=$(peak_rss "$rt" exec "exec-$rt" /bin/true)
		printf '%-6s %18s %18s\n' "$rt" "$run_kib" "$exec_kib"
		result "$rt" run.peak_rss_kib "$run_kib"
		result "$rt" exec.peak_rss_kib "$exec_kib"
	done
	size=$(stat -L -c %s "$BERTH_BIN")
	echo "berth binary: $size bytes ($BERTH_BIN)"
	result berth binary_bytes "$size"
}

# run_stream RUNTIME PREFIX COUNT: COUNT runs of /bin/true back to back.
run_stream() {
	local i
	for ((i = 0; i < $3; i++)); do
		run_once "$1" "$2-$i" >/dev/null
	done
}

# per_second COUNT MICROSECONDS: COUNT over the time, per second.
per_second() { awk -v n="$1" -v us="$2" 'BEGIN { printf "%.1f\n", n * 1e6 / us }'; }

# throughput RUNTIME STREAMS: containers/s of THROUGHPUT_N runs split over STREAMS parallel streams.
throughput() {
	local rt=$1 streams=$2 s t0 t1 fail=0 pids=()
	t0=${EPOCHREALTIME/./}
	for ((s = 0; s < streams; s++)); do
		run_stream "$rt" "t$streams-$s-$rt" $((THROUGHPUT_N / streams)) &
		pids+=($!)
	done
	for s in "${pids[@]}"; do
		wait "$s" || fail=1
	done
	t1=${EPOCHREALTIME/./}
	((fail == 0)) || return 1
	per_second $((THROUGHPUT_N / streams * streams)) $((t1 - t0))
}

# bench_throughput: serial and 2-stream throughput per runtime.
bench_throughput() {
	local rt serial parallel
	printf '\nthroughput of %d runs of /bin/true (containers/s):\n' "$THROUGHPUT_N"
	printf '%-6s %10s %14s\n' runtime serial 2_streams
	for rt in "${RUNTIMES[@]}"; do
		serial=$(throughput "$rt" 1)
		parallel=$(throughput "$rt" 2)
		printf '%-6s %10s %14s\n' "$rt" "$serial" "$parallel"
		result "$rt" throughput.serial_per_s "$serial"
		result "$rt" throughput.parallel2_per_s "$parallel"
	done
}

# fill_to RUNTIME COUNT: start sleepers "s-RUNTIME-I" until RUNTIME has COUNT live containers.
fill_to() {
	local rt=$1 count=$2 have
	have=$(find "$WORK/root-$rt" -mindepth 1 -maxdepth 1 -type d | wc -l)
	for ((; have < count; have++)); do
		runtime "$rt" run -d --bundle "$WORK/sleeper" "s-$rt-$have" </dev/null >/dev/null 2>&1 ||
			{ echo "bench: $rt run -d of container $have failed" >&2; return 1; }
	done
}

# median_of REPEAT CMD...: the median in ms of REPEAT timings of CMD (which prints microseconds).
median_of() {
	local n=$1 i
	shift
	for ((i = 0; i < n; i++)); do
		"$@"
	done >"$WORK/scale-samples"
	stats "$WORK/scale-samples" | cut -d' ' -f1
}

# syscalls RUNTIME ARGS...: how many file-system syscalls (strace's %file class and getdents64,
# over all its processes) one untimed `RUNTIME ARGS...` makes. Unlike a time, the count is not
# blurred by a busy machine: one that grows with the number of live containers is an O(n) scan.
syscalls() {
	local rt=$1
	shift
	strace -f -qq -e signal=none -e trace=%file,getdents64 -o "$WORK/strace" \
		"${BIN[$rt]}" ${EXTRA[$rt]:+"${EXTRA[$rt]}"} --root "$WORK/root-$rt" "$@" \
		</dev/null >/dev/null 2>&1 || true
	wc -l <"$WORK/strace"
}

# scale_point RUNTIME COUNT: with COUNT live containers, the medians of list, state, exec and run,
# and the syscall count of one more of each.
scale_point() {
	local rt=$1 count=$2 op
	local -A med sys
	fill_to "$rt" "$count"
	med[list]=$(median_of "$SCALE_REPEAT" timed "$rt" list)
	med[state]=$(median_of "$SCALE_REPEAT" timed "$rt" state "s-$rt-0")
	med[exec]=$(median_of "$SCALE_REPEAT" timed "$rt" exec "s-$rt-0" /bin/true)
	SCALE_RUNS=0
	med[run]=$(median_of "$SCALE_REPEAT" scale_run_once "$rt" "$count")
	sys[list]=$(syscalls "$rt" list)
	sys[state]=$(syscalls "$rt" state "s-$rt-0")
	sys[exec]=$(syscalls "$rt" exec "s-$rt-0" /bin/true)
	sys[run]=$(syscalls "$rt" run --bundle "$WORK/bundle" "x$count-sys-$rt")
	med[floor]=-
	[[ -z ${BIN[floor]:-} ]] ||
		med[floor]=$(median_of "$SCALE_REPEAT" timed floor run --bundle "$WORK/bundle" "x$count-$rt")
	[[ $rt != berth ]] || scale_phases "$count"
	printf '%-6s %7s %9s %9s %9s %9s %9s   %7s %7s %7s %7s\n' "$rt" "$count" "${med[list]}" \
		"${med[state]}" "${med[exec]}" "${med[run]}" "${med[floor]}" "${sys[list]}" "${sys[state]}" \
		"${sys[exec]}" "${sys[run]}"
	for op in list state exec run floor; do
		[[ ${med[$op]} != - ]] || continue
		result "$rt" "scale.live_$count.${op}_median_ms" "${med[$op]}"
		SCALE_MED[$rt,$count,$op]=${med[$op]}
		[[ $op != floor ]] || continue
		result "$rt" "scale.live_$count.${op}_syscalls" "${sys[$op]}"
		SCALE_SYS[$rt,$count,$op]=${sys[$op]}
	done
}

# ratio A B: A / B to two decimals.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

# scale_ratios RUNTIME: each op's median with SCALE_N live over that with SCALE_BASE live, against
# the target of issue 10 (<= 1.2), and the same ratio of the syscall counts; printed and noted as
# scale.ratio.OP, scale.syscall_ratio.OP and scale.ratio_met.
scale_ratios() {
	local rt=$1 op r times="" counts="" met=true
	for op in list state exec run; do
		r=$(ratio "${SCALE_MED[$rt,$SCALE_N,$op]}" "${SCALE_MED[$rt,$SCALE_BASE,$op]}")
		result "$rt" "scale.ratio.$op" "$r"
		times+=$(printf ' %9s' "$r")
		awk -v r="$r" 'BEGIN { exit !(r <= 1.2) }' || met=false
		r=$(ratio "${SCALE_SYS[$rt,$SCALE_N,$op]}" "${SCALE_SYS[$rt,$SCALE_BASE,$op]}")
		result "$rt" "scale.syscall_ratio.$op" "$r"
		counts+=$(printf ' %7s' "$r")
	done
	r=-
	if [[ -n ${SCALE_MED[$rt,$SCALE_N,floor]:-} ]]; then
		r=$(ratio "${SCALE_MED[$rt,$SCALE_N,floor]}" "${SCALE_MED[$rt,$SCALE_BASE,floor]}")
		result "$rt" scale.ratio.floor "$r"
	fi
	result "$rt" scale.ratio_met "$met"
	printf '%-6s %7s%s %9s  %s  time <= 1.2: %s\n' "$rt" ratio "$times" "$r" "$counts" \
		"$([[ $met == true ]] && echo met || echo "not met")"
}

# scale_phases COUNT: SCALE_REPEAT untimed `berth --debug run`s next to COUNT live containers, for
# report_scale_phases.
scale_phases() {
	local i
	for ((i = 0; i < SCALE_REPEAT; i++)); do
		debug_once "$WORK/phases-scale-$1.json" run --bundle "$WORK/bundle" "xp$1-$i"
	done
}

# report_scale_phases: berth's per-phase medians of run with SCALE_BASE and with SCALE_N live
# containers side by side, to show which phase grows (noted as berth.scale.phases.WHO.PHASE).
report_scale_phases() {
	[[ -s $WORK/phases-scale-$SCALE_N.json ]] || return 0
	printf '\nberth run per phase with %s and %s live containers (medians of %d --debug runs, ms):\n' \
		"$SCALE_BASE" "$SCALE_N" "$SCALE_REPEAT"
	printf '%-22s %9s %9s %7s\n' phase "$SCALE_BASE" "$SCALE_N" ratio
	awk -F'\t' 'NR == FNR { base[$1] = $2; next }
		($1 in base) { printf "%-22s %9s %9s %7.2f\n", $1, base[$1], $2, (base[$1] > 0 ? $2 / base[$1] : 0) }' \
		<(phase_medians "$WORK/phases-scale-$SCALE_BASE.json") \
		<(phase_medians "$WORK/phases-scale-$SCALE_N.json") | tee "$WORK/scale-phases"
	while read -r key base n _; do
		result berth "scale.phases.$key.live_$SCALE_BASE" "$base"
		result berth "scale.phases.$key.live_$SCALE_N" "$n"
	done <"$WORK/scale-phases"
}

# scale_run_once RUNTIME COUNT: one timed `run` of /bin/true next to COUNT live containers.
scale_run_once() {
	SCALE_RUNS=$((SCALE_RUNS + 1))
	run_once "$1" "x$2-$SCALE_RUNS-$1"
}

# bench_scale: list, state, exec and run with SCALE_BASE and then SCALE_N live containers, one
# runtime at a time (all its containers deleted before the next).
bench_scale() {
	local rt
	printf '\nscale: medians of %d timings in ms with N live containers under one --root:\n' "$SCALE_REPEAT"
	printf '%31s %44s\n' "median ms" "file-system syscalls"
	printf '%-6s %7s %9s %9s %9s %9s %9s   %7s %7s %7s %7s\n' runtime live list state exec run \
		floor list state exec run
	for rt in "${RUNTIMES[@]}"; do
		delete_all "$rt"
		scale_point "$rt" "$SCALE_BASE"
		scale_point "$rt" "$SCALE_N"
		scale_ratios "$rt"
		delete_all "$rt"
	done
	report_scale_phases
}

# write_json FILE: all results noted with `result`, nested by runtime and dotted key; values that
# parse as JSON (numbers, the sample arrays) go in as such, the others as strings.
write_json() {
	jq -Rn '[inputs | split("\t")]
		| reduce .[] as $l ({}; setpath([$l[0]] + ($l[1] | split(".")); (try ($l[2] | fromjson) catch $l[2])))' \
		<"$WORK/results.tsv" >"$1"
}

# plot_latencies PNG: the CDF of each runtime's samples per operation, drawn by scripts/bench/plot.gp.
plot_latencies() {
	local png=$1 op rt f args=() ops=()
	for op in run exec create start delete; do
		local rts=()
		for rt in "${RUNTIMES[@]}" floor; do
			f=$WORK/$op-$rt
			[[ -s $f ]] || continue
			sort -n "$f" | awk -v n="$(wc -l <"$f")" '{ printf "%.3f %.4f\n", $1 / 1000, NR / n }' \
				>"$WORK/cdf-$op-$rt"
			rts+=("$rt")
		done
		((${#rts[@]} > 0)) || continue
		ops+=("$op")
		args+=(-e "rts_$op='${rts[*]}'")
	done
	gnuplot -e "out='$png'; dir='$WORK'; ops='${ops[*]}'" \
		-e "heading='make bench $(date -u +%Y-%m-%d), ROUNDS=$ROUNDS, $(nproc) CPUs: latency distributions'" \
		"${args[@]}" "$REPO/scripts/bench/plot.gp" 2>"$WORK/err-plot" ||
		{ echo "bench: no plot: $(cat "$WORK/err-plot")" >&2; return 1; }
}

# prepare_crun: make crun usable on this host, or fall back to running it without cgroups.
prepare_crun() {
	if bind_hugetlb && run_once crun probe-crun >/dev/null 2>&1; then
		if [[ -n $HUGETLB_BOUND ]]; then
			echo "note: bound cgroup2's hugetlb controller to a v1 hierarchy for crun (unmounted at exit)"
		fi
		return 0
	fi
	unbind_hugetlb
	EXTRA[crun]="--cgroup-manager=disabled"
	if run_once crun probe-crun >/dev/null; then
		echo "NOTE: crun runs with --cgroup-manager=disabled (no cgroups): its times are not like for like"
		return 0
	fi
	echo "bench: crun cannot run here; leaving it out" >&2
	RUNTIMES=(berth runc)
}

# note_setup: the method and the machine, for the JSON file.
note_setup() {
	local rt
	result meta rounds "$ROUNDS"
	result meta warmup "$WARMUP"
	result meta throughput_n "$THROUGHPUT_N"
	result meta phase_runs "$PHASE_RUNS"
	if [[ -n $BENCH_SCALE ]]; then
		result meta scale_n "$SCALE_N"
		result meta scale_base "$SCALE_BASE"
		result meta scale_repeat "$SCALE_REPEAT"
	fi
	result meta date "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
	result meta kernel "$(uname -r)"
	result meta cpus "$(nproc)"
	result meta crun_flags "${EXTRA[crun]}"
	for rt in "${RUNTIMES[@]}"; do
		result "$rt" version "$("${BIN[$rt]}" --version 2>/dev/null | head -1)"
	done
}

main() {
	[[ $(id -u) -eq 0 ]] || { echo "bench: needs root" >&2; exit 1; }
	bash "$REPO/scripts/install-deps.sh" runc crun time gnuplot-nox
	[[ -x $BERTH_BIN ]] || { echo "bench: $BERTH_BIN not built (make berth)" >&2; exit 1; }
	command -v jq >/dev/null || { echo "bench: needs jq" >&2; exit 1; }

	WORK=$(mktemp -d /tmp/berth-bench.XXXXXX)
	# berth runs from an installed copy, as runc and crun run from their packages: a binary just
	# written by the linker is cached in a layout that maps ~2 MB more into every process (peak
	# RSS of the same run: 12.0 MB fresh from the linker, 10.1 MB copied or re-read).
	install -D -m 0755 "$BERTH_BIN" "$WORK/bin/berth"
	BERTH_BIN=$WORK/bin/berth
	BIN[berth]=$BERTH_BIN
	BERTH_BIN=/usr/sbin/runc bash "$REPO/scripts/mkbundle.sh" "$WORK/bundle" /bin/true
	BERTH_BIN=/usr/sbin/runc bash "$REPO/scripts/mkbundle.sh" "$WORK/sleeper" sleep 100000 >/dev/null
	prepare_crun
	build_floor
	note_setup

	bench_run
	bench_lifecycle
	start_sleepers
	bench_exec
	bench_phases
	report_memory
	for rt in "${RUNTIMES[@]}"; do delete_all "$rt"; done
	bench_throughput
	[[ -z $BENCH_SCALE ]] || bench_scale

	local out
	out=$REPO/.cache/bench/bench-$(date -u +%Y%m%dT%H%M%SZ).json
	mkdir -p "${out%/*}"
	write_json "$out"
	printf '\nresults: %s\n' "$out"
	if plot_latencies "${out%.json}.png"; then
		printf 'plot: %s\n' "${out%.json}.png"
	fi
}

main "$@"
