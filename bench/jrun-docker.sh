#!/usr/bin/env bash
# jrun as Docker's runtime against runc, in the same run on the same private dockerd.
#   bench/jrun-docker.sh [RUNS]      (needs root, docker.io, hyperfine, busybox-static; ./build.sh first)
# 1. `docker run --rm IMAGE true`, RUNS times per runtime (hyperfine, interleaved warmups): medians, ratio.
# 2. Peak RSS of each runtime command Docker makes (create/start/exec/state/kill/delete...): every call
#    goes through /usr/bin/time -f %M in a wrapper registered as its own runtime, for jrun and runc.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-20}
work=$(mktemp -d /tmp/jrun-docker-bench.XXXXXX)
D="docker -H unix://$work/docker.sock"
# the containers' cgroups under a parent of this run's own (removed at the end), not Docker's /docker
cgparent="jrun-docker-bench-$$"
cleanup() {
  if [ -f "$work/docker.pid" ]; then
    ids=$($D ps -aq 2>/dev/null || true); [ -n "$ids" ] && $D rm -f $ids >/dev/null 2>&1 || true
    kill "$(cat "$work/docker.pid")" 2>/dev/null || true
    for _ in $(seq 50); do [ -e "$work/docker.pid" ] || break; sleep 0.2; done
  fi
  mount | awk '{print $3}' | grep "^$work" | sort -r | xargs -r -n1 umount -l  || true  # grep finds nothing: not a failure (set -e, pipefail)
  for h in /sys/fs/cgroup/*/; do
    [ -d "$h$cgparent" ] && { find "$h$cgparent" -depth -type d -exec rmdir {} + 2>/dev/null || echo "jrun-docker.sh: $h$cgparent is still in use" >&2; }
  done
  rm -rf --one-file-system "$work" || true
}
trap cleanup EXIT

for rt in jrun runc; do
  bin=$([ $rt = jrun ] && echo "$here/bin/jrun" || command -v runc)
  cat > "$work/$rt-timed" <<EOF
#!/bin/sh
# the subcommand is the first argument that is not a flag or a flag's value
sub=\$(printf '%s\n' "\$@" | awk '/^-/{skip=(\$0 ~ /^--(root|log|log-format)\$/); next} skip{skip=0; next} {print; exit}')
exec /usr/bin/time -a -o "$work/$rt-rss.log" -f "\$sub %M" "$bin" "\$@"
EOF
  chmod +x "$work/$rt-timed"
done
cat > "$work/daemon.json" <<EOF
{"runtimes": {"jrun": {"path": "$here/bin/jrun"},
              "jrun-timed": {"path": "$work/jrun-timed"}, "runc-timed": {"path": "$work/runc-timed"}}}
EOF
dockerd --config-file "$work/daemon.json" --data-root "$work/data" --exec-root "$work/exec" --pidfile "$work/docker.pid" \
  -H "unix://$work/docker.sock" --iptables=false --ip-masq=false --bridge=none --cgroup-parent "/$cgparent" >"$work/dockerd.log" 2>&1 &
for _ in $(seq 100); do $D version >/dev/null 2>&1 && break; sleep 0.2; done
mkdir -p "$work/img/bin" "$work/img/etc" "$work/img/proc" "$work/img/sys" "$work/img/dev" "$work/img/tmp"
cp /bin/busybox "$work/img/bin/"; for a in sh true sleep; do ln -s busybox "$work/img/bin/$a"; done
tar -C "$work/img" -c . | $D import - jrun-bench >/dev/null

echo "== docker run --rm jrun-bench true, $runs runs each"
hyperfine -N --style basic --warmup 3 --runs "$runs" --export-json "$work/run.json" \
  -n runc "$D run --rm --runtime=runc jrun-bench true" \
  -n jrun "$D run --rm --runtime=jrun jrun-bench true" >/dev/null
python3 - "$work/run.json" <<'PY'
import json, sys, statistics
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
for n in ("runc", "jrun"):
    t = r[n]["times"]
    print(f"{n:5s} median {statistics.median(t)*1000:7.1f} ms  mean {statistics.mean(t)*1000:7.1f} +- {statistics.stdev(t)*1000:5.1f} ms")
print(f"ratio jrun/runc (median): {statistics.median(r['jrun']['times']) / statistics.median(r['runc']['times']):.2f}")
PY

echo "== peak RSS per runtime command (KiB, max over calls): 5 x (run -d, exec, pause, unpause, update, rm -f)"
for rt in runc jrun; do
  for i in 1 2 3 4 5; do
    $D run -d --name "rss-$rt-$i" --runtime="$rt-timed" jrun-bench sleep 100 >/dev/null
    $D exec "rss-$rt-$i" true
    $D pause "rss-$rt-$i" >/dev/null; $D unpause "rss-$rt-$i" >/dev/null
    $D update --memory 64m --memory-swap 128m "rss-$rt-$i" >/dev/null
    $D rm -f "rss-$rt-$i" >/dev/null
  done
done
python3 - "$work/runc-rss.log" "$work/jrun-rss.log" <<'PY'
import sys, collections
peak = {}
for f, name in zip(sys.argv[1:], ("runc", "jrun")):
    m = collections.defaultdict(int)
    for line in open(f):
        parts = line.split()
        if len(parts) == 2 and parts[1].isdigit(): m[parts[0]] = max(m[parts[0]], int(parts[1]))
    peak[name] = m
subs = sorted(set(peak["runc"]) | set(peak["jrun"]))
print(f"{'command':10s} {'runc':>8s} {'jrun':>8s}  ratio")
for s in subs:
    a, b = peak["runc"].get(s, 0), peak["jrun"].get(s, 0)
    print(f"{s:10s} {a:8d} {b:8d}  {b / a:5.2f}" if a else f"{s:10s} {a:8d} {b:8d}")
PY
