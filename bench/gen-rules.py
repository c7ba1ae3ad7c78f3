#!/usr/bin/env python3
"""Writes DIR/config.json (500 mounts), DIR/rules.json and DIR/rules.yaml (the same 100 rules) for
bench/rules-bench.sh and bench/yaml-bench.sh.  usage: gen-rules.py DIR"""
import json, sys
w = sys.argv[1]
mounts = [{"destination": f"/data/vol{i}", "type": "bind", "source": f"/srv/vol{i}", "options": ["rbind", "rprivate"]} for i in range(1, 498)]
for f in ("resolv.conf", "hostname", "hosts"):
    mounts.append({"destination": f"/etc/{f}", "type": "bind", "source": f"/var/lib/c/{f}", "options": ["rbind", "rprivate"]})
caps = ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW"]
config = {"ociVersion": "1.0.2-dev",
          "process": {"user": {"uid": 0, "gid": 0}, "args": ["sh"], "env": ["PATH=/usr/bin:/bin", "HOSTNAME=bench"], "cwd": "/",
                      "capabilities": {"bounding": caps, "effective": caps, "permitted": caps}},
          "root": {"path": "rootfs"}, "hostname": "bench-1", "annotations": {"com.example/team": "payments"}, "mounts": mounts,
          "linux": {"namespaces": [{"type": "pid"}, {"type": "network"}, {"type": "mount"}], "resources": {"memory": {"limit": 536870912}},
                    "seccomp": {"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"}]}}}
assert len(mounts) == 500
json.dump(config, open(f"{w}/config.json", "w"), indent="\t")
rules = []
for i in range(1, 101):  # a mix of conditions (several scan all 500 mounts) and edits (several keyed by mount)
    k = i % 5
    if k == 0:
        rules.append({"name": f"ro-{i}", "when": {"mount": {"destination": "/etc/hosts", "type": "bind"}},
                      "edits": [{"mount": {"destination": ["/etc/hosts", "/etc/resolv.conf"], "addOptions": ["ro"], "removeOptions": ["rw"]}}]})
    elif k == 1:
        rules.append({"name": f"env-{i}", "when": {"annotations": {"com\\.example/.*": "pay.*"}, "hostname": "bench-[0-9]+"},
                      "edits": [{"env": {"default": {f"VAR{i}": str(i)}}}]})
    elif k == 2:
        rules.append({"name": f"vol-{i}", "when": {"mount": {"destination": f"/data/vol{i * 4}", "option": "rbind"}},
                      "edits": [{"mount": {"destination": f"/data/vol{i * 4}", "addOptions": ["nosuid"]}},
                                {"op": "add", "path": f"/annotations/bench.{i}", "value": "x"}]})
    elif k == 3:
        rules.append({"name": f"deny-{i}", "when": {"anyOf": [{"namespaces": {"network": "host"}}, {"privileged": True},
                      {"pointer": {"path": "/linux/resources/memory/limit", "greaterThan": 1073741824}}]}, "deny": f"not allowed {i}"})
    else:
        rules.append({"name": f"caps-{i}", "when": {"not": {"uid": "1000-"}, "env": {"PATH": ".*/bin.*"}},
                      "edits": [{"capabilities": {"drop": ["NET_RAW"]}}, {"merge": {"linux": {"sysctl": {f"net.bench{i}": "0 0"}}}}]})
doc = {"version": 1, "rules": rules}
json.dump(doc, open(f"{w}/rules.json", "w"), indent=2)
def y(v, ind):  # block YAML, scalars as JSON strings (valid YAML)
    pad, out = "  " * ind, []
    if isinstance(v, dict):
        for key, x in v.items():
            kk = json.dumps(key)
            if isinstance(x, (dict, list)) and x:
                out.append(f"{pad}{kk}:"); out += y(x, ind + 1)
            else:
                out.append(f"{pad}{kk}: {json.dumps(x)}")
    else:
        for x in v:
            if isinstance(x, (dict, list)):
                sub = y(x, ind + 1); sub[0] = pad + "- " + sub[0].lstrip(); out += sub
            else:
                out.append(pad + "- " + json.dumps(x))
    return out
open(f"{w}/rules.yaml", "w").write("\n".join(y(doc, 0)) + "\n")
