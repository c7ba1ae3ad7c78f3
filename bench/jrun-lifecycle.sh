#!/usr/bin/env bash
# Benchmark: create / start / delete of a /bin/true busybox bundle, and exec of /bin/true into a running one, under jrun, runc and crun, in
# interleaved rounds (bench/interleave.py), then the median ratios; plus jrun against a bare JVM start with the same
# flags (bin/jrun --version: the launcher, the JVM and the AOT cache, and no work), and the RSS
# of a created container waiting for start. Needs root. Usage: bench/jrun-lifecycle.sh [RUNS]
#
# crun cannot run on this host's hybrid cgroups as is; it runs under
#   unshare -m --propagation private sh -c 'umount /sys/fs/cgroup/unified; exec crun ...'
# and crun's figures include that wrapper; its cost alone is measured and printed beside them
# (subtracting it is within the noise here), so the jrun/crun ratios are lower bounds.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-20}
jrun="$here/bin/jrun"
[ -x "$jrun" ] || { echo "build first: ./build.sh" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "the benchmark needs root" >&2; exit 1; }
work=$(mktemp -d /tmp/jrun-bench.XXXXXX)
cleanup() {
  for c in b s; do
    for r in jrun runc; do "$r" --root "$work/$r" delete -f $c >/dev/null 2>&1 || true; done
    "${crun[@]}" delete -f $c >/dev/null 2>&1 || true
    $J delete -f $c >/dev/null 2>&1 || true
  done
  grep -o " $work[^ ]*" /proc/self/mountinfo | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  rm -rf "$work"
}
crun=(unshare -m --propagation private sh -c 'umount /sys/fs/cgroup/unified 2>/dev/null; exec crun --root "$0" "$@"' "$work/crun")
trap cleanup EXIT

mkdir -p "$work/bundle/rootfs/bin"
cp /bin/busybox "$work/bundle/rootfs/bin/"
ln -s busybox "$work/bundle/rootfs/bin/true"
"$jrun" spec --bundle "$work/bundle"
sed -i -e 's/"terminal": true/"terminal": false/' -e 's/"sh"$/"\/bin\/true"/' "$work/bundle/config.json"
cd "$work/bundle"

J="$jrun --root $work/jrun"
R="runc --root $work/runc"
C="${crun[*]@Q}"
# Interleaved rounds (bench/interleave.py), not hyperfine's blocks: each ratio compares runs taken
# under the same load, where hyperfine's blocks let this shared machine's load drift between them.
bench() { # bench NAME [--prepare CMD] -n NAME CMD ...
  local name=$1; shift
  python3 "$here/bench/interleave.py" --runs "$runs" --warmup 3 --export-json "$work/$name.json" "$@" 2>"$work/$name.err" \
    || { cat "$work/$name.err" >&2; exit 1; }
}
clean="$J delete -f b >/dev/null 2>&1; $R delete -f b >/dev/null 2>&1; $C delete -f b >/dev/null 2>&1; true"
# each prepare ends with a pause, so the work it starts (exits, cgroup removal) does not land in the timing
settle="sleep 0.2"
# Every group also times the bare JVM (bin/jrun --version), so each ratio to it is taken under the
# same load: this shared machine's noise moves all figures together from one minute to the next.
V="$jrun --version"
bench create --prepare "$clean; $settle" -n jrun "$J create b" -n runc "$R create b" -n crun "$C create b" -n jvm "$V"
bench start --prepare "$clean; $J create b; $R create b; $C create b; $settle" \
  -n jrun "$J start b" -n runc "$R start b" -n crun "$C start b" -n jvm "$V"
bench delete --prepare "$clean; $J create b; $J start b; $R create b; $R start b; $C create b; $C start b; $settle" \
  -n jrun "$J delete -f b" -n runc "$R delete -f b" -n crun "$C delete -f b" -n jvm "$V"
bench lifecycle --prepare "$clean; $settle" \
  -n jrun "$J create b && $J start b && $J delete -f b" \
  -n runc "$R create b && $R start b && $R delete -f b" \
  -n crun "$C create b && $C start b && $C delete -f b" \
  -n jvm "$V && $V && $V"
# exec of /bin/true into a running container (the same rootfs, running sleep)
mkdir -p "$work/sleeper"
sed -e 's|"/bin/true"|"/bin/sleep", "1000"|' -e "s|\"path\": \"rootfs\"|\"path\": \"$work/bundle/rootfs\"|" "$work/bundle/config.json" > "$work/sleeper/config.json"
ln -sf busybox "$work/bundle/rootfs/bin/sleep"
(cd "$work/sleeper" && $J run -d s && $R run -d s && eval "$C run -d s") </dev/null >/dev/null
bench exec -n jrun "$J exec s /bin/true" -n runc "$R exec s /bin/true" -n crun "$C exec s /bin/true" -n jvm "$V"
bench wrapper -n "crun wrapper" "unshare -m --propagation private sh -c 'umount /sys/fs/cgroup/unified 2>/dev/null; exec true'"

$J create b
pid=$($J state b | sed -n 's/.*"pid": \([0-9]*\).*/\1/p')
rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
$J delete -f b

python3 - "$work" "$rss" <<'PY'
import json, sys, statistics
work, rss = sys.argv[1], sys.argv[2]
def med(name):
    return {r["command"]: statistics.median(r["times"]) * 1000 for r in json.load(open(f"{work}/{name}.json"))["results"]}
wrapper = med("wrapper")["crun wrapper"]
print(f"{'median ms':<12}{'jrun':>8}{'runc':>8}{'crun*':>8}{'JVM':>8}{'jrun/runc':>11}{'jrun/crun*':>12}{'jrun/JVM':>10}")
for step in ("create", "start", "delete", "lifecycle", "exec"):
    m = med(step)
    print(f"{step:<12}{m['jrun']:>8.1f}{m['runc']:>8.1f}{m['crun']:>8.1f}{m['jvm']:>8.1f}{m['jrun']/m['runc']:>11.2f}{m['jrun']/m['crun']:>12.2f}{m['jrun']/m['jvm']:>10.2f}")
print("JVM: a bare JVM start with jrun's flags (bin/jrun --version; three of them for lifecycle), timed in the same group")
print(f"crun* runs inside the unshare wrapper this hybrid-cgroup host needs; the wrapper alone: {wrapper:.1f} ms")
print(f"RSS of a created container waiting for start (jrun-helper): {rss} kB")
PY
