#!/usr/bin/env bash
# demo.sh BUNDLE: run one container from BUNDLE (made by mkbundle.sh) and let it show its
# isolation: its own hostname, its own PID 1, its own mounts, its limits and its user.
# `make demo` builds berth and the bundle first. BERTH_BIN overrides the runtime.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BERTH_BIN=${BERTH_BIN:-$REPO/berth}
bundle=${1:-$REPO/.cache/demo}
[[ -f $bundle/config.json ]] || {
	echo "demo: no bundle at $bundle (run: scripts/mkbundle.sh $bundle)" >&2
	exit 1
}

# What the container runs, as a script in its rootfs so that `ps` shows a short command line:
# one captioned section per kind of isolation.
cat >"$bundle/rootfs/demo.sh" <<'EOF'
echo "== hostname (its own UTS namespace; the host is not called this):"
hostname
echo
echo "== processes (its own PID namespace: this shell is PID 1):"
ps -o pid,user,args
echo
echo "== mounts (its own mount namespace, rooted at the bundle's rootfs):"
cat /proc/self/mountinfo | cut -d' ' -f4,5,9 | sed 's/^/  /'
echo
echo "== limits (RLIMIT_NOFILE set to 1024 from config.json):"
ulimit -n
ulimit -a
echo
echo "== cgroup limits (linux.resources: memory 256 MiB, at most 64 tasks), as the container sees them:"
for f in memory/memory.limit_in_bytes memory.max pids/pids.max pids.max; do
	[ -r /sys/fs/cgroup/$f ] && echo "  $f: $(cat /sys/fs/cgroup/$f)"
done
echo
echo "== identity (user and groups from process.user):"
id
EOF

config=$bundle/config.json
jq '
	.hostname = "berth-demo"
	| .process.terminal = false
	| .process.args = ["sh", "/demo.sh"]
	| .process.rlimits = ([.process.rlimits[]? | select(.type != "RLIMIT_NOFILE")]
		+ [{type: "RLIMIT_NOFILE", soft: 1024, hard: 1024}])
	| .linux.resources.memory.limit = 268435456
	| .linux.resources.pids.limit = 64
' "$config" >"$config.new"
mv "$config.new" "$config"

root=$(mktemp -d /tmp/berth-demo.XXXXXX)
id=demo-$$
cleanup() {
	"$BERTH_BIN" --root "$root" delete --force "$id" >/dev/null 2>&1 || true
	rm -rf "$root"
}
trap cleanup EXIT

echo "host: $(hostname), PID of this script: $$"
echo "running: $BERTH_BIN run --bundle $bundle $id"
echo
"$BERTH_BIN" --root "$root" run --bundle "$bundle" "$id" </dev/null
