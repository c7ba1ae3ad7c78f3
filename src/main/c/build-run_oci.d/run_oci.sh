#!/usr/bin/env bash
# bin/run_oci (Chrome OS run_oci's command line, jrun.cli.RunOciMain) and its prctl tool.
set -euo pipefail
out=${1:?usage: run_oci.sh BIN_DIR}
src=$(cd "$(dirname "$0")/.." && pwd)
CFLAGS=(-O2 -Wall -Wextra -Werror -std=gnu11 -D_FORTIFY_SOURCE=2 -fstack-protector-strong -pie -fPIE -Wl,-z,relro,-z,now)
gcc "${CFLAGS[@]}" -static-pie -DLAUNCHER_NAME='"run_oci"' -DMAIN_CLASS='"jrun.cli.RunOciMain"' -DPLAN_MODE=0 -o "$out/.run_oci.tmp" "$src/launcher.c"
mv -f "$out/.run_oci.tmp" "$out/run_oci"
gcc "${CFLAGS[@]}" -o "$out/.run_oci-prctl.tmp" "$src/run_oci_prctl.c"
mv -f "$out/.run_oci-prctl.tmp" "$out/run_oci-prctl"
