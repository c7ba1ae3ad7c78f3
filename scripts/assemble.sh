#!/usr/bin/env bash
# Assembles the runnable tree under HOME: lib/jrun/{jrun.jar,java,jrun.aot}, and share/ (man pages,
# bash completion). bin/ is built by
# src/main/c/build-native.sh. The AOT cache is trained on real work (jrun.cli.AotTraining) with the
# same JVM flags the launcher uses; a cache made with other flags or another jar is silently ignored.
set -euo pipefail
jar=${1:?jar} home=${2:?home} java=${3:?java}
lib="$home/lib/jrun"
mkdir -p "$lib"
cp -f "$jar" "$lib/.jrun.jar.tmp" && mv -f "$lib/.jrun.jar.tmp" "$lib/jrun.jar"
ln -sfn "$java" "$lib/java"
# The git commit for `jrun --version`, beside the jar (the jar has it too, but reading it there
# opens the jar: ~10 ms of CPU). From the tree this script is in, which `./build.sh install` runs from.
bash "$(dirname "$0")/write-commit.sh" "$(cd "$(dirname "$0")/.." && pwd)" "$lib/commit"
train=$(mktemp -d)
trap 'rm -rf "$train"' EXIT
# One AOT cache per launcher (the JVM loads every class in its cache at start). Each is trained by
# jrun.cli.AotTraining on that entry point's real work, with the flags src/main/c/launcher.c uses.
train_cache() { # train_cache NAME MODE
  rm -f "$lib/$1.aot"
  mkdir -p "$train/$1"
  # No method profiles in the cache: jrun runs -Xint, and replaying them at start cost ~1.3 ms of a create.
  "$lib/java" -XX:AOTCacheOutput="$lib/$1.aot" -XX:+UnlockDiagnosticVMOptions -XX:-AOTRecordTraining \
    -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData -Xss1m \
    -Xlog:disable -Xlog:all=error:stderr --enable-native-access=ALL-UNNAMED -Djrun.lib="$lib" \
    -cp "$lib/jrun.jar" jrun.cli.AotTraining "$train/$1" "$2" >/dev/null 2>"$train/$1.err" \
    || { cat "$train/$1.err" >&2; echo "assemble.sh: AOT training for $1 failed" >&2; exit 1; }
  test -s "$lib/$1.aot"
}
rm -f "$lib/jrun.aot.config"
train_cache oci-interceptor interceptor
train_cache jrun jrun
train_cache run_oci jrun
# Man pages and bash completion, from the command descriptions the parsers and the help read.
"$lib/java" -cp "$lib/jrun.jar" jrun.cli.ManPages "$home/share"
echo "assembled $lib (AOT caches: $(cd "$lib" && du -h ./*.aot | tr '\n\t' ' '))"
