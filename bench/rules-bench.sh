#!/usr/bin/env bash
# Rules cost next to the JVM start: a create through bin/oci-interceptor (runtime /bin/true) on a
# config with 500 mounts, with no rules, with one preset, and with 100 rules (YAML, and the same as
# JSON), against a bare start of the same launcher, JVM flags and AOT cache (`--oi-version`), with
# runc's and crun's own start (`--version`) for scale. Prints medians, minimums and ratios.
# Then, because wall times on a shared machine are noisy, the same load+apply timed inside fresh
# JVMs (bench/RulesInProcess.java, launcher flags and AOT cache), min and median over RUNS/2 JVMs.
#   bench/rules-bench.sh [RUNS]      (after ./build.sh; needs hyperfine and python3)
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
runs=${1:-40}
oi=$PWD/bin/oci-interceptor
[ -x "$oi" ] || { echo "rules-bench: build first (./build.sh)" >&2; exit 1; }
for t in hyperfine python3; do command -v $t >/dev/null || { echo "rules-bench: needs $t" >&2; exit 1; }; done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 bench/gen-rules.py "$work"

"$oi" rules check "$work/rules.yaml" >/dev/null && "$oi" rules check "$work/rules.json" >/dev/null
# A create as Docker makes it, with /bin/true as the runtime: the interceptor reads config.json,
# applies the rules, writes it back and execs the "runtime". The config is restored before each run.
mkdir "$work/bundle" && cp "$work/config.json" "$work/orig.json"
create="$oi --oi-runtime-path=/bin/true --oi-no-default-rules"
tail="create --bundle $work/bundle bench"
prep="cp $work/orig.json $work/bundle/config.json"
names=("bare JVM start (--oi-version)" "create, 500 mounts, no rules" "create, 500 mounts, 1 rule"
       "create, 500 mounts, 100 YAML rules" "create, 500 mounts, 100 JSON rules")
cmds=("$oi --oi-version" "$create $tail" "$create --oi-readonly-networking-mounts $tail"
      "$create --oi-rules $work/rules.yaml $tail" "$create --oi-rules $work/rules.json $tail")
for rt in runc crun; do command -v $rt >/dev/null && { names+=("$rt --version"); cmds+=("$rt --version"); }; done
$prep && $create --oi-rules "$work/rules.yaml" $tail
cmp -s "$work/orig.json" "$work/bundle/config.json" && { echo "rules-bench: the rules changed nothing?" >&2; exit 1; }
args=()
for i in "${!cmds[@]}"; do args+=(-n "${names[$i]}" "${cmds[$i]}"); done
hyperfine -N -w 5 -r "$runs" --prepare "$prep" --export-json "$work/out.json" "${args[@]}" >/dev/null

python3 - "$work/out.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
# Three views, since this machine is shared: min wall time (the cost itself when nothing
# interferes), median wall time, and mean CPU time (user+sys, which waiting for a core does not inflate).
cpu = lambda x: x["user"] + x["system"]
print(f"{'command':36} {'median ms':>10} {'min ms':>8} {'cpu ms':>8} {'min/JVM':>8} {'cpu/JVM':>8}")
b = r[0]
for x in r:
    print(f"{x['command']:36} {x['median'] * 1000:10.1f} {x['min'] * 1000:8.1f} {cpu(x) * 1000:8.1f} "
          f"{x['min'] / b['min']:7.2f}x {cpu(x) / cpu(b):7.2f}x")
by = {x["command"]: x for x in r}
none, one = by["create, 500 mounts, no rules"], by["create, 500 mounts, 1 rule"]
def delta(x, y):
    return (f"{(x['min'] - y['min']) * 1000:.1f} ms min, {(x['median'] - y['median']) * 1000:.1f} ms median, "
            f"{(cpu(x) - cpu(y)) * 1000:.1f} ms cpu")
print(f"one rule over none (reading, editing and atomically rewriting the 500-mount config): {delta(one, none)}")
for k in ("create, 500 mounts, 100 YAML rules", "create, 500 mounts, 100 JSON rules"):
    x = by[k]
    print(f"{k[19:]} over one rule (loading and applying them): {delta(x, one)}; "
          f"{(x['min'] - one['min']) / b['min']:.2f}x (min) / {(cpu(x) - cpu(one)) / cpu(b):.2f}x (cpu) a bare JVM start")
PY

java_home=$(dirname "$(dirname "$(readlink -f "$PWD/lib/jrun/java")")")
"$java_home/bin/javac" -d "$work/cls" -cp "$PWD/lib/jrun/jrun.jar" bench/RulesInProcess.java
flags=(-XX:AOTCache="$PWD/lib/jrun/jrun.aot" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData -Xss1m
       -Xlog:disable -Xlog:all=warning:stderr --enable-native-access=ALL-UNNAMED)
for f in rules.yaml rules.json; do
  for i in $(seq $((runs / 2))); do
    "$PWD/lib/jrun/java" "${flags[@]}" -cp "$PWD/lib/jrun/jrun.jar:$work/cls" RulesInProcess "$work/$f" "$work/config.json"
  done > "$work/inproc-$f.txt"
done
python3 - "$work" <<'PY'
import sys, statistics
w = sys.argv[1]
for f in ("rules.yaml", "rules.json"):
    rows = [tuple(map(float, l.split())) for l in open(f"{w}/inproc-{f}.txt")]
    tot = [a + b for a, b in rows]
    print(f"in-process, 100 rules ({f[6:].upper()}) on 500 mounts, {len(rows)} fresh JVMs: load {min(r[0] for r in rows):.1f} ms min "
          f"({statistics.median(r[0] for r in rows):.1f} median), apply {min(r[1] for r in rows):.1f} ms min "
          f"({statistics.median(r[1] for r in rows):.1f} median), together {min(tot):.1f} ms min ({statistics.median(tot):.1f} median)")
PY
