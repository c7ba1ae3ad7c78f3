#!/usr/bin/env bash
# Benchmark of the jrun engine (docs/engine.md): create / start / state / kill / delete of a busybox bundle and
# exec into a running one, by jrun through a private engine ("warm"), by jrun without it (JRUN_ENGINE=off, "cold"),
# runc and crun, in interleaved rounds (bench/interleave.py), then median ratios; plus the engine's idle RSS and the
# client's peak RSS (of a warm state and a warm create). Needs root. Usage: bench/engine-lifecycle.sh [RUNS]
# crun runs in the unshare wrapper this hybrid-cgroup host needs (see bench/jrun-lifecycle.sh): jrun/crun* are lower bounds.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-20}
jrun="$here/bin/jrun"
[ -x "$jrun" ] || { echo "build first: ./build.sh" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "the benchmark needs root" >&2; exit 1; }
work=$(mktemp -d /tmp/jrun-engine-bench.XXXXXX)
export JRUN_ENGINE_SOCKET="$work/engine/engine.sock"
crun=(unshare -m --propagation private sh -c 'umount /sys/fs/cgroup/unified 2>/dev/null; exec crun --root "$0" "$@"' "$work/crun")
cleanup() {
  for c in b s; do
    for r in runc; do "$r" --root "$work/$r" delete -f $c >/dev/null 2>&1 || true; done
    JRUN_ENGINE=off "$jrun" --root "$work/jrun" delete -f $c >/dev/null 2>&1 || true
    JRUN_ENGINE=off "$jrun" --root "$work/cold" delete -f $c >/dev/null 2>&1 || true
    "${crun[@]}" delete -f $c >/dev/null 2>&1 || true
  done
  JRUN_ENGINE=off "$jrun" engine stop >/dev/null 2>&1 || true
  grep -o " $work[^ ]*" /proc/self/mountinfo | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/bundle/rootfs/bin"
cp /bin/busybox "$work/bundle/rootfs/bin/"
ln -s busybox "$work/bundle/rootfs/bin/true"
ln -s busybox "$work/bundle/rootfs/bin/sleep"
JRUN_ENGINE=off "$jrun" spec --bundle "$work/bundle"
sed -i -e 's/"terminal": true/"terminal": false/' -e 's/"sh"$/"\/bin\/sleep", "1000"/' "$work/bundle/config.json"
cd "$work/bundle"
JRUN_ENGINE=off "$jrun" engine start >/dev/null
eng_rss0=$(JRUN_ENGINE=off "$jrun" engine status | awk '/^rss_kb/ {print $2}')

W="$jrun --root $work/jrun"
K="env JRUN_ENGINE=off $jrun --root $work/cold"
R="runc --root $work/runc"
C="${crun[*]@Q}"
bench() { # bench NAME [--prepare CMD] -n NAME CMD ...
  local name=$1; shift
  python3 "$here/bench/interleave.py" --runs "$runs" --warmup 3 --export-json "$work/$name.json" "$@" 2>"$work/$name.err" \
    || { cat "$work/$name.err" >&2; echo "engine-lifecycle.sh: group $name failed" >&2; exit 1; }
}
clean="$W delete -f b >/dev/null 2>&1; $K delete -f b >/dev/null 2>&1; $R delete -f b >/dev/null 2>&1; $C delete -f b >/dev/null 2>&1; true"
settle="sleep 0.2"
made="$W create b; $K create b; $R create b; $C create b"
started="$W start b; $K start b; $R start b; $C start b"
all() { # all NAME PREPARE ARGS...: the four runners with the same arguments
  local name=$1 prep=$2; shift 2
  bench "$name" --prepare "$prep" -n warm "$W $*" -n cold "$K $*" -n runc "$R $*" -n crun "$C $*"
}
all create "$clean; $settle" create b
all start "$clean; $made; $settle" start b
all state "$clean; $made; $settle" state b
all kill "$clean; $made; $started; $settle" kill b 9
all delete "$clean; $made; $started; $settle" delete -f b
bench lifecycle --prepare "$clean; $settle" \
  -n warm "$W create b && $W start b && $W delete -f b" -n cold "$K create b && $K start b && $K delete -f b" \
  -n runc "$R create b && $R start b && $R delete -f b" -n crun "$C create b && $C start b && $C delete -f b"
sh -c "$clean" # (a failing delete inside eval would end this script under set -e)
$W run -d s </dev/null >/dev/null; $K run -d s </dev/null >/dev/null; $R run -d s </dev/null >/dev/null; eval "$C run -d s" </dev/null >/dev/null
bench exec -n warm "$W exec s /bin/true" -n cold "$K exec s /bin/true" -n runc "$R exec s /bin/true" -n crun "$C exec s /bin/true"

sleep 2
eng_rss=$(JRUN_ENGINE=off "$jrun" engine status | awk '/^rss_kb/ {print $2}')
# (the container gets create's stdio: no pipe here, or the read would wait for the container's exit)
/usr/bin/time -o "$work/create.rss" -f %M $W create b </dev/null >/dev/null 2>&1
cli_create_rss=$(tail -1 "$work/create.rss")
cli_rss=$(/usr/bin/time -f %M $W state b 2>&1 >/dev/null | tail -1)
status=$(JRUN_ENGINE=off "$jrun" engine status)

python3 - "$work" "$eng_rss" "$cli_rss" "$eng_rss0" "$cli_create_rss" <<'PY'
import json, sys, statistics
work, eng, cli, eng0, cli_create = sys.argv[1:6]
def med(name):
    return {r["command"]: statistics.median(r["times"]) * 1000 for r in json.load(open(f"{work}/{name}.json"))["results"]}
print(f"{'median ms':<11}{'warm':>8}{'cold':>8}{'runc':>8}{'crun*':>8}{'warm/runc':>11}{'warm/crun*':>12}{'warm/cold':>11}")
for step in ("create", "start", "state", "kill", "delete", "lifecycle", "exec"):
    m = med(step)
    print(f"{step:<11}{m['warm']:>8.1f}{m['cold']:>8.1f}{m['runc']:>8.1f}{m['crun']:>8.1f}{m['warm']/m['runc']:>11.2f}{m['warm']/m['crun']:>12.2f}{m['warm']/m['cold']:>11.2f}")
print("warm: bin/jrun with a running engine; cold: JRUN_ENGINE=off")
print(f"engine RSS: {eng0} kB after its start, {eng} kB after the run; client peak RSS of a warm state: {cli} kB, of a warm create: {cli_create} kB")
PY
echo "$status" | grep -E '^(requests|fallbacks|p50_ms|p99_ms) '
