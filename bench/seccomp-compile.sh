#!/usr/bin/env bash
# How much compiling Docker's default seccomp profile adds to a fresh jrun JVM (it runs at every
# create). Compares: JVM start (jrun --version path), JVM start + read + compile of the profile,
# and runc/crun --version for scale. Needs ./build.sh first (lib/jrun with the AOT cache).
set -euo pipefail
cd "$(dirname "$0")/.."
lib=lib/jrun
profile=src/main/resources/jrun/linux/seccomp/docker-20.10.24-default.json
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
java=("$lib/java" -XX:AOTCache="$lib/jrun.aot" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData -Xss1m
  -Xlog:disable -Xlog:all=error:stderr --enable-native-access=ALL-UNNAMED -cp "$lib/jrun.jar")
# in-JVM cost of the first (cold, AOT-cached) compile, as each create pays it: median of 20 fresh JVMs
for i in $(seq 20); do "${java[@]}" jrun.linux.seccomp.SeccompTool "$profile" "$out/f.bpf" 2>&1 | tail -1; done > "$out/cold.txt"
head -1 "$out/cold.txt" | sed 's/;.*//'
python3 - "$out/cold.txt" <<'PY'
import re, sys
rows = [tuple(map(int, re.search(r"read\+parse (\d+) us, compile (\d+) us", l).groups())) for l in open(sys.argv[1])]
med = lambda xs: sorted(xs)[len(xs) // 2]
print(f"cold in-JVM, median of {len(rows)}: read+parse {med([r[0] for r in rows]) / 1000:.1f} ms, compile {med([r[1] for r in rows]) / 1000:.1f} ms")
PY
hyperfine -N -w 3 -r "${RUNS:-30}" --export-json "$out/h.json" \
  -n jvm-start "${java[*]} jrun.cli.JrunMain --version" \
  -n jvm-compile "${java[*]} jrun.linux.seccomp.SeccompTool $profile $out/f.bpf" \
  -n runc-version "runc --version" -n crun-version "crun --version" >/dev/null
python3 - "$out/h.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
med = {k: sorted(v["times"])[len(v["times"]) // 2] * 1000 for k, v in r.items()}
for k, v in med.items(): print(f"{k:14s} median {v:7.1f} ms")
add = med["jvm-compile"] - med["jvm-start"]
print(f"compile adds {add:.1f} ms = {add / med['jvm-start'] * 100:.0f}% of a JVM start; "
      f"jvm-compile / jvm-start = {med['jvm-compile'] / med['jvm-start']:.2f}")
PY
