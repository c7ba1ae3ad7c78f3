#!/usr/bin/env bash
# jrun's hand-written YAML reader (jrun.rules.YamlReader) against SnakeYAML Engine, on the 100-rule file of
# bench/rules-bench.sh (27 KB) and on the cookbook's rules (docs/rules.md, one file). bench/YamlParse.java says
# what each mode runs; "snake" is what a switch behind the same interface would run.
#   bench/yaml-bench.sh [RUNS] [SNAKEYAML-ENGINE-JAR]    (after ./build.sh; needs python3; the jar defaults to
#   ~/.m2's org.snakeyaml:snakeyaml-engine 3.2: mvn dependency:get -Dartifact=org.snakeyaml:snakeyaml-engine:3.2)
# 1. the trees of hand and snake are equal on both files;
# 2. cold: RUNS fresh JVMs per mode and file, each one parse (time inside the JVM, first use: class loading
#    and all), with the launchers' flags and an AOT cache trained on all modes; and the JVM's whole wall time
#    (bench/interleave.py, interleaved) for: no parse (cache without the library) / no parse (cache with it) /
#    hand / snake, i.e. the start cost of carrying the library and of using it;
# 3. warm: in one JVM with the engine's flags (-Xmx48m, SerialGC, C1), the median and p90 of 300 parses after 300.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
runs=${1:-30}
snake=${2:-$HOME/.m2/repository/org/snakeyaml/snakeyaml-engine/3.2/snakeyaml-engine-3.2.jar}
[ -f lib/jrun/jrun.jar ] || { echo "yaml-bench: build first (./build.sh)" >&2; exit 1; }
[ -f "$snake" ] || { echo "yaml-bench: no SnakeYAML Engine jar at $snake" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
java_home=$(dirname "$(dirname "$(readlink -f lib/jrun/java)")")
jar=$PWD/lib/jrun/jrun.jar

python3 bench/gen-rules.py "$work"
python3 - docs/rules.md "$work/cookbook.yaml" <<'PY'
import re, sys
blocks = re.findall(r"^```yaml rules\n(.*?)^```", open(sys.argv[1]).read(), re.M | re.S)
items = []
for b in blocks:
    items += b.split("\nrules:\n", 1)[1].rstrip("\n").split("\n")
open(sys.argv[2], "w").write("version: 1\nrules:\n" + "\n".join(items) + "\n")
PY
"$java_home/bin/javac" -nowarn -d "$work/cls" -cp "$jar:$snake" bench/YamlParse.java
"$java_home/bin/jar" cf "$work/bench.jar" -C "$work/cls" .
lib/jrun/java -cp "$jar:$work/bench.jar:$snake" YamlParse same "$work/rules.yaml" "$work/cookbook.yaml"
"$PWD/bin/oci-interceptor" rules check "$work/cookbook.yaml" >/dev/null

common=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData -Xss1m -Xlog:disable -Xlog:all=error:stderr --enable-native-access=ALL-UNNAMED)
cp_h="$jar:$work/bench.jar"
cp_s="$jar:$work/bench.jar:$snake"
# caches: "h" knows jrun and the bench class only; "s" the library too (trained on every mode)
lib/jrun/java -XX:AOTCacheOutput="$work/h.aot" -XX:+UnlockDiagnosticVMOptions -XX:-AOTRecordTraining "${common[@]}" -cp "$cp_h" \
  YamlParse hand "$work/rules.yaml" >/dev/null 2>&1
lib/jrun/java -XX:AOTCacheOutput="$work/s.aot" -XX:+UnlockDiagnosticVMOptions -XX:-AOTRecordTraining "${common[@]}" -cp "$cp_s" \
  YamlParse train "$work/rules.yaml" >/dev/null 2>&1
run=(-XX:+UnlockDiagnosticVMOptions -XX:-AOTReplayTraining "${common[@]}")
J_h="$PWD/lib/jrun/java -XX:AOTCache=$work/h.aot ${run[*]} -cp $cp_h YamlParse"
J_s="$PWD/lib/jrun/java -XX:AOTCache=$work/s.aot ${run[*]} -cp $cp_s YamlParse"

echo "== cold: one parse in a fresh JVM, ms inside the JVM (min / median of $runs), launcher flags + AOT cache"
for f in cookbook.yaml rules.yaml; do
  for xint in "" "-Xint"; do
    for i in $(seq "$runs"); do
      for m in hand snake load; do
        if [ $m = hand ]; then c=h cp=$cp_h; else c=s cp=$cp_s; fi
        echo "$m $(lib/jrun/java -XX:AOTCache="$work/$c.aot" "${run[@]}" $xint -cp "$cp" YamlParse $m "$work/$f")"
      done
    done > "$work/cold-$f$xint.txt"
  done
done
python3 - "$work" <<'PY'
import sys, statistics, collections
w = sys.argv[1]
for f in ("cookbook.yaml", "rules.yaml"):
    for xint, what in (("", "C1 (oci-interceptor's flags)"), ("-Xint", "-Xint (bin/jrun's flags)")):
        t = collections.defaultdict(list)
        for line in open(f"{w}/cold-{f}{xint}.txt"):
            m, ms = line.split(); t[m].append(float(ms))
        h = statistics.median(t["hand"])
        print(f"{f:14s} {what:28s} " + "  ".join(f"{m} {min(t[m]):6.2f} / {statistics.median(t[m]):6.2f}" for m in ("hand", "snake", "load"))
              + f"   snake-hand (median) {statistics.median(t['snake']) - h:+6.2f} ms")
PY

echo "== cold: the JVM's whole wall time, ms (median of $runs interleaved rounds)"
python3 bench/interleave.py --runs "$runs" --warmup 2 --export-json "$work/wall.json" \
  -n "start, cache without the library" "$J_h none $work/rules.yaml" \
  -n "start, cache with the library" "$J_s none $work/rules.yaml" \
  -n "hand, 100 rules" "$J_h hand $work/rules.yaml" -n "snake, 100 rules" "$J_s snake $work/rules.yaml" \
  -n "hand, cookbook" "$J_h hand $work/cookbook.yaml" -n "snake, cookbook" "$J_s snake $work/cookbook.yaml"
python3 - "$work/wall.json" <<'PY'
import json, sys, statistics
r = {x["command"]: statistics.median(x["times"]) * 1000 for x in json.load(open(sys.argv[1]))["results"]}
for k, v in r.items(): print(f"  {k:36s} {v:7.1f}")
print(f"  snake/hand whole JVM: 100 rules {r['snake, 100 rules'] / r['hand, 100 rules']:.3f}, cookbook {r['snake, cookbook'] / r['hand, cookbook']:.3f}")
PY

echo "== warm: one JVM with the engine's flags, 300 parses after 300: median / p90 us"
for f in cookbook.yaml rules.yaml; do
  for m in hand snake load; do
    if [ $m = hand ]; then cp=$cp_h; else cp=$cp_s; fi
    echo "  $f $m $(lib/jrun/java -Xmx48m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$cp" YamlParse warm $m "$work/$f" 300)"
  done
done
echo "== sizes: jrun.jar $(stat -c %s "$jar") B; snakeyaml-engine $(stat -c %s "$snake") B; AOT cache without/with it $(stat -c %s "$work/h.aot") / $(stat -c %s "$work/s.aot") B"
