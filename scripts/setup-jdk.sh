#!/usr/bin/env bash
# Installed as lib/jrun/setup-jdk (the build, `./build.sh install` and the Debian package's postinst run it):
#   setup-jdk [JDK-HOME|JAVA]  link lib/jrun/java to a JDK 25's java and train the AOT caches for it
#   setup-jdk --remove         remove what setup-jdk made (lib/jrun/java, lib/jrun/*.aot)
# Without an argument it keeps the JDK lib/jrun/java points to if that is still a Java 25+, else
# takes the first of /usr/lib/jvm/{temurin-25*,*-25*,*25*} (the order build.sh searches in).
# The caches must be made on the target: the JVM takes a cache only from the exact JDK build that
# made it and with the flags it was made with, and silently runs without any other. Each is trained by
# jrun.cli.AotTraining on that launcher's real work, with the flags src/main/c/launcher.c uses.
# Prints each file it made, one a line, on stdout (the install manifest records them).
set -euo pipefail
lib=$(cd "$(dirname "$(readlink -f "$0")")" && pwd -P)
die() { echo "setup-jdk: $*" >&2; exit 1; }
made=(java jrun.aot oci-interceptor.aot run_oci.aot) # everything this script makes, in lib

if [ "${1:-}" = --remove ]; then
  for f in "${made[@]}"; do rm -f "$lib/$f" "$lib/.$f.tmp"; done
  exit 0
fi

java_version() { # the java.specification.version of java $1 (empty if it does not run)
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' || true
}
is_25() { local v; v=$(java_version "$1"); [ -n "$v" ] && [ "${v%%.*}" -ge 25 ] 2>/dev/null; }
# The launchers run this java as root: it, and every directory above it, must belong to root and be
# writable by no one else (as JRUN_JAVA must), or whoever can write there would run code as root.
check_owner() {
  local p=$1 u m
  while :; do
    read -r u m < <(stat -c '%u %a' -- "$p")
    [ "$u" = 0 ] || die "$1: $p does not belong to root; a JDK the launchers run as root must"
    [ $((8#$m & 8#022)) -eq 0 ] || die "$1: $p is writable by group or others; a JDK the launchers run as root must not be"
    [ "$p" = / ] && return 0
    p=$(dirname "$p")
  done
}

java=
if [ $# -gt 0 ]; then
  c=$1; [ -d "$c" ] && c=$c/bin/java
  [ -x "$c" ] || die "$1: no java there (give a JDK 25 home or its bin/java)"
  is_25 "$c" || die "$c is not a Java 25 or later (java.specification.version '$(java_version "$c")')"
  java=$c
elif [ -e "$lib/java" ] && is_25 "$lib/java"; then
  java=$(readlink -f "$lib/java")
else
  for d in /usr/lib/jvm/temurin-25* /usr/lib/jvm/*-25* /usr/lib/jvm/*25*; do
    [ -x "$d/bin/java" ] && is_25 "$d/bin/java" && { java=$d/bin/java; break; }
  done
  [ -n "$java" ] || die "no JDK 25 found under /usr/lib/jvm. jrun runs on Java 25: install one (Eclipse Temurin 25 \
from https://adoptium.net, a tarball or its apt repository's temurin-25-jre; or a distribution's openjdk-25-jre-headless), \
then run $lib/setup-jdk [JDK-HOME] (for the Debian package: dpkg --configure -a)"
fi
java=$(readlink -f "$java")
[ "$(id -u)" != 0 ] || check_owner "$java" # a build as a user makes a tree only that user runs


ln -sfn "$java" "$lib/.java.tmp" && mv -Tf "$lib/.java.tmp" "$lib/java"
echo "$lib/java"
train=$(mktemp -d)
trap 'rm -rf "$train"' EXIT
train_cache() { # train_cache NAME MODE
  mkdir -p "$train/$1"
  rm -f "$lib/.$1.aot.tmp"
  # No method profiles in the cache: jrun runs -Xint, and replaying them at start cost ~1.3 ms of a create.
  "$lib/java" -XX:AOTCacheOutput="$lib/.$1.aot.tmp" -XX:+UnlockDiagnosticVMOptions -XX:-AOTRecordTraining \
    -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData -Xss1m \
    -Xlog:disable -Xlog:all=error:stderr --enable-native-access=ALL-UNNAMED -Djrun.lib="$lib" \
    -cp "$lib/jrun.jar" jrun.cli.AotTraining "$train/$1" "$2" >/dev/null 2>"$train/$1.err" \
    || { cat "$train/$1.err" >&2; rm -f "$lib/.$1.aot.tmp"; die "AOT training for $1 failed"; }
  [ -s "$lib/.$1.aot.tmp" ] || die "AOT training for $1 made no cache"
  mv -f "$lib/.$1.aot.tmp" "$lib/$1.aot"
  echo "$lib/$1.aot"
}
rm -f "$lib/jrun.aot.config"
train_cache oci-interceptor interceptor
train_cache jrun jrun
train_cache run_oci jrun
