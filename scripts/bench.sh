#!/usr/bin/env bash
# bench.sh: time `run` of /bin/true in a busybox container for berth, runc and crun.
#
# Method: one bundle (config from `runc spec`, the one all three accept, args ["/bin/true"]);
# ROUNDS rounds (default 50) after WARMUP rounds (default 3); in each round every runtime runs
# once, in an order that rotates, so that drift of the machine hits all of them alike. Each
# runtime has its own --root under a temp dir and a new container ID each round. Reported: the
# median and p90 of the wall time of `RUNTIME run` in ms, the ratios of berth's median to the
# others', and the peak RSS of one more run of each under /usr/bin/time -v; then the same for
# `RUNTIME exec` of /bin/true into one running container per runtime.
#
# crun 1.8 refuses this hybrid-cgroup host while cgroup2 still offers a controller (hugetlb), so
# hugetlb is bound to a v1 hierarchy for the duration (and unbound afterwards); if that cannot be
# done, crun runs with --cgroup-manager=disabled and the output says so.
#
# Environment: BERTH_BIN (default ./berth), ROUNDS, WARMUP. Leaves nothing behind.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BERTH_BIN=${BERTH_BIN:-$REPO/berth}
ROUNDS=${ROUNDS:-50}
WARMUP=${WARMUP:-3}

RUNTIMES=(berth runc crun)
declare -A BIN=([berth]=$BERTH_BIN [runc]=/usr/sbin/runc [crun]=/usr/bin/crun)
declare -A EXTRA=([berth]="" [runc]="" [crun]="")
WORK=""
HUGETLB_BOUND=""

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

cleanup() {
	local rt state
	if [[ -n $WORK ]]; then
		for rt in "${RUNTIMES[@]}"; do
			for state in "$WORK/root-$rt"/*; do
				[[ -e $state ]] || continue
				runtime "$rt" delete --force "${state##*/}" >/dev/null 2>&1 || true
			done
		done
		rm -rf "$WORK"
	fi
	unbind_hugetlb
}
trap cleanup EXIT

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
	local rt=$1 t0 t1
	shift
	t0=${EPOCHREALTIME/./}
	runtime "$rt" "$@" </dev/null >/dev/null 2>"$WORK/err-$rt" || {
		echo "bench: $rt $1 failed: $(cat "$WORK/err-$rt")" >&2
		return 1
	}
	t1=${EPOCHREALTIME/./}
	echo $((t1 - t0))
}

# run_once RUNTIME ID: one `run` of the bundle.
run_once() { timed "$1" run --bundle "$WORK/bundle" "$2"; }

# exec_once RUNTIME ID: one `exec ID /bin/true` into a running container.
exec_once() { timed "$1" exec "$2" /bin/true; }

# ratios WHAT FILE-PREFIX: berth's median over each other runtime's, for the samples in
# $WORK/FILE-PREFIX-RUNTIME.
ratios() {
	local what=$1 prefix=$2 rt b
	b=$(stats "$WORK/$prefix-berth" | cut -d' ' -f1)
	for rt in "${RUNTIMES[@]}"; do
		[[ $rt == berth ]] && continue
		awk -v a="$b" -v b="$(stats "$WORK/$prefix-$rt" | cut -d' ' -f1)" -v r="$rt" -v w="$what" \
			'BEGIN { printf "berth/%s%s (median): %.2f\n", r, w, a / b }'
	done
}

# bench_exec: one running container per runtime, then `exec` of /bin/true into each,
# interleaved like the run rounds; prints medians and berth's ratios.
bench_exec() {
	local rt round i n=${#RUNTIMES[@]} us
	BERTH_BIN=/usr/sbin/runc bash "$REPO/scripts/mkbundle.sh" "$WORK/sleeper" sleep 100000 >/dev/null
	for rt in "${RUNTIMES[@]}"; do
		runtime "$rt" run -d --bundle "$WORK/sleeper" "exec-$rt" </dev/null >/dev/null 2>&1 ||
			{ echo "bench: $rt run -d failed" >&2; return 1; }
	done
	for ((round = 0; round < WARMUP + ROUNDS; round++)); do
		for ((i = 0; i < n; i++)); do
			rt=${RUNTIMES[(round + i) % n]}
			us=$(exec_once "$rt" "exec-$rt")
			((round < WARMUP)) || echo "$us" >>"$WORK/exec-$rt"
		done
	done
	printf '\ntiming <runtime> exec of /bin/true into a running container:\n%-6s %10s %10s\n' runtime median_ms p90_ms
	for rt in "${RUNTIMES[@]}"; do
		printf '%-6s %10s %10s\n' "$rt" $(stats "$WORK/exec-$rt")
	done
	ratios " exec" exec
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

# stats FILE: "median p90" in ms of the microsecond samples in FILE.
stats() {
	sort -n "$1" | awk '{ v[NR] = $1 }
		function pct(p,  i) { i = int(p * NR + 0.999999); if (i < 1) i = 1; return v[i] / 1000 }
		END { printf "%.2f %.2f\n", pct(0.5), pct(0.9) }'
}

# peak_rss RUNTIME: "Maximum resident set size" in KiB of one run under /usr/bin/time -v.
peak_rss() {
	local rt=$1
	local extra=()
	[[ -z ${EXTRA[$rt]} ]] || extra=("${EXTRA[$rt]}")
	/usr/bin/time -v "${BIN[$rt]}" "${extra[@]}" --root "$WORK/root-$rt" run \
		--bundle "$WORK/bundle" "rss-$rt" </dev/null >/dev/null 2>"$WORK/time-$rt" || true
	awk -F': ' '/Maximum resident set size/ { print $2 }' "$WORK/time-$rt"
}

main() {
	[[ $(id -u) -eq 0 ]] || { echo "bench: needs root" >&2; exit 1; }
	bash "$REPO/scripts/install-deps.sh" runc crun time
	[[ -x $BERTH_BIN ]] || { echo "bench: $BERTH_BIN not built (make berth)" >&2; exit 1; }

	WORK=$(mktemp -d /tmp/berth-bench.XXXXXX)
	BERTH_BIN=/usr/sbin/runc bash "$REPO/scripts/mkbundle.sh" "$WORK/bundle" /bin/true
	prepare_crun

	local round i rt n=${#RUNTIMES[@]} us
	echo "timing '<runtime> run' of /bin/true (busybox bundle, config from runc spec):"
	echo "$WARMUP warm-up + $ROUNDS rounds, the runtimes interleaved in a rotating order"
	for ((round = 0; round < WARMUP + ROUNDS; round++)); do
		for ((i = 0; i < n; i++)); do
			rt=${RUNTIMES[(round + i) % n]}
			us=$(run_once "$rt" "b$round-$rt")
			((round < WARMUP)) || echo "$us" >>"$WORK/times-$rt"
		done
	done

	printf '\n%-6s %10s %10s %14s\n' runtime median_ms p90_ms peak_rss_kib
	for rt in "${RUNTIMES[@]}"; do
		printf '%-6s %10s %10s %14s\n' "$rt" $(stats "$WORK/times-$rt") "$(peak_rss "$rt")"
	done
	echo
	ratios "" times
	bench_exec
}

main "$@"
