#!/usr/bin/env bash
# Benchmark: bin/run_oci as Chrome OS's login manager drives it (start NAME; --signal=KILL kill
# NAME; destroy NAME) against the same three steps in runc and crun (run -d; kill KILL; delete),
# plus a foreground run of /bin/true, in one hyperfine run each, then the median ratios.
# State goes to a private RUN_OCI_STATE_ROOT. Needs root. Usage: bench/run_oci.sh [RUNS]
# crun runs under the unshare wrapper bench/jrun-lifecycle.sh describes (not subtracted here).
# Then the login sequence again with a private jrun engine (docs/engine.md) serving run_oci: kill
# and destroy are warm, start still runs cold through the client (warm create is not served yet).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-20}
ro="$here/bin/run_oci"
[ -x "$ro" ] || { echo "build first: ./build.sh" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "the benchmark needs root" >&2; exit 1; }
work=$(mktemp -d /tmp/run_oci-bench.XXXXXX)
export RUN_OCI_STATE_ROOT=$work/run_oci
export JRUN_ENGINE_SOCKET=$work/engine/engine.sock # the cold rows: no engine answers there yet
crun=(unshare -m --propagation private sh -c 'umount /sys/fs/cgroup/unified 2>/dev/null; exec crun --root "$0" "$@"' "$work/crun")
cleanup() {
  "$here/bin/jrun" engine stop >/dev/null 2>&1 || true
  for b in s t; do
    "$ro" -S KILL kill $b >/dev/null 2>&1 || true; sleep 0.05; "$ro" destroy $b >/dev/null 2>&1 || true
    runc --root "$work/runc" delete -f $b >/dev/null 2>&1 || true
    "${crun[@]}" delete -f $b >/dev/null 2>&1 || true
  done
  grep -o " $work[^ ]*" /proc/self/mountinfo | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

for b in sleep true; do
  mkdir -p "$work/$b/rootfs/bin"
  cp /bin/busybox "$work/$b/rootfs/bin/"
  ln -s busybox "$work/$b/rootfs/bin/$b"
  "$here/bin/jrun" spec --bundle "$work/$b"
  sed -i -e 's/"terminal": true/"terminal": false/' "$work/$b/config.json"
done
sed -i -e 's/"sh"$/"\/bin\/sleep", "1000"/' "$work/sleep/config.json"
sed -i -e 's/"sh"$/"\/bin\/true"/' "$work/true/config.json"

R="runc --root $work/runc"
C="${crun[*]@Q}"
common=(--runs "$runs" --warmup 3 --style basic --export-json)
bench() { # bench NAME hyperfine-args...
  local name=$1; shift
  hyperfine "${common[@]}" "$work/$name.json" "$@" >/dev/null 2>"$work/$name.err" || { cat "$work/$name.err" >&2; exit 1; }
}
S="$work/sleep"
bench login -n run_oci "$ro --log_tag=bench -c $S start s && $ro --signal=KILL kill s && sleep 0.02 && $ro destroy s" \
  -n runc "$R run -d -b $S s >/dev/null && $R kill s KILL && sleep 0.02 && $R delete s" \
  -n crun "$C run -d -b $S s >/dev/null && $C kill s KILL && sleep 0.02 && $C delete s"
bench run -n run_oci "$ro -c $work/true run t" -n runc "$R run -b $work/true t" -n crun "$C run -b $work/true t"
"$here/bin/jrun" engine start >/dev/null
bench warm -n run_oci "$ro --log_tag=bench -c $S start s && $ro --signal=KILL kill s && sleep 0.02 && $ro destroy s" \
  -n runc "$R run -d -b $S s >/dev/null && $R kill s KILL && sleep 0.02 && $R delete s" \
  -n crun "$C run -d -b $S s >/dev/null && $C kill s KILL && sleep 0.02 && $C delete s"
bench kd --prepare "$ro -c $S start s" --prepare "$R run -d -b $S s >/dev/null" --prepare "$C run -d -b $S s >/dev/null" \
  -n run_oci "$ro --signal=KILL kill s && sleep 0.02 && $ro destroy s" \
  -n runc "$R kill s KILL && sleep 0.02 && $R delete s" \
  -n crun "$C kill s KILL && sleep 0.02 && $C delete s"
"$here/bin/jrun" engine status | grep -E '^(requests|fallbacks|p50_ms|rss_kb) ' | tr '\n' ' '; echo

python3 - "$work" <<'PY'
import json, sys
for name, what in (("login", "start + kill + destroy (20 ms sleep included)"), ("run", "run /bin/true in the foreground"),
                   ("warm", "with the engine: start (cold) + kill + destroy (warm)"),
                   ("kd", "with the engine: kill + destroy alone (20 ms sleep included)")):
    res = {r["command"]: r for r in json.load(open(f"{sys.argv[1]}/{name}.json"))["results"]}
    med = {k: v["median"] * 1000 for k, v in res.items()}
    print(f"{what}: " + ", ".join(f"{k} {v:.1f} ms" for k, v in med.items())
          + f"; run_oci/runc {med['run_oci'] / med['runc']:.2f}, run_oci/crun {med['run_oci'] / med['crun']:.2f}")
PY
