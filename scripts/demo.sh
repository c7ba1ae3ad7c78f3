#!/usr/bin/env bash
# The main job, for real: a busybox container run by runc through oci-interceptor, whose bundle
# mounts /etc/hosts read-write, as Docker does. The interceptor makes it read-only.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
[ "$(id -u)" = 0 ] || { echo "demo.sh: run as root (runc needs it)" >&2; exit 1; }
work=$(mktemp -d /tmp/jrun-demo.XXXXXX)
cleanup() {
  runc --root "$work/runc" delete -f demo >/dev/null 2>&1 || true
  mount | awk '{print $3}' | grep "^$work" | sort -r | xargs -r -n1 umount -l || true # nothing mounted is the usual case
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT
mkdir -p "$work/bundle/rootfs/bin" "$work/bundle/rootfs/etc"
cp /bin/busybox "$work/bundle/rootfs/bin/busybox"
for app in sh echo cat grep; do ln -s busybox "$work/bundle/rootfs/bin/$app"; done
printf '127.0.0.1 localhost\n' > "$work/hosts"
(cd "$work/bundle" && runc spec)
python3 - "$work/bundle/config.json" "$work/hosts" <<'PY'
import json, sys
path, hosts = sys.argv[1], sys.argv[2]
c = json.load(open(path))
c["process"]["terminal"] = False
c["process"]["args"] = ["sh", "-c",
    "grep ' /etc/hosts ' /proc/self/mountinfo; if echo evil >> /etc/hosts; then echo 'wrote /etc/hosts'; else echo '/etc/hosts is read-only'; fi"]
c["mounts"].append({"destination": "/etc/hosts", "type": "bind", "source": hosts, "options": ["rbind", "rw"]})
json.dump(c, open(path, "w"), indent="\t")
PY
echo "+ oci-interceptor --oi-readonly-networking-mounts --oi-env GREETING=hello --root $work/runc run --bundle $work/bundle demo"
"$here/bin/oci-interceptor" --oi-readonly-networking-mounts --oi-env GREETING=hello --root "$work/runc" run --bundle "$work/bundle" demo
echo "+ the rewritten config.json now has:"
python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); print([m for m in c["mounts"] if m["destination"]=="/etc/hosts"][0]["options"], [e for e in c["process"]["env"] if e.startswith("GREETING")])' "$work/bundle/config.json"
