#!/usr/bin/env bash
# Assembles the runnable tree under HOME: lib/jrun/{jrun.jar,java,jrun.aot}. bin/ is built by
# src/main/c/build-native.sh. The AOT cache is trained on real work (jrun.cli.AotTraining) with the
# same JVM flags the launcher uses; a cache made with other flags or another jar is silently ignored.
set -euo pipefail
jar=${1:?jar} home=${2:?home} java=${3:?java}
lib="$home/lib/jrun"
mkdir -p "$lib"
cp -f "$jar" "$lib/.jrun.jar.tmp" && mv -f "$lib/.jrun.jar.tmp" "$lib/jrun.jar"
ln -sfn "$java" "$lib/java"
rm -f "$lib/jrun.aot"
train=$(mktemp -d)
trap 'rm -rf "$train"' EXIT
"$lib/java" -XX:AOTCacheOutput="$lib/jrun.aot" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData -Xss1m \
  -Xlog:disable -Xlog:all=error:stderr --enable-native-access=ALL-UNNAMED \
  -cp "$lib/jrun.jar" jrun.cli.AotTraining "$train" >/dev/null 2>"$train.err" \
  || { cat "$train.err" >&2; rm -f "$train.err"; echo "assemble.sh: AOT training failed" >&2; exit 1; }
rm -f "$train.err"
test -s "$lib/jrun.aot"
echo "assembled $lib (AOT cache $(du -h "$lib/jrun.aot" | cut -f1))"
