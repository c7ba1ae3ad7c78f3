#!/usr/bin/env bash
# Assembles the runnable tree under HOME: lib/jrun/{jrun.jar,commit,setup-jdk,java,*.aot}, and share/
# (man pages, bash completion). bin/ is built by src/main/c/build-native.sh. The AOT caches are
# trained on real work (jrun.cli.AotTraining) by setup-jdk.sh with the same JVM flags the launcher
# uses; a cache made with other flags, another JDK build or another jar is ignored.
set -euo pipefail
jar=${1:?jar} home=${2:?home} java=${3:?java}
lib="$home/lib/jrun"
mkdir -p "$lib"
cp -f "$jar" "$lib/.jrun.jar.tmp" && mv -f "$lib/.jrun.jar.tmp" "$lib/jrun.jar"
# The git commit for `jrun --version`, beside the jar (the jar has it too, but reading it there
# opens the jar: ~10 ms of CPU). From the tree this script is in, which `./build.sh install` runs from.
bash "$(dirname "$0")/write-commit.sh" "$(cd "$(dirname "$0")/.." && pwd)" "$lib/commit"
# The java link and one AOT cache per launcher (the JVM loads every class in its cache at start):
# lib/jrun/setup-jdk, which `./build.sh install` and the Debian package run again where they install.
install -m 0755 "$(dirname "$0")/setup-jdk.sh" "$lib/setup-jdk"
"$lib/setup-jdk" "$java" >/dev/null
# Man pages and bash completion, from the command descriptions the parsers and the help read.
"$lib/java" -cp "$lib/jrun.jar" jrun.cli.ManPages "$home/share"
echo "assembled $lib (AOT caches: $(cd "$lib" && du -h ./*.aot | tr '\n\t' ' '))"
