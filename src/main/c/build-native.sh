#!/usr/bin/env bash
# Builds the C side into the given bin/ directory: the launchers (and, as they appear, the helper).
set -euo pipefail
out=${1:?usage: build-native.sh BIN_DIR}
src=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
CFLAGS=(-O2 -Wall -Wextra -Werror -std=gnu11 -D_FORTIFY_SOURCE=2 -fstack-protector-strong -pie -fPIE -Wl,-z,relro,-z,now)
build() { # build NAME SOURCE [defines...]
  local name=$1 source=$2; shift 2
  gcc "${CFLAGS[@]}" "$@" -o "$out/.$name.tmp" "$src/$source"
  mv -f "$out/.$name.tmp" "$out/$name"
}
build oci-interceptor launcher.c -DLAUNCHER_NAME='"oci-interceptor"' -DMAIN_CLASS='"jrun.cli.InterceptorMain"' -DPLAN_MODE=1
build jrun launcher.c -DLAUNCHER_NAME='"jrun"' -DMAIN_CLASS='"jrun.cli.JrunMain"' -DPLAN_MODE=0
# The helper: static, so a container waiting for start maps no shared libraries (RSS).
build jrun-helper helper.c -static-pie
# A test tool: receives the pty master from a console socket (Java has no SCM_RIGHTS).
build jrun-recvtty recvtty.c
# jrun run's terminal without --console-socket: receives the pty master and relays it to jrun's stdio.
build jrun-ttyrelay ttyrelay.c
for extra in "$src"/build-*.d/*.sh; do [ -e "$extra" ] && bash "$extra" "$out"; done
exit 0
