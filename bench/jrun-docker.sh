#!/usr/bin/env bash
# jrun as Docker's runtime against runc, in the same run on the same private dockerd: jrun cold (JRUN_ENGINE=off: a JVM
# per call) and jrun warm (a private engine, docs/engine.md, reached through JRUN_ENGINE_SOCKET).
#   bench/jrun-docker.sh [RUNS]      (needs root, docker.io, busybox-static, python3; ./build.sh first)
# Each runtime is registered with dockerd as a small wrapper script of the same shape (`exec` of the runtime, the warm
# one with JRUN_ENGINE_SOCKET set, the cold one with JRUN_ENGINE=off), so every column pays the same wrapper.
# 1. `docker run --rm IMAGE true`, RUNS rounds, each round runs runc, cold and warm once in a rotating order
#    (bench/interleave.py): medians and the ratios warm/runc, cold/runc.
# 2. Every runtime call Docker's shim makes, timed and measured: the same runtimes registered again through wrappers
#    that log the subcommand, its wall time (bash EPOCHREALTIME) and its peak RSS (/usr/bin/time -f %M: the largest
#    process of the call, the client and its helper for warm jrun), over RUNS/2 rounds of `docker run --rm true`, then
#    RUNS/2 of (run -d, exec, pause, unpause, update, rm -f), each round through the three runtimes. Prints, per subcommand, the median ms and the peak RSS in kB,
#    and the engine's counters (requests, fallbacks to cold: a warm call that ran cold shows a JVM's RSS).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-20}
jrun="$here/bin/jrun"
[ -x "$jrun" ] || { echo "build first: ./build.sh" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "the benchmark needs root" >&2; exit 1; }
for t in dockerd docker python3 /usr/bin/time busybox; do command -v "$t" >/dev/null || { echo "jrun-docker.sh: needs $t" >&2; exit 1; }; done
work=$(mktemp -d /tmp/jrun-docker-bench.XXXXXX)
D="docker -H unix://$work/docker.sock"
sock="$work/engine/engine.sock"
# the containers' cgroups under a parent of this run's own (removed at the end), not Docker's /docker
cgparent="jrun-docker-bench-$$"
cleanup() {
  if [ -f "$work/docker.pid" ]; then
    ids=$($D ps -aq 2>/dev/null || true); [ -n "$ids" ] && $D rm -f $ids >/dev/null 2>&1 || true
    kill "$(cat "$work/docker.pid")" 2>/dev/null || true
    for _ in $(seq 50); do [ -e "$work/docker.pid" ] || break; sleep 0.2; done
  fi
  JRUN_ENGINE=off JRUN_ENGINE_SOCKET="$sock" "$jrun" engine stop >/dev/null 2>&1 || true
  mount | awk '{print $3}' | grep "^$work" | sort -r | xargs -r -n1 umount -l  || true  # grep finds nothing: not a failure (set -e, pipefail)
  for h in /sys/fs/cgroup/*/; do
    [ -d "$h$cgparent" ] && { find "$h$cgparent" -depth -type d -exec rmdir {} + 2>/dev/null || echo "jrun-docker.sh: $h$cgparent is still in use" >&2; }
  done
  rm -rf --one-file-system "$work" || true
}
trap cleanup EXIT

# rt NAME: the environment line and binary of each runtime
envline() { case $1 in runc) echo "";; cold) echo "export JRUN_ENGINE=off";; warm) echo "export JRUN_ENGINE_SOCKET='$sock'";; esac; }
binof() { [ "$1" = runc ] && command -v runc || echo "$jrun"; }
for rt in runc cold warm; do
  printf '#!/bin/sh\n%s\nexec %s "$@"\n' "$(envline $rt)" "$(binof $rt)" > "$work/$rt"
  cat > "$work/$rt-timed" <<EOF
#!/bin/bash
$(envline $rt)
# the subcommand is the first argument that is not a flag or a flag's value
sub=\$(printf '%s\n' "\$@" | awk '/^-/{skip=(\$0 ~ /^--(root|log|log-format)\$/); next} skip{skip=0; next} {print; exit}')
t0=\$EPOCHREALTIME
/usr/bin/time -o "$work/rss.\$\$" -f %M "$(binof $rt)" "\$@"; rc=\$?
t1=\$EPOCHREALTIME
echo "\$sub \$(( \${t1/./} - \${t0/./} )) \$(tail -n1 "$work/rss.\$\$")" >> "$work/$rt-calls.log"
rm -f "$work/rss.\$\$"
exit \$rc
EOF
  chmod +x "$work/$rt" "$work/$rt-timed"
done
cat > "$work/daemon.json" <<EOF
{"runtimes": {"b-runc": {"path": "$work/runc"}, "b-cold": {"path": "$work/cold"}, "b-warm": {"path": "$work/warm"},
              "t-runc": {"path": "$work/runc-timed"}, "t-cold": {"path": "$work/cold-timed"}, "t-warm": {"path": "$work/warm-timed"}}}
EOF
JRUN_ENGINE=off JRUN_ENGINE_SOCKET="$sock" "$jrun" engine start >/dev/null
dockerd --config-file "$work/daemon.json" --data-root "$work/data" --exec-root "$work/exec" --pidfile "$work/docker.pid" \
  -H "unix://$work/docker.sock" --iptables=false --ip-masq=false --bridge=none --cgroup-parent "/$cgparent" >"$work/dockerd.log" 2>&1 &
for _ in $(seq 100); do $D version >/dev/null 2>&1 && break; sleep 0.2; done
mkdir -p "$work/img/bin" "$work/img/etc" "$work/img/proc" "$work/img/sys" "$work/img/dev" "$work/img/tmp"
cp "$(command -v busybox)" "$work/img/bin/"; for a in sh true sleep; do ln -s busybox "$work/img/bin/$a"; done
tar -C "$work/img" -c . | $D import - jrun-bench >/dev/null

echo "== docker run --rm jrun-bench true, $runs interleaved rounds (runc, jrun cold, jrun warm)"
python3 "$here/bench/interleave.py" --runs "$runs" --warmup 3 --export-json "$work/run.json" \
  -n runc "$D run --rm --runtime=b-runc jrun-bench true" \
  -n cold "$D run --rm --runtime=b-cold jrun-bench true" \
  -n warm "$D run --rm --runtime=b-warm jrun-bench true"
python3 - "$work/run.json" <<'PY'
import json, sys, statistics
r = {x["command"]: x["times"] for x in json.load(open(sys.argv[1]))["results"]}
m = {n: statistics.median(t) * 1000 for n, t in r.items()}
for n in ("runc", "cold", "warm"):
    print(f"{n:5s} median {m[n]:7.1f} ms  min {min(r[n])*1000:7.1f}  max {max(r[n])*1000:7.1f}")
print(f"ratio warm/runc {m['warm']/m['runc']:.2f}   cold/runc {m['cold']/m['runc']:.2f}   warm/cold {m['warm']/m['cold']:.2f}")
PY

echo "== every runtime call, per subcommand: median ms / peak RSS kB ($(( (runs + 1) / 2 )) x run --rm true, then x (run -d, exec, pause, unpause, update, rm -f))"
before=$(JRUN_ENGINE=off JRUN_ENGINE_SOCKET="$sock" "$jrun" engine status | awk '/^(requests|fallbacks) /{printf "%s=%s ", $1, $2}')
python3 "$here/bench/interleave.py" --runs $(( (runs + 1) / 2 )) --export-json "$work/timed.json" \
  -n runc "$D run --rm --runtime=t-runc jrun-bench true" \
  -n cold "$D run --rm --runtime=t-cold jrun-bench true" \
  -n warm "$D run --rm --runtime=t-warm jrun-bench true"
for i in $(seq $(( (runs + 1) / 2 ))); do
  for rt in runc cold warm; do
    $D run -d --name "rss-$rt-$i" --runtime="t-$rt" jrun-bench sleep 100 >/dev/null
    $D exec "rss-$rt-$i" true
    $D pause "rss-$rt-$i" >/dev/null; $D unpause "rss-$rt-$i" >/dev/null
    $D update --memory 64m --memory-swap 128m "rss-$rt-$i" >/dev/null
    $D rm -f "rss-$rt-$i" >/dev/null
  done
done
after=$(JRUN_ENGINE=off JRUN_ENGINE_SOCKET="$sock" "$jrun" engine status | awk '/^(requests|fallbacks|p50_ms|p99_ms|rss_kb) /{printf "%s=%s ", $1, $2}')
python3 - "$work" <<'PY'
import sys, collections, statistics
work = sys.argv[1]
ms, rss = {}, {}
for rt in ("runc", "cold", "warm"):
    t, m = collections.defaultdict(list), collections.defaultdict(int)
    for line in open(f"{work}/{rt}-calls.log"):
        p = line.split()
        if len(p) == 3 and p[1].isdigit() and p[2].isdigit():
            t[p[0]].append(int(p[1]) / 1000); m[p[0]] = max(m[p[0]], int(p[2]))
    ms[rt], rss[rt] = t, m
subs = sorted(set().union(*(ms[rt] for rt in ms)))
print(f"{'call':9s} {'n':>3s} {'runc ms':>8s} {'cold ms':>8s} {'warm ms':>8s} {'warm/runc':>9s} | {'runc kB':>8s} {'cold kB':>8s} {'warm kB':>8s}")
for s in subs:
    med = {rt: statistics.median(ms[rt][s]) if ms[rt][s] else float("nan") for rt in ms}
    n = len(ms["warm"][s])
    print(f"{s:9s} {n:3d} {med['runc']:8.1f} {med['cold']:8.1f} {med['warm']:8.1f} {med['warm']/med['runc']:9.2f} | "
          f"{rss['runc'][s]:8d} {rss['cold'][s]:8d} {rss['warm'][s]:8d}")
PY
echo "engine before the timed calls: $before"
echo "engine after:                  $after"
