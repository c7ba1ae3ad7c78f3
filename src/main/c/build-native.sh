#!/usr/bin/env bash
# Builds the C side into the given bin/ directory: the launchers, the helper and its tools; and
# libjrun.so (the JVM's lock, src/main/c/jrun_jni.c) into BIN_DIR/../lib/jrun, with JDK's JNI headers.
set -euo pipefail
out=${1:?usage: build-native.sh BIN_DIR [JDK_HOME]}
jdk=${2:-${JAVA_HOME:-}}
src=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
COMMON=(-O2 -Wall -Wextra -Werror -std=gnu11 -D_FORTIFY_SOURCE=2 -fstack-protector-strong -Wl,-z,relro,-z,now)
CFLAGS=("${COMMON[@]}" -pie -fPIE)
build() { # build NAME SOURCE [defines...]
  local name=$1 source=$2; shift 2
  gcc "${CFLAGS[@]}" "$@" -o "$out/.$name.tmp" "$src/$source"
  mv -f "$out/.$name.tmp" "$out/$name"
}
# The launchers are static too: every warm call is an exec of one, and here a static exec is 0.1-0.2 ms
# faster than a dynamic one (no ld.so, no libc mapping), measured in front of /bin/true with hyperfine.
build oci-interceptor launcher.c -static-pie -DLAUNCHER_NAME='"oci-interceptor"' -DMAIN_CLASS='"jrun.cli.InterceptorMain"' -DPLAN_MODE=1
build jrun launcher.c -static-pie -DLAUNCHER_NAME='"jrun"' -DMAIN_CLASS='"jrun.cli.JrunMain"' -DPLAN_MODE=0
# The helper: static, so a container waiting for start maps no shared libraries (RSS).
build jrun-helper helper.c -static-pie
# A test tool: receives the pty master from a console socket (Java has no SCM_RIGHTS).
build jrun-recvtty recvtty.c
# jrun run's terminal without --console-socket: receives the pty master and relays it to jrun's stdio.
build jrun-ttyrelay ttyrelay.c
# The JVM's one JNI library: a shared object, loaded by System.load from lib/jrun.
[ -f "$jdk/include/jni.h" ] || { echo "build-native.sh: no JNI headers under '$jdk' (pass a JDK 25 home)" >&2; exit 1; }
mkdir -p "$out/../lib/jrun"
gcc "${COMMON[@]}" -shared -fPIC -I"$jdk/include" -I"$jdk/include/linux" -o "$out/../lib/jrun/.libjrun.so.tmp" "$src/jrun_jni.c"
mv -f "$out/../lib/jrun/.libjrun.so.tmp" "$out/../lib/jrun/libjrun.so"
for extra in "$src"/build-*.d/*.sh; do [ -e "$extra" ] && bash "$extra" "$out"; done
exit 0
