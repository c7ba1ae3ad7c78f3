#!/usr/bin/env bash
# The one entry point for building, testing and trying jrun.
#   ./build.sh            build: bin/oci-interceptor, bin/jrun, lib/jrun/ (jar + AOT cache)
#   ./build.sh demo       build, then run a busybox container through oci-interceptor in front of runc, cold and then
#                         through a private jrun engine (started, used, stopped: scripts/demo.sh)
#   ./build.sh test       build and run every test (unit and integration; integration needs root), and the
#                         runtime's lifecycle, run_oci, Docker, Podman and containerd integration tests again through a jrun engine
#   ./build.sh install [PREFIX]   install launchers to PREFIX/bin, the rest to PREFIX/lib/jrun, man pages to
#                                 PREFIX/share/man/man8 and bash completion to PREFIX/share/bash-completion (default /usr/local),
#                                 an example rule file to /etc/oci-interceptor/rules.d; records all in PREFIX/lib/jrun/install-manifest
#   ./build.sh uninstall [PREFIX] remove exactly what install recorded in that manifest
#   ./build.sh deb [OUTDIR]       build jrun_VERSION_ARCH.deb (default in target/) from a staging install (scripts/deb.sh)
#   ./build.sh bench      run the benchmarks in bench/
# It finds a JDK 25 by itself (JAVA_HOME if it is 25+, else /usr/lib/jvm/*25*): the default java here is 17.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")"

find_jdk() {
  local c
  for c in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25* /usr/lib/jvm/*-25* /usr/lib/jvm/*25*; do
    [ -n "$c" ] && [ -x "$c/bin/javac" ] || continue
    local v; v=$("$c/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    if [ -n "$v" ] && [ "${v%%.*}" -ge 25 ] 2>/dev/null; then echo "$c"; return 0; fi
  done
  echo "build.sh: no JDK 25 found: install one under /usr/lib/jvm or set JAVA_HOME" >&2
  return 1
}

need_packages() { # installs missing Debian packages (root only): need_packages CMD:PKG...
  local missing=() pair
  for pair in "$@"; do command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then echo "build.sh: please install: ${missing[*]}" >&2; return 1; fi
  echo "build.sh: installing ${missing[*]}" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# uninstall needs neither a JDK nor a build
if [ "${1:-}" = uninstall ]; then exec bash scripts/install.sh uninstall "${2:-/usr/local}"; fi

JAVA_HOME=$(find_jdk); export JAVA_HOME
need_packages mvn:maven gcc:gcc
MVN=(mvn -B -q -Dstyle.color=never)

cmd=${1:-build}; shift || true
case "$cmd" in
  build) "${MVN[@]}" -DskipTests package ;;
  test)
    need_packages runc:runc crun:crun busybox:busybox-static dockerd:docker.io containerd:containerd podman:podman \
      logger:bsdutils python3:python3
    # -q would hide Surefire's per-class lines; keep Maven's normal output for the test run.
    rm -rf target/surefire-reports target/failsafe-reports target/failsafe-reports-engine # no stale report may count
    status=0
    # -Djrun.it.engine.skip=false: Failsafe's "engine" execution runs the lifecycle, run_oci, Docker, Podman and containerd
    # integration tests (pom.xml: jrun.it.engine.test) a second time, through a private jrun engine per class
    mvn -B -Dstyle.color=never verify -Djrun.it.engine.skip=false "$@" || status=$?
    # a skip is a failure unless src/test/resources/allowed-skips.txt allows it on this host's shape
    echo "build.sh: skipped tests (surefire and failsafe reports):"
    "$JAVA_HOME/bin/java" scripts/SkipGate.java src/test/resources/allowed-skips.txt \
      target/surefire-reports target/failsafe-reports target/failsafe-reports-engine || { [ "$status" -ne 0 ] || status=1; }
    exit "$status" ;;
  demo)
    need_packages runc:runc busybox:busybox-static
    "${MVN[@]}" -DskipTests package
    exec scripts/demo.sh ;;
  install)
    "${MVN[@]}" -DskipTests package
    # the AOT caches are trained again where the jar now lives (lib/jrun/setup-jdk)
    exec bash scripts/install.sh install "${1:-/usr/local}" "$JAVA_HOME/bin/java" ;;
  deb)
    need_packages dpkg-deb:dpkg objdump:binutils
    "${MVN[@]}" -DskipTests package
    exec bash scripts/deb.sh "${1:-target}" ;;
  bench)
    need_packages runc:runc crun:crun hyperfine:hyperfine busybox:busybox-static
    "${MVN[@]}" -DskipTests package
    exec bench/run.sh "$@" ;;
  *) echo "usage: ./build.sh [build|demo|test|install [PREFIX]|uninstall [PREFIX]|deb [OUTDIR]|bench]" >&2; exit 2 ;;
esac
