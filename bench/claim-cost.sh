#!/bin/sh
# The cost of create's crash-consistency record (docs/reliability.md): state.json's first record
# (StateStore.claim, status creating, written before any cgroup is made). Builds this tree twice
# in private worktrees, once as it is and once with the claim's write taken out, then times
# create on both in interleaved rounds (bench/compare-builds.py: wall and the JVM's CPU time).
#   sudo bench/claim-cost.sh [ROUNDS]      (default 150; needs root, /bin/busybox, JAVA_HOME)
set -eu
rounds=${1:-150}
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/jrun-claim-cost.XXXXXX)
cleanup() {
    for t in with without; do git -C "$here" worktree remove --force "$work/$t" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT INT TERM
rev=$(git -C "$here" rev-parse HEAD)
for t in with without; do
    git -C "$here" worktree add --detach -q "$work/$t" "$rev"
done
f=src/main/java/jrun/runtime/Lifecycle.java
grep -q '        store.claim(id, bundle.toString(), CgroupPlacement.dirs(paths));' "$work/without/$f" || { echo "claim-cost: the claim's call is not where this script expects it" >&2; exit 1; }
sed -i 's|^        store.claim(id, bundle.toString(), CgroupPlacement.dirs(paths));|        // claim taken out by bench/claim-cost.sh|' "$work/without/$f"
for t in with without; do
    (cd "$work/$t" && ./build.sh >"$work/$t.build.log" 2>&1) || { echo "claim-cost: the build of '$t' failed, see $work/$t.build.log" >&2; tail -20 "$work/$t.build.log" >&2; exit 1; }
done
echo "claim-cost: $rev, create, $rounds rounds"
python3 "$here/bench/compare-builds.py" --runs "$rounds" --command create with="$work/with/bin/jrun" without="$work/without/bin/jrun"
