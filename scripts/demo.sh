#!/usr/bin/env bash
# The main job, for real: a busybox container run by runc through oci-interceptor, whose bundle
# mounts /etc/hosts read-write, as Docker does. The interceptor makes it read-only.
# Then the same through the jrun engine (docs/engine.md): a private engine is started, the
# container runs again with the rewrite done by the engine and then by jrun itself, and the
# engine's status shows the requests it served; it is stopped at the end.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
[ "$(id -u)" = 0 ] || { echo "demo.sh: run as root (runc needs it)" >&2; exit 1; }
work=$(mktemp -d /tmp/jrun-demo.XXXXXX)
export JRUN_ENGINE_SOCKET="$work/engine/engine.sock" # a private engine, never the host's
cleanup() {
  "$here/bin/jrun" engine stop >/dev/null 2>&1 || true
  runc --root "$work/runc" delete -f demo >/dev/null 2>&1 || true
  runc --root "$work/runc" delete -f demo-warm >/dev/null 2>&1 || true
  "$here/bin/jrun" --root "$work/jrun" delete -f demo-jrun >/dev/null 2>&1 || true
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

echo
echo "== the same through the jrun engine =="
cp "$work/bundle/config.json" "$work/config.rewritten.json"
python3 - "$work/bundle/config.json" <<'PY' # back to the bundle as Docker made it: /etc/hosts rw, no GREETING
import json, sys
c = json.load(open(sys.argv[1]))
for m in c["mounts"]:
    if m["destination"] == "/etc/hosts": m["options"] = ["rbind", "rw"]
c["process"]["env"] = [e for e in c["process"]["env"] if not e.startswith("GREETING=")]
json.dump(c, open(sys.argv[1], "w"), indent="\t")
PY
echo "+ jrun engine start"
"$here/bin/jrun" engine start
echo "+ oci-interceptor --oi-readonly-networking-mounts --oi-env GREETING=hello --root $work/runc run --bundle $work/bundle demo-warm"
"$here/bin/oci-interceptor" --oi-readonly-networking-mounts --oi-env GREETING=hello --root "$work/runc" run --bundle "$work/bundle" demo-warm
if cmp -s "$work/bundle/config.json" "$work/config.rewritten.json"; then echo "+ the engine wrote the same config.json as the cold run"
else echo "demo.sh: the engine's rewrite differs from the cold one" >&2; exit 1; fi
echo "+ jrun --root $work/jrun create --bundle $work/bundle demo-jrun; start, state, delete (served by the engine)"
"$here/bin/jrun" --root "$work/jrun" create --bundle "$work/bundle" demo-jrun 2>/dev/null # ambient capabilities: runc only warns too
"$here/bin/jrun" --root "$work/jrun" start demo-jrun
for _ in $(seq 100); do "$here/bin/jrun" --root "$work/jrun" state demo-jrun | grep -q '"stopped"' && break; sleep 0.05; done
"$here/bin/jrun" --root "$work/jrun" state demo-jrun | grep '"status"'
"$here/bin/jrun" --root "$work/jrun" delete demo-jrun
echo "+ jrun engine status"
"$here/bin/jrun" engine status | grep -E '^(pid|requests|fallbacks|p50_ms|rss_kb) '
echo "+ jrun engine stop"
"$here/bin/jrun" engine stop
